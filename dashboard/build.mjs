// Bundles the dashboard (dashboard/src, TypeScript) into dist/public/dashboard with esbuild:
// main.js and main.css (uPlot included, no CDN), plus index.html. Run by `npm run build`
// after `nest build` (which empties dist/). Prints what it wrote and how big it is.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', 'dist', 'public', 'dashboard');
const started = Date.now();

await mkdir(outdir, { recursive: true });
const result = await esbuild.build({
  entryPoints: [join(here, 'src', 'main.ts')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022'],
  outdir,
  metafile: true,
  logLevel: 'warning',
});
await copyFile(join(here, 'index.html'), join(outdir, 'index.html'));

const files = [
  ...Object.keys(result.metafile.outputs),
  relative(process.cwd(), join(outdir, 'index.html')),
]
  .filter((file) => !file.endsWith('.map'))
  .map((file) => {
    const bytes = readFileSync(file);
    return `${relative(process.cwd(), file)} ${(bytes.length / 1024).toFixed(1)} kB (${(gzipSync(bytes).length / 1024).toFixed(1)} kB gzipped)`;
  });
console.log(`dashboard bundled in ${Date.now() - started} ms:\n  ${files.join('\n  ')}`);
