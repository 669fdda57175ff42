import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/index.js';

/**
 * JSON lines in production; pino-pretty (a dev dependency) when asked for and installed.
 * Lines go to stdout asynchronously (pino's own sonic-boom, `sync: false`): a burst of
 * reconciles or requests no longer waits in one write() per line. pino flushes what is left
 * on process exit, and configure-http-app.ts stops through process.exit (enableShutdownHooks'
 * useProcessExit) so a SIGTERM flushes too; only a SIGKILL can lose the lines of the write in
 * flight (docs/decisions/0013-pino-without-nestjs-pino.md).
 */
export function createPino(log: AppConfig['log']): Logger {
  if (log.format === 'pretty' && prettyAvailable()) {
    return pino({
      level: log.level,
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
      },
    });
  }
  return pino({ level: log.level }, pino.destination({ dest: 1, sync: false }));
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
