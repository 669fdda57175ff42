import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables } from './environment-variables.js';

const DOC = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

/**
 * Variables the table documents that EnvironmentVariables does not validate, because
 * something else reads them: @kubernetes/client-node's in-cluster configuration reads
 * these two, which the kubelet sets in every container.
 */
const READ_ELSEWHERE = ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT'];

/** The names in the first column of the table between the environment-variables markers. */
function documentedVariables(markdown: string): string[] {
  const table = markdown.match(
    /<!-- environment-variables:start -->([\s\S]*?)<!-- environment-variables:end -->/,
  );
  if (!table) throw new Error(`${DOC} has no <!-- environment-variables:start/end --> markers`);
  return table[1]
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|')[1].trim().replace(/`/g, ''));
}

/** Every property of EnvironmentVariables that carries a class-validator rule. */
function validatedVariables(): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(
    EnvironmentVariables,
    '',
    true,
    false,
  );
  return [...new Set(rules.map((rule) => rule.propertyName))];
}

describe('docs/configuration.md', () => {
  const documented = documentedVariables(readFileSync(DOC, 'utf8'));
  const validated = validatedVariables();

  it('finds the validated variables (the check itself works)', () => {
    expect(validated.length).toBeGreaterThan(40);
    expect(validated).toContain('APP_ROLE');
  });

  it('has one row per variable', () => {
    const repeated = documented.filter((name, i) => documented.indexOf(name) !== i);
    expect(repeated).toEqual([]);
  });

  it('documents every variable the configuration validates', () => {
    expect(validated.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('documents only variables the configuration validates or that are read elsewhere', () => {
    const known = [...validated, ...READ_ELSEWHERE];
    expect(documented.filter((name) => !known.includes(name))).toEqual([]);
  });
});
