// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** Folders every feature may use; they import no feature (docs/architecture.md). */
export const PLATFORM_FOLDERS = [
  'common',
  'config',
  'database',
  'http',
  'logging',
  'health',
  'metrics',
  'kubernetes',
];
/** One folder per feature (users, auth, sessions, scaling, operator, dashboard, secrets). */
export const FEATURE_FOLDERS = [
  'auth',
  'users',
  'sessions',
  'scaling',
  'operator',
  'dashboard',
  'secrets',
  'crds',
];
/** What the operator role must never load: the api's features. */
const API_FEATURES = ['auth', 'users', 'sessions', 'scaling'];

/** The one file that may read the wall clock and arm timers: everything else injects Clock. */
const CLOCK_FILE = 'src/common/clock.ts';
const CLOCK_MESSAGE = 'Inject Clock (src/common/clock.ts) so that tests can drive time.';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'vendor/**', 'eslint.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through src/config only.',
        },
      ],
    },
  },
  {
    files: ['src/config/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'demo/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  // Boundaries between the folders of src/ (eslint-plugin-boundaries).
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': [
        ...[...PLATFORM_FOLDERS, ...FEATURE_FOLDERS].map((folder) => ({
          type: folder,
          pattern: `src/${folder}`,
        })),
      ],
      // The composition root: main.ts, app.module.ts and the files that wire features in.
      'boundaries/files': [{ category: 'composition-root', pattern: 'src/*.ts' }],
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { type: PLATFORM_FOLDERS } },
              disallow: { to: { element: { type: FEATURE_FOLDERS } } },
              message:
                'A platform folder ({{from.element.type}}) imports no feature ({{to.element.type}}): pass what it needs in from the feature or the composition root (src/*.ts).',
            },
            {
              from: { element: { type: 'common' } },
              disallow: {
                to: {
                  element: {
                    type: [...PLATFORM_FOLDERS, ...FEATURE_FOLDERS].filter((f) => f !== 'common'),
                  },
                },
              },
              message:
                'common/ is the bottom layer: it imports no other folder of src ({{to.element.type}}).',
            },
            {
              from: { element: { type: 'operator' } },
              disallow: { to: { element: { type: API_FEATURES } } },
              message:
                'The operator imports none of the api features ({{to.element.type}}): it runs in its own role and process.',
            },
          ],
        },
      ],
    },
  },
  // Time only through the injected Clock; small files.
  {
    files: ['src/**/*.ts'],
    ignores: [CLOCK_FILE, 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through src/config only.',
        },
        { object: 'Date', property: 'now', message: CLOCK_MESSAGE },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: CLOCK_MESSAGE },
        { name: 'setInterval', message: CLOCK_MESSAGE },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: CLOCK_MESSAGE,
        },
        {
          selector:
            'MemberExpression[object.name=/^(globalThis|global)$/][property.name=/^(setTimeout|setInterval)$/]',
          message: CLOCK_MESSAGE,
        },
      ],
      'max-lines': ['error', { max: 300 }],
    },
  },
  {
    files: ['src/config/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: CLOCK_MESSAGE },
      ],
    },
  },
);
