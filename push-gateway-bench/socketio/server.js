// The Socket.IO reference peer: Socket.IO 4.8 on Node's http server, as a gateway 1.0 would run it,
// with the benchmark's control endpoints. Every broadcast carries {n: send time} in the machine-wide
// monotonic clock (process.hrtime, CLOCK_MONOTONIC, the same clock as the JVM's System.nanoTime).
//
//   node --expose-gc server.js <port>
//   POST /bench/broadcast | POST /bench/broadcast-stream?rate=&seconds= | GET /bench/stats
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 8092);
const now = () => Number(process.hrtime.bigint());

const http = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  const json = (body) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (url.pathname === '/bench/broadcast') {
    io.emit('b', { n: now() });
    json({ sent: 1 });
  } else if (url.pathname === '/bench/broadcast-stream') {
    const rate = Number(url.searchParams.get('rate'));
    const seconds = Number(url.searchParams.get('seconds'));
    const total = rate * seconds;
    const interval = 1000 / rate;
    const start = performance.now();
    let sent = 0;
    // open loop on a schedule fixed in advance, as the JVM servers' pacer
    const tick = () => {
      while (sent < total && performance.now() >= start + sent * interval) {
        io.emit('b', { n: now() });
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
      else json({ sent });
    };
    tick();
  } else if (url.pathname === '/bench/stats') {
    if (url.searchParams.get('gc') !== 'false') {
      globalThis.gc?.();
      globalThis.gc?.();
    }
    json({ connections: io.engine.clientsCount, heapAfterGc: process.memoryUsage().heapUsed });
  } else {
    response.writeHead(404);
    response.end();
  }
});

const io = new Server(http, { transports: ['websocket'], serveClient: false });
http.listen(port, '127.0.0.1', () => console.log(`socket.io peer listening on ${port}`));
