import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The parts of schemathesis 4's JSON run report (`--report json`) the suites read. */
export interface SchemathesisReport {
  schemathesis_version: string;
  seed: number | string;
  running_time: number;
  exit_code: number;
  operations: { selected: number; tested: number; errored: number; skipped: number };
  test_cases: {
    generated: number;
    with_failures: number;
    unique_failures: number;
    errored: number;
  };
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
  errors: Array<{ title: string; count: number }>;
  /** Warning kind -> operations (e.g. `missing_auth`, `rate_limited`); empty lists when none. */
  warnings: Record<string, unknown[]>;
  auth: { reauth_count: number; reauth_broke: boolean };
}

/** One request of a run and its response status (from the HAR report). */
export interface SentRequest {
  method: string;
  path: string;
  status: number;
}

export interface SchemathesisRun {
  exitCode: number | null;
  /** Everything `st run` printed (its failures section names each finding with a curl line). */
  output: string;
  report: SchemathesisReport;
  /** Every request it sent, in order. */
  requests: SentRequest[];
}

export interface SchemathesisOptions {
  /** The OpenAPI document's URL (`/docs-json`); the API is tested at its origin. */
  schemaUrl: string;
  /** More `st run` options (checks, max examples, filters...). */
  args: string[];
  /** A schemathesis.toml (passed with --config-file). */
  configFile?: string;
  /** Variables the config file reads (`${VAR}`). */
  env?: Record<string, string>;
  /** Prefix of the progress lines printed while it runs. */
  label: string;
}

/** The `st` command test/support/schemathesis.sh installed (test/e2e.sh exports it). */
export function schemathesisCommand(): string {
  const command = process.env.KIADA_SCHEMATHESIS;
  if (!command) {
    throw new Error(
      'KIADA_SCHEMATHESIS is not set: run the suite with `npm run test:e2e`, or ' +
        '`eval "$(bash test/support/schemathesis.sh --env)"` first',
    );
  }
  return command;
}

/**
 * Runs `st run` against a running app, printing its progress as it goes, in a scratch
 * directory (it writes no report or example database into the repository); resolves to
 * its exit code, output and JSON report.
 */
export async function runSchemathesis({
  schemaUrl,
  args,
  configFile,
  env = {},
  label,
}: SchemathesisOptions): Promise<SchemathesisRun> {
  const workDir = mkdtempSync(join(tmpdir(), 'kiada-schemathesis-'));
  const reportPath = join(workDir, 'report.json');
  const harPath = join(workDir, 'requests.har');
  const argv = [
    ...(configFile ? ['--config-file', configFile] : []),
    'run',
    schemaUrl,
    '--no-color',
    '--generation-database',
    'none',
    '--report',
    'json,har',
    '--report-json-path',
    reportPath,
    '--report-har-path',
    harPath,
    ...args,
  ];
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number | null; output: string }>(
      (resolve, reject) => {
        const child = spawn(schemathesisCommand(), argv, {
          cwd: workDir,
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let captured = '';
        let pending = '';
        const progress = (chunk: Buffer) => {
          captured += chunk.toString();
          pending += chunk.toString();
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) process.stderr.write(`[${label}] ${line}\n`);
        };
        child.stdout.on('data', progress);
        child.stderr.on('data', progress);
        child.on('error', reject);
        child.on('close', (code) => resolve({ exitCode: code, output: captured }));
      },
    );
    let report: SchemathesisReport;
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as SchemathesisReport;
    } catch (error) {
      throw new Error(
        `st exited with ${exitCode} and wrote no JSON report (${String(error)}):\n${output.slice(-4000)}`,
        { cause: error },
      );
    }
    return { exitCode, output, report, requests: requestsOf(harPath) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

interface Har {
  log: {
    entries: Array<{ request: { method: string; url: string }; response: { status: number } }>;
  };
}

function requestsOf(harPath: string): SentRequest[] {
  const har = JSON.parse(readFileSync(harPath, 'utf8')) as Har;
  return har.log.entries.map(({ request, response }) => ({
    method: request.method,
    path: new URL(request.url).pathname,
    status: response.status,
  }));
}

/** The warnings that name at least one operation, by kind. */
export function warningsOf(report: SchemathesisReport): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(report.warnings).filter(([, operations]) => operations.length > 0),
  );
}
