import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ModuleRecorder {
  /** Node flags that make a process record every module it loads. */
  nodeArgs: string[];
  /** The URLs loaded so far. */
  loaded(): string[];
  remove(): void;
}

/**
 * Records the modules a child process loads, through a module `load` hook (node:module's
 * `register`), so a test sees what a role really imports.
 */
export function recordLoadedModules(): ModuleRecorder {
  const dir = mkdtempSync(join(tmpdir(), 'kiada-loaded-modules-'));
  const list = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  writeFileSync(list, '');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\n` +
      `export async function load(url, context, next) {\n` +
      `  appendFileSync(${JSON.stringify(list)}, url + '\\n');\n` +
      `  return next(url, context);\n}\n`,
  );
  writeFileSync(
    register,
    `import { register } from 'node:module';\n` +
      `register(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  return {
    nodeArgs: ['--import', pathToFileURL(register).href],
    loaded: () => readFileSync(list, 'utf8').split('\n').filter(Boolean),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
