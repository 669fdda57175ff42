// MariaDB helpers: scratch databases, bulk seeding, and signed session cookies.
import { createHmac, randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'mysql://kiada:kiada@127.0.0.1:3306/kiada_test';
export const TTL_MS = 1800 * 1000;

/** A new empty database `<base>_<suffix>` on the test server; returns its URL. */
export async function freshDatabase(suffix) {
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

export async function dropDatabase(databaseUrl) {
  const name = new URL(databaseUrl).pathname.slice(1);
  const connection = await createConnection({ uri: BASE_DATABASE_URL });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

export async function withConnection(databaseUrl, work) {
  const connection = await createConnection({ uri: databaseUrl, multipleStatements: false });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

export async function serverVersion() {
  return withConnection(BASE_DATABASE_URL, async (c) => (await c.query('SELECT VERSION() AS v'))[0][0].v);
}

function sessionData(userId, expires) {
  return JSON.stringify({
    cookie: { originalMaxAge: TTL_MS, expires: new Date(expires).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' },
    passport: { user: userId },
  });
}

/**
 * Inserts users named `<prefix><id>` (with `hash` as password hash) and, when `withSessions`,
 * one live session each. Returns [{ id, username, sid }].
 */
export async function insertUsers(databaseUrl, count, { prefix = 'seeded-', hash = 'seeded-without-password', withSessions = true } = {}) {
  const CHUNK = 5_000;
  const out = [];
  await withConnection(databaseUrl, async (connection) => {
    // Ids come from AUTO_INCREMENT (the app may be inserting users at the same time).
    const tag = randomBytes(4).toString('hex');
    const now = Date.now();
    for (let offset = 0; offset < count; offset += CHUNK) {
      const names = Array.from({ length: Math.min(CHUNK, count - offset) }, (_, i) => `${prefix}${tag}-${offset + i + 1}`);
      await connection.query('INSERT INTO users (username, password_hash, created_at) VALUES ?', [
        names.map((name) => [name, hash, now]),
      ]);
      const [found] = await connection.query('SELECT id, username FROM users WHERE username IN (?)', [names]);
      const rows = found.map((row) => ({ id: Number(row.id), username: row.username, sid: randomBytes(24).toString('base64url') }));
      if (withSessions) {
        const expires = now + TTL_MS;
        await connection.query('INSERT INTO sessions (sid, user_id, expires_at, data) VALUES ?', [
          rows.map((row) => [row.sid, row.id, expires, sessionData(row.id, expires)]),
        ]);
      }
      out.push(...rows);
    }
  });
  return out;
}

/** The cookie express-session expects for `sid` (cookie-signature: HMAC-SHA256, base64, no padding). */
export function signedCookie(sid, secret, name = 'kiada.sid') {
  const signature = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `${name}=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}

/**
 * Bulk-fills users + live sessions with ids (from, to] inside the server (MariaDB's
 * Sequence engine), falling back to client-side batches where it is missing.
 */
export async function fillSessions(databaseUrl, from, to) {
  await withConnection(databaseUrl, async (connection) => {
    const expires = Date.now() + TTL_MS;
    let sequence = true;
    try {
      await connection.query('SELECT seq FROM seq_1_to_2');
    } catch {
      sequence = false;
    }
    const STEP = 100_000;
    for (let lo = from; lo < to; lo += STEP) {
      const hi = Math.min(to, lo + STEP);
      if (sequence) {
        await connection.query(
          `INSERT INTO users (id, username, password_hash, created_at)
           SELECT seq, CONCAT('count-', seq), 'seeded-without-password', ? FROM seq_${lo + 1}_to_${hi}`,
          [Date.now()],
        );
        await connection.query(
          `INSERT INTO sessions (sid, user_id, expires_at, data)
           SELECT CONCAT(SHA2(CONCAT('bench-', seq), 256)), seq, ?,
                  CONCAT('{"cookie":{"originalMaxAge":${TTL_MS},"expires":"', ?, '","httpOnly":true,"path":"/","sameSite":"lax"},"passport":{"user":', seq, '}}')
           FROM seq_${lo + 1}_to_${hi}`,
          [expires, new Date(expires).toISOString()],
        );
      } else {
        for (let a = lo; a < hi; a += 5_000) {
          const ids = Array.from({ length: Math.min(5_000, hi - a) }, (_, i) => a + i + 1);
          await connection.query('INSERT INTO users (id, username, password_hash, created_at) VALUES ?', [
            ids.map((id) => [id, `count-${id}`, 'seeded-without-password', Date.now()]),
          ]);
          await connection.query('INSERT INTO sessions (sid, user_id, expires_at, data) VALUES ?', [
            ids.map((id) => [randomBytes(24).toString('base64url'), id, expires, sessionData(id, expires)]),
          ]);
        }
      }
    }
  });
}
