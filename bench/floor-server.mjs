// The floor for a session check that reads the database: a bare node:http server answering
// every request with one primary-key query on the sessions table (the same query the app's
// session store runs), through a mysql2 pool of the app's size. Usage:
//   node bench/floor-server.mjs <port> <databaseUrl> <sid>
import { createServer } from 'node:http';
import { createPool } from 'mysql2/promise';

const [port, databaseUrl, sid] = process.argv.slice(2);
const pool = createPool({ uri: databaseUrl, connectionLimit: 20 });

const server = createServer(async (req, res) => {
  try {
    const [rows] = await pool.query('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?', [sid, Date.now()]);
    const body = JSON.stringify(rows.length ? { userId: JSON.parse(rows[0].data).passport?.user ?? null } : {});
    res.writeHead(rows.length ? 200 : 401, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } catch (error) {
    res.writeHead(500);
    res.end(String(error.message));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
});
