// The official socket.io-client against two gateway nodes (SOCKETIO_NODES), run by the library's
// SocketIoClientClusterTests, which starts the nodes and hands over tokens. Outside test/, so the
// library's own `node --test test/` (run against a single sample app) leaves it alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';

import { io } from 'socket.io-client';

const nodes = (process.env.SOCKETIO_NODES ?? '').split(',');
const token = (name) => process.env[`SOCKETIO_TOKEN_${name}`];

function once(emitter, name) {
  return new Promise((resolve) => emitter.once(name, (...args) => resolve(args)));
}

async function push(node, path, event, body) {
  const response = await fetch(`${node}/push-api/${path}?event=${event}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${process.env.SOCKETIO_API_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
}

/** A load balancer without sticky sessions: every request and upgrade goes to the next node. */
function roundRobinProxy() {
  let next = 0;
  const seen = new Set();
  const target = () => new URL(nodes[next++ % nodes.length]);
  const server = http.createServer((request, response) => {
    const node = target();
    seen.add(node.port);
    const upstream = http.request({ host: node.hostname, port: node.port, path: request.url, method: request.method,
      headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode, answer.headers);
      answer.pipe(response);
    });
    request.pipe(upstream);
  });
  server.on('upgrade', (request, socket, head) => {
    const node = target();
    const upstream = net.connect(Number(node.port), node.hostname, () => {
      upstream.write(`${request.method} ${request.url} HTTP/1.1\r\n`
        + Object.entries(request.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('') + '\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen })));
}

test('long-polling through a round-robin load balancer: every request may land on either node', { timeout: 30000 },
  async () => {
    const { server, seen } = await roundRobinProxy();
    const socket = io(`http://127.0.0.1:${server.address().port}`, {
      auth: { token: token('POLLING') }, transports: ['polling'],
    });
    try {
      await once(socket, 'connect');
      assert.deepEqual(await socket.emitWithAck('echo', { via: 'either node' }), { via: 'either node' });
      assert.deepEqual(await socket.emitWithAck('join', 'open-doc-cluster'), { guid: 'open-doc-cluster' });
      for (const node of nodes) {
        const received = once(socket, 'from-node');
        await push(node, 'guids/open-doc-cluster', 'from-node', { node });
        assert.deepEqual((await received)[0], { node });
      }
      assert.equal(seen.size, 2, 'requests reached both nodes');
    } finally {
      socket.close();
      server.closeAllConnections();
      server.close();
    }
  });

test('a WebSocket on one node gets pushes issued on the other, acks both ways', { timeout: 30000 }, async () => {
  const socket = io(nodes[0], { auth: { token: token('WEBSOCKET') }, transports: ['websocket'] });
  try {
    await once(socket, 'connect');
    const received = once(socket, 'across');
    await push(nodes[1], 'users/sio-cluster-websocket', 'across', { from: 'node 2' });
    assert.deepEqual((await received)[0], { from: 'node 2' });
    assert.deepEqual(await socket.emitWithAck('echo', 42), 42);
  } finally {
    socket.close();
  }
});

test('connection state recovery on the other node after a dropped connection', { timeout: 30000 }, async () => {
  const first = io(nodes[0], { auth: { token: token('RECOVERY') }, transports: ['websocket'], reconnection: false });
  let second = null;
  try {
    await once(first, 'connect');
    const tick = once(first, 'tick');
    await push(nodes[0], 'users/sio-cluster-recovery', 'tick', 1);
    await tick;
    // the pid and the offset the client keeps, as its reconnect would send them to another node
    const state = { pid: first._pid, offset: first._lastOffset };
    assert.ok(state.pid && state.offset, 'connection state recovery is on');
    const disconnected = once(first, 'disconnect');
    first.io.engine.close();
    await disconnected;
    await push(nodes[1], 'users/sio-cluster-recovery', 'tick', 2);
    await push(nodes[1], 'users/sio-cluster-recovery', 'tick', 3);
    second = io(nodes[1], { auth: { token: token('RECOVERY') }, transports: ['websocket'], autoConnect: false });
    second._pid = state.pid;
    second._lastOffset = state.offset;
    const missed = [];
    second.on('tick', (n) => missed.push(n));
    second.connect();
    await once(second, 'connect');
    assert.equal(second.recovered, true);
    assert.deepEqual(missed, [2, 3]);
  } finally {
    second?.close();
    first.close();
  }
});
