import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The project's own ESLint configuration, run on code that breaks each of its architecture
// rules (and on code that keeps them): a rule that stops matching fails here, not silently.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('npm run lint: the rules that keep the architecture', () => {
  const eslint = new ESLint({
    cwd: root,
    // The fixtures are not files in the TypeScript project: lint them without type
    // information (the one type-aware rule is not under test here).
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false, project: null } },
      rules: { '@typescript-eslint/no-floating-promises': 'off' },
    },
  });

  /** The rule ids reported for `code` as if it were the file `path` (relative to the repository). */
  async function violations(path: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: join(root, path) });
    return result.messages.map((message) => message.ruleId ?? message.message);
  }

  describe('boundaries between folders', () => {
    it.each([
      ['src/common/fixture.ts', "import { SESSION_COOKIE_NAME } from '../auth/auth.constants.js';"],
      [
        'src/common/fixture.ts',
        "import { isDatabaseUnavailable } from '../database/database-unavailable.js';",
      ],
      ['src/http/fixture.ts', "import { serveDashboard } from '../dashboard/serve-dashboard.js';"],
      ['src/database/fixture.ts', "import { User } from '../users/user.entity.js';"],
      [
        'src/kubernetes/fixture.ts',
        "export { ScalingService } from '../scaling/scaling.service.js';",
      ],
      ['src/metrics/fixture.ts', "await import('../operator/operator.module.js');"],
      [
        'src/operator/fixture.ts',
        "import { ScalingService } from '../scaling/scaling.service.js';",
      ],
      ['src/operator/fixture.ts', "import { AuthEvents } from '../sessions/auth-events.js';"],
    ])('refuses %s: %s', async (path, code) => {
      await expect(violations(path, code)).resolves.toContain('boundaries/dependencies');
    });

    it.each([
      ['src/auth/fixture.ts', "export { Clock } from '../common/clock.js';"],
      ['src/scaling/fixture.ts', "export { AuthEvents } from '../sessions/auth-events.js';"],
      [
        'src/operator/fixture.ts',
        "export { InformerFactory } from '../kubernetes/informer/informer.factory.js';",
      ],
      ['src/app-fixture.ts', "export { AuthModule } from './auth/auth.module.js';"],
    ])('allows %s: %s', async (path, code) => {
      await expect(violations(path, code)).resolves.toEqual([]);
    });
  });

  it('refuses a file in a folder of src/ that is neither platform nor feature', async () => {
    await expect(violations('src/helpers/fixture.ts', 'export const x = 1;')).resolves.toContain(
      'boundaries/no-unknown-files',
    );
    await expect(violations('src/fixture.ts', 'export const x = 1;')).resolves.toEqual([]);
  });

  describe('time only through the injected Clock', () => {
    it.each([
      ['Date.now()', 'no-restricted-properties'],
      ['new Date()', 'no-restricted-syntax'],
      ['setTimeout(() => undefined, 10)', 'no-restricted-globals'],
      ['setInterval(() => undefined, 10)', 'no-restricted-globals'],
      ['globalThis.setTimeout(() => undefined, 10)', 'no-restricted-syntax'],
    ])('refuses %s in src/', async (expression, rule) => {
      await expect(
        violations('src/scaling/fixture.ts', `export const x = ${expression};`),
      ).resolves.toContain(rule);
    });

    it('allows them in src/common/clock.ts and in specs, and a Date of a given time anywhere', async () => {
      const code = 'export const x = [Date.now(), new Date(), setTimeout(() => undefined, 1)];';
      await expect(violations('src/common/clock.ts', code)).resolves.toEqual([]);
      await expect(violations('src/scaling/fixture.spec.ts', code)).resolves.toEqual([]);
      await expect(
        violations('src/scaling/fixture.ts', 'export const x = new Date(0);'),
      ).resolves.toEqual([]);
    });
  });

  describe('small files', () => {
    const lines = (count: number) =>
      Array.from({ length: count }, (_, i) => `export const x${i} = ${i};`).join('\n') + '\n';

    it('refuses a file of src/ over 300 lines, and not a spec', async () => {
      await expect(violations('src/scaling/fixture.ts', lines(300))).resolves.toEqual([]);
      await expect(violations('src/scaling/fixture.ts', lines(301))).resolves.toContain(
        'max-lines',
      );
      await expect(violations('src/scaling/fixture.spec.ts', lines(400))).resolves.toEqual([]);
    });
  });

  it('reads process.env only in src/config', async () => {
    const code = 'export const port = process.env.PORT;';
    await expect(violations('src/scaling/fixture.ts', code)).resolves.toContain(
      'no-restricted-properties',
    );
    await expect(violations('src/config/fixture.ts', code)).resolves.toEqual([]);
  });
});
