import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DemoError } from './demo-error.js';
import { say } from './say.js';

const BUILD_INPUTS = [
  'src',
  'scripts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];

/** The newest modification time under `path` (a file or a directory tree), in ms. */
function newestMtime(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestMtime(join(path, entry))),
    stat.mtimeMs,
  );
}

/** What `npm run build` writes: the compiled app and the bundled Kubernetes client. */
const BUILD_OUTPUTS = ['dist/main.js', 'vendor/kubernetes-client-node.js'];

/** Builds the app (`npm run build`) when an output is missing or older than its sources. */
export function ensureBuilt(): void {
  const stamps = BUILD_OUTPUTS.map((file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs);
  const built = stamps.includes(undefined) ? undefined : Math.min(...(stamps as number[]));
  const sources = Math.max(...BUILD_INPUTS.map(newestMtime));
  if (built !== undefined && built >= sources) {
    say('the app is built (dist/ is newer than src/)');
    return;
  }
  say(
    built === undefined
      ? 'building the app (no dist/ yet): npm run build, about 20 s'
      : 'rebuilding the app (src/ changed since the last build): npm run build',
  );
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new DemoError(
      `npm run build failed (exit ${result.status}): fix the errors above, then run the demo again`,
    );
  }
  say(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
