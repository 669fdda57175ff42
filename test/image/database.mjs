#!/usr/bin/env node
// A scratch database for the image check on the test MariaDB (TEST_DATABASE_URL), with the
// project's own mysql2 (run `npm ci` first).
//
// Usage: node test/image/database.mjs create <suffix>   prints the new database's URL
//        node test/image/database.mjs drop <url>
import { createConnection } from 'mysql2/promise';

const [command, argument] = process.argv.slice(2);
const base = process.env.TEST_DATABASE_URL;
if (!base) {
  process.stderr.write('database.mjs: TEST_DATABASE_URL is not set (test/support/mariadb.sh prints one)\n');
  process.exit(1);
}

const connection = await createConnection({ uri: base }).catch((error) => {
  process.stderr.write(`database.mjs: cannot connect to TEST_DATABASE_URL (${error.code ?? error.message}); is MariaDB running (test/support/mariadb.sh)?\n`);
  process.exit(1);
});
try {
  if (command === 'create' && argument) {
    const url = new URL(base);
    const name = `${url.pathname.slice(1)}_${argument}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    url.pathname = `/${name}`;
    process.stdout.write(`${url}\n`);
  } else if (command === 'drop' && argument) {
    await connection.query(`DROP DATABASE IF EXISTS \`${new URL(argument).pathname.slice(1)}\``);
  } else {
    throw new Error('usage: database.mjs create <suffix> | drop <url>');
  }
} finally {
  await connection.end();
}
