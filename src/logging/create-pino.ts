import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/index.js';

/** JSON lines in production; pino-pretty (a dev dependency) when asked for and installed. */
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
  return pino({ level: log.level });
}

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
