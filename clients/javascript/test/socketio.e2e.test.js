// The official socket.io-client (4.x, from npm) against a running sample app (GATEWAY_URL), with
// nothing but docs/socketio.md to go on: default options (long-polling, then the upgrade to a
// WebSocket), WebSocket only, long-polling only, acks both ways, rooms (GUIDs), binary attachments,
// a refused CONNECT, and connection state recovery after a dropped connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const base = process.env.GATEWAY_URL;
let io = null;
try {
  ({ io } = await import('socket.io-client'));
} catch {
  // not installed: skipped below
}
const skip = (!base || !io) && 'needs GATEWAY_URL and socket.io-client (npm install)';
const API = { Authorization: 'Bearer demo-api-token' };

async function token(uid) {
  return (await (await fetch(`${base}/demo/token?uid=${encodeURIComponent(uid)}`)).json()).token;
}

async function push(path, event, body, contentType = 'application/json', query = '') {
  const response = await fetch(`${base}/push-api/${path}?event=${encodeURIComponent(event)}${query}`, {
    method: 'POST', headers: { ...API, 'Content-Type': contentType }, body,
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

function once(emitter, name) {
  return new Promise((resolve) => emitter.once(name, (...args) => resolve(args)));
}

async function connected(uid, options = {}) {
  const socket = io(base, { auth: { token: await token(uid) }, reconnectionDelay: 200, ...options });
  await once(socket, 'connect');
  return socket;
}

for (const [name, transports] of [['default options: long-polling, then upgraded to a WebSocket', undefined],
  ['WebSocket only', ['websocket']], ['long-polling only', ['polling']]]) {
  test(`socket.io-client with ${name}: pushes, acks both ways, rooms`, { skip, timeout: 30000 }, async () => {
    const uid = `sio-${transports?.[0] ?? 'default'}-${Date.now()}`;
    const socket = io(base, { auth: { token: await token(uid) }, ...(transports ? { transports } : {}) });
    try {
      const upgraded = transports ? null : once(socket.io, 'open').then(() => once(socket.io.engine, 'upgrade'));
      await once(socket, 'connect');
      assert.match(socket.id, /^\d+$/, 'the socket ID is the gateway socket ID');
      if (upgraded) assert.equal((await upgraded)[0].name, 'websocket');
      else assert.equal(socket.io.engine.transport.name, transports[0]);

      // a push to the user is an event named after it, the payload its argument
      const shipped = once(socket, 'order.shipped');
      await push(`users/${uid}`, 'order.shipped', JSON.stringify({ order: 7 }));
      assert.deepEqual((await shipped)[0], { order: 7 });

      // emit with an ack: an upstream message whose reply is the ack
      assert.deepEqual(await socket.emitWithAck('echo', { n: [1, 2.5] }), { n: [1, 2.5] });
      assert.deepEqual(await socket.timeout(5000).emitWithAck('echo', 'text'), 'text');
      const refused = await socket.emitWithAck('nobody-handles-this', 1);
      assert.equal(refused.error.code, 4404);

      // rooms: join a GUID, get its pushes, leave it
      assert.deepEqual(await socket.emitWithAck('join', 'doc-sio'), { guid: 'doc-sio' });
      const edited = once(socket, 'doc.edited');
      await push('guids/doc-sio', 'doc.edited', JSON.stringify({ line: 3 }));
      assert.deepEqual((await edited)[0], { line: 3 });
      assert.deepEqual(await socket.emitWithAck('leave', 'doc-sio'), { guid: 'doc-sio' });

      // a push that asks for an ack: the listener's callback acknowledges it
      socket.once('confirm', (data, offset, ack) => ack());
      const result = await push(`users/${uid}`, 'confirm', JSON.stringify({ please: true }), 'application/json',
        '&ack=5s');
      assert.deepEqual(result.acknowledged, [socket.id]);
    } finally {
      socket.close();
    }
  });
}

test('binary attachments both ways', { skip, timeout: 30000 }, async () => {
  const uid = `sio-binary-${Date.now()}`;
  const socket = await connected(uid);
  try {
    const file = once(socket, 'file');
    await push(`users/${uid}`, 'file', new Uint8Array([1, 2, 3, 250]), 'application/octet-stream');
    assert.deepEqual([...(await file)[0]], [1, 2, 3, 250]);
    const echoed = await socket.emitWithAck('echo', Buffer.from([9, 8, 7]));
    assert.deepEqual([...echoed], [9, 8, 7]);
  } finally {
    socket.close();
  }
});

test('a refused CONNECT surfaces as connect_error with the reason', { skip, timeout: 30000 }, async () => {
  const socket = io(base, { auth: { token: 'not-a-token' }, reconnection: false });
  try {
    const [error] = await once(socket, 'connect_error');
    assert.match(error.message, /invalid token|missing or invalid credentials/);
    assert.equal(error.data.status, 401);
    assert.equal(socket.connected, false);
  } finally {
    socket.close();
  }
});

test('connection state recovery: missed pushes arrive after a dropped connection, recovered is true',
  { skip, timeout: 30000 }, async () => {
    const uid = `sio-recovery-${Date.now()}`;
    const socket = await connected(uid, { transports: ['websocket'] });
    try {
      assert.equal(socket.recovered, false);
      const first = once(socket, 'tick');
      await push(`users/${uid}`, 'tick', '1');
      assert.equal((await first)[0], 1);

      const received = [];
      socket.on('tick', (n) => received.push(n));
      const reconnected = once(socket, 'connect');
      // the network drops the connection: socket.io-client reconnects by itself
      socket.io.engine.close();
      await push(`users/${uid}`, 'tick', '2');
      await push(`users/${uid}`, 'tick', '3');
      await reconnected;
      assert.equal(socket.recovered, true);
      const after = new Promise((resolve) => socket.on('tick', (n) => n === 4 && resolve()));
      await push(`users/${uid}`, 'tick', '4');
      await after;
      assert.deepEqual(received, [2, 3, 4]);
    } finally {
      socket.close();
    }
  });
