// (internal, started by bench/http-instructions.mjs under callgrind) One process serving each
// variant of one framework's hello world on its own loopback port; prints `ports {...}` once ready.
//   node bench/lib/ir-server.mjs <express|fastify|koa> <variant>...
import http from 'node:http';
import { FRAMEWORKS } from './http-variants.mjs';

const [name, ...variants] = process.argv.slice(2);
const framework = FRAMEWORKS[name];
if (framework === undefined || variants.length === 0) throw new Error('usage: ir-server.mjs <framework> <variant>...');
const apps = await framework.build();
const ports = {};
for (const variant of variants) {
  const handler = apps[variant];
  if (handler === undefined) throw new Error(`unknown variant ${variant}`);
  const server = http.createServer((req, res) => handler(req, res));
  server.keepAliveTimeout = 600_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports[variant] = server.address().port;
}
process.on('SIGINT', () => process.exit(0));
console.log(`ports ${JSON.stringify(ports)}`);
