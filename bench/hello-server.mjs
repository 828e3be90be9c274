// The ceiling of `npm run bench`: a bare Fastify server with nothing behind it,
// started as a child process of the same node exactly as Singgah is (plain
// JavaScript, no loader), loaded by the same autocannon settings. Plain .mjs so
// that no TypeScript loader weighs on its start time.
//
//   GET /            {"hello":"world"}: the HTTP ceiling
//   GET /readyz      {"status":"ok"}: the start-up ceiling
//   WS  /live        a bare `ws` socket; one small frame at connect
//   POST /fire?bytes=N   sends N bytes to every open socket: the live fan-out ceiling
import Fastify from 'fastify';
import { WebSocketServer } from 'ws';

const app = Fastify({ logger: false });
const wss = new WebSocketServer({ server: app.server, path: '/live', maxPayload: 4096 });
wss.on('connection', (socket) => {
  socket.on('message', () => undefined);
  socket.send('{"type":"snapshot"}');
});

app.get('/', async () => ({ hello: 'world' }));
app.get('/readyz', async () => ({ status: 'ok' }));
app.post('/fire', async (request) => {
  const bytes = Math.max(2, Math.min(8 * 1024 * 1024, Number(request.query.bytes) || 100));
  // A fresh string per event, as a real server serialises each event once.
  const message = JSON.stringify({ type: 'occupancy', at: Date.now(), pad: 'x'.repeat(Math.max(0, bytes - 40)) });
  for (const socket of wss.clients) socket.send(message);
  return { clients: wss.clients.size };
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const stop = () => {
  for (const socket of wss.clients) socket.terminate();
  wss.close();
  void app.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
