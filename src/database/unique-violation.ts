import { QueryFailedError } from 'typeorm';

interface DriverError {
  code?: string;
  errno?: number;
}

/**
 * True when the database rejected a write because of a unique index: MySQL/MariaDB
 * ER_DUP_ENTRY (errno 1062) or SQLite SQLITE_CONSTRAINT_UNIQUE (better-sqlite3).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error as QueryFailedError & { driverError?: DriverError }).driverError ?? {};
  return (
    driverError.code === 'ER_DUP_ENTRY' ||
    driverError.errno === 1062 ||
    driverError.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    driverError.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
