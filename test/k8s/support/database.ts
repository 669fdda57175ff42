import { createConnection } from 'mysql2/promise';

export const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'mysql://kiada:kiada@127.0.0.1:3306/kiada_test';

/** A new empty database `<base>_<suffix>` on the test server; returns its URL. */
export async function freshDatabase(suffix: string): Promise<string> {
  const url = new URL(BASE_DATABASE_URL);
  const name = `${url.pathname.slice(1)}_${suffix}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
  const connection = await createConnection({ uri: BASE_DATABASE_URL });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const connection = await createConnection({ uri: BASE_DATABASE_URL });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}
