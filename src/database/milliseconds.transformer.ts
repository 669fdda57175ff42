import type { ValueTransformer } from 'typeorm';

/** BIGINT epoch milliseconds come back from mysql2 as strings; keep them numbers in code. */
export const millisecondsTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
