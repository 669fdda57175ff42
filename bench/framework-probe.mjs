// Nest 12 on Express against Nest 12 on Fastify: one route (GET /me, a small JSON object),
// no middleware, loaded by autocannon (16 connections, 8 s after 2 s of warm-up), twice each;
// prints requests/s, p99 and the server's CPU per request (/proc/<pid>/stat). The measured
// reason for the Express/Fastify decision (docs/decisions/0005-fastify-not-express.md). Not part
// of the project's dependencies: run it in an empty directory of its own:
//   npm init -y && npm pkg set type=module
//   npm install @nestjs/core@12 @nestjs/common@12 @nestjs/platform-express@12 \
//     @nestjs/platform-fastify@12 reflect-metadata rxjs autocannon@8
//   cp <this file> . && node framework-probe.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [, , role, kind, port] = process.argv;

if (role === 'serve') {
  await import('reflect-metadata');
  const { Controller, Get, Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  class MeController {
    me() {
      return { id: 1, username: 'alice', createdAt: 1 };
    }
  }
  Controller()(MeController);
  const me = Object.getOwnPropertyDescriptor(MeController.prototype, 'me');
  Get('me')(MeController.prototype, 'me', me);
  class AppModule {}
  Module({ controllers: [MeController] })(AppModule);
  const adapter =
    kind === 'fastify'
      ? new (await import('@nestjs/platform-fastify')).FastifyAdapter()
      : undefined;
  const app = adapter
    ? await NestFactory.create(AppModule, adapter, { logger: false })
    : await NestFactory.create(AppModule, { logger: false });
  await app.listen(Number(port), '127.0.0.1');
  process.stdout.write('listening\n');
} else {
  const autocannon = (await import('autocannon')).default;
  const cpuSeconds = (pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const load = (url, duration) =>
    new Promise((resolve, reject) =>
      autocannon({ url, connections: 16, duration }, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  const runs = [['express', 39301], ['fastify', 39302], ['express', 39303], ['fastify', 39304]];
  for (const [framework, serverPort] of runs) {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [self, 'serve', framework, String(serverPort)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const url = `http://127.0.0.1:${serverPort}/me`;
    await load(url, 2);
    const before = cpuSeconds(child.pid);
    const result = await load(url, 8);
    const used = cpuSeconds(child.pid) - before;
    const perRequest = Math.round((used * 1e6) / result.requests.total);
    process.stdout.write(
      `${framework}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ` +
        `${perRequest} µs CPU/request, ${result.non2xx} non-2xx\n`,
    );
    child.kill();
  }
}
