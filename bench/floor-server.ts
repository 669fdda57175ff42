// The floor for a session check that reads the database: a bare node:http server answering
// every request with one primary-key query on the sessions table (the same query the app's
// session store runs), through a mysql2 pool of the app's size. Usage:
//   node --import tsx bench/floor-server.ts <port> <databaseUrl> <sid>
import { createServer } from 'node:http';
import { createPool, type RowDataPacket } from 'mysql2/promise';

const [port, databaseUrl, sid] = process.argv.slice(2);
const pool = createPool({ uri: databaseUrl, connectionLimit: 20 });

const server = createServer(async (_req, res) => {
  try {
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT data FROM sessions WHERE sid = ? AND expires_at > ?',
      [sid, Date.now()],
    );
    const session = rows.length
      ? (JSON.parse(rows[0].data as string) as { passport?: { user?: unknown } })
      : undefined;
    const body = JSON.stringify(session ? { userId: session.passport?.user ?? null } : {});
    res.writeHead(rows.length ? 200 : 401, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  } catch (error) {
    res.writeHead(500);
    res.end(String((error as Error).message));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
