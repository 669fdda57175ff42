import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

const CHUNK = 5_000;

/**
 * Inserts `count` users, each with one live session, straight into the tables in bulk (the
 * e2e suites may seed below a boundary; crossings are real HTTP logins). Ids start after
 * the largest existing id. The app's start-up recount picks the new sessions up.
 */
export async function seedActiveUsers(databaseUrl: string, count: number, ttlMs: number): Promise<void> {
  const connection = await createConnection({ uri: databaseUrl });
  try {
    const [[{ maxId }]] = (await connection.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM users')) as unknown as [
      Array<{ maxId: number }>,
    ];
    const now = Date.now();
    for (let offset = 0; offset < count; offset += CHUNK) {
      const ids = Array.from({ length: Math.min(CHUNK, count - offset) }, (_, i) => Number(maxId) + offset + i + 1);
      await connection.query('INSERT INTO users (id, username, password_hash, created_at) VALUES ?', [
        ids.map((id) => [id, `seeded-${id}`, 'seeded-without-password', now]),
      ]);
      const expires = now + ttlMs;
      await connection.query('INSERT INTO sessions (sid, user_id, expires_at, data) VALUES ?', [
        ids.map((id) => [
          randomBytes(24).toString('base64url'),
          id,
          expires,
          JSON.stringify({
            cookie: { originalMaxAge: ttlMs, expires: new Date(expires).toISOString(), httpOnly: true, path: '/' },
            passport: { user: id },
          }),
        ]),
      ]);
    }
  } finally {
    await connection.end();
  }
}
