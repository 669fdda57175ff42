import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `content` written to a file `name` in a directory of its own under the system's temporary
 * directory, for a command that reads files (kubectl -f, helm -f, a mounted ConfigMap);
 * removed when `use` settles, so runs leave nothing in /tmp.
 */
export async function withScratchFile<T>(
  name: string,
  content: string,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), 'kiada-scratch-'));
  try {
    const path = join(directory, name);
    writeFileSync(path, content);
    return await use(path);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
