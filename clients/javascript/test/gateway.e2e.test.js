// End to end against a running sample app (GATEWAY_URL, e.g. http://localhost:8080): the sample's
// JavascriptClientTests starts one and runs this file; skipped when GATEWAY_URL is not set.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { EventSource } from 'eventsource';

import { PushGatewayClient } from '../src/client.js';

const base = process.env.GATEWAY_URL;
const skip = !base || typeof globalThis.WebSocket !== 'function';

function next(client, name, predicate = () => true) {
  return new Promise((resolve) => {
    const off = client.on(name, (value) => {
      if (predicate(value)) {
        off();
        resolve(value);
      }
    });
  });
}

async function token(uid) {
  const response = await fetch(`${base}/demo/token?uid=${encodeURIComponent(uid)}`);
  return (await response.json()).token;
}

async function httpPush(uid, event, body) {
  const response = await fetch(`${base}/push-api/users/${encodeURIComponent(uid)}?event=${event}`, {
    method: 'POST',
    headers: { Authorization: 'Bearer demo-api-token', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
}

test('connects, receives pushes, gets replies, joins a GUID and resumes after a dropped connection',
  { skip, timeout: 60000 }, async () => {
    const uid = `js-${Date.now()}`;
    const client = new PushGatewayClient(base.replace(/^http/, 'ws') + '/ws', {
      token: () => token(uid),
      backoff: { initial: 1500 },
    });
    try {
      const opened = next(client, 'open');
      await client.connect();
      assert.equal((await opened).uid, uid);

      const news = next(client, 'push:news');
      await httpPush(uid, 'news', { title: 'from the HTTP API' });
      assert.deepEqual((await news).data, { title: 'from the HTTP API' });

      assert.deepEqual(await client.send('echo', { n: [1, 2.5] }), { n: [1, 2.5] });

      await client.join('doc-js');
      const chat = next(client, 'push:chat');
      const reply = await client.send('chat', { text: 'hello' }, { guid: 'doc-js' });
      assert.equal((await chat).id, reply.messageId);
      assert.equal((await chat).guid, 'doc-js');

      // drop the connection, push while it is down, and expect exactly the missed pushes on resume
      const reopened = next(client, 'open');
      const recovered = next(client, 'recovered', (event) => event.guid === undefined && event.count === 2);
      const missed = [];
      client.on('push:missed', (push) => missed.push(push.data));
      client.socket.close();
      await httpPush(uid, 'missed', 1);
      await httpPush(uid, 'missed', 2);
      await reopened;
      await recovered;
      assert.deepEqual(missed, [1, 2]);
    } finally {
      client.close();
    }
  });

test('answers the server\'s refresh with the token function\'s next token, on the same connection',
  { skip, timeout: 60000 }, async () => {
    const uid = `js-refresh-${Date.now()}`;
    let issued = 0;
    // the first token expired 30 s ago: accepted within the sample's clock skew (60 s) and within the
    // refresh lead (30 s) of its end, so the server asks for a fresh one at its next check (within 15 s)
    const client = new PushGatewayClient(base.replace(/^http/, 'ws') + '/ws', {
      token: async () => {
        issued += 1;
        const response = await fetch(`${base}/demo/token?uid=${encodeURIComponent(uid)}&seconds=${issued === 1 ? -30 : 3600}`);
        return (await response.json()).token;
      },
    });
    let opens = 0;
    client.on('open', () => { opens += 1; });
    try {
      const opened = next(client, 'open');
      const refreshed = next(client, 'refresh');
      await client.connect();
      const welcome = await opened;
      const { expiresAt } = await refreshed;
      assert.ok(expiresAt > Date.now() + 3000 * 1000, `the fresh token's end, ${expiresAt}`);
      assert.equal(issued, 2);
      const news = next(client, 'push:news');
      await httpPush(uid, 'news', { after: 'refresh' });
      assert.deepEqual((await news).data, { after: 'refresh' });
      assert.equal(client.state, 'open');
      assert.equal((await client.refresh()).t, 'refreshed');
      assert.equal(issued, 3);
      assert.ok(welcome.sid);
      assert.equal(opens, 1, 'no reconnect');
    } finally {
      client.close();
    }
  });

test('speaks MessagePack: binary frames, JSON documents in j, text and bytes in d',
  { skip, timeout: 30000 }, async () => {
    const uid = `js-msgpack-${Date.now()}`;
    const client = new PushGatewayClient(base.replace(/^http/, 'ws') + '/ws', {
      token: () => token(uid),
      protocol: 'msgpack',
    });
    try {
      const opened = next(client, 'open');
      await client.connect();
      assert.equal((await opened).uid, uid);
      const news = next(client, 'push:news');
      await httpPush(uid, 'news', { title: 'over msgpack' });
      assert.deepEqual((await news).data, { title: 'over msgpack' });
      assert.deepEqual(await client.send('echo', { n: 1 }), { n: 1 });
      assert.equal(await client.send('echo', 'plain text'), 'plain text');
    } finally {
      client.close();
    }
  });

// a WebSocket that fails before it opens while "the proxy" blocks upgrades; without an EventSource
// (Node) the client long-polls, with one it streams Server-Sent Events first
for (const [name, transport, options] of [['long-polls', 'polling', {}],
  ['streams over Server-Sent Events', 'sse', { EventSource }]]) {
  test(`${name} where WebSockets are blocked, then upgrades without losing a push`, { skip, timeout: 60000 },
    async () => {
      const uid = `js-${transport}-${Date.now()}`;
      let blocked = true;
      class FlakyWebSocket {
        constructor(url, protocols) {
          if (!blocked) return new globalThis.WebSocket(url, protocols);
          setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 5);
        }

        close() {}
      }
      const client = new PushGatewayClient(base.replace(/^http/, 'ws') + '/ws', {
        token: () => token(uid),
        WebSocket: FlakyWebSocket,
        upgradeAfter: 1000,
        ...options,
      });
      try {
        const fallback = next(client, 'fallback');
        const opened = next(client, 'open');
        await client.connect();
        assert.equal((await fallback).from, 'websocket');
        assert.equal((await opened).uid, uid);
        assert.equal(client.transport, transport);

        const news = next(client, 'push:news');
        await httpPush(uid, 'news', { over: transport });
        assert.deepEqual((await news).data, { over: transport });
        assert.deepEqual(await client.send('echo', { n: [3] }), { n: [3] });
        await client.join(`doc-${transport}`);
        const chat = next(client, 'push:chat');
        const reply = await client.send('chat', { text: 'via http' }, { guid: `doc-${transport}` });
        assert.equal((await chat).id, reply.messageId);

        // the network lets WebSockets through again: the client upgrades by itself
        blocked = false;
        const upgraded = next(client, 'upgrade');
        const pushes = [];
        client.on('push:count', (push) => pushes.push(push.data));
        await httpPush(uid, 'count', 1);
        await upgraded;
        assert.equal(client.transport, 'websocket');
        await httpPush(uid, 'count', 2);
        const after = next(client, 'push:count', (push) => push.data === 3);
        await httpPush(uid, 'count', 3);
        await after;
        assert.deepEqual(pushes, [1, 2, 3]);
        assert.deepEqual(await client.send('echo', 'over the socket'), 'over the socket');
      } finally {
        client.close();
      }
    });
}

test('long-polls in MessagePack too', { skip, timeout: 30000 }, async () => {
  const uid = `js-polling-msgpack-${Date.now()}`;
  const client = new PushGatewayClient(base.replace(/^http/, 'ws') + '/ws', {
    token: () => token(uid),
    protocol: 'msgpack',
    transports: ['polling'],
  });
  try {
    const opened = next(client, 'open');
    await client.connect();
    assert.equal((await opened).uid, uid);
    const news = next(client, 'push:news');
    await httpPush(uid, 'news', { packed: true });
    assert.deepEqual((await news).data, { packed: true });
    assert.equal(await client.send('echo', 'text over msgpack'), 'text over msgpack');
  } finally {
    client.close();
  }
});

// The lowest-level path a stranger takes from docs/protocol.md: a bare WebSocket that offers no
// subprotocol (the server speaks push.v1.json), JSON.parse on every body, no client library.
test('a bare WebSocket without a subprotocol is served as push.v1.json; HTTP message IDs match frame IDs',
  { skip, timeout: 30000 }, async () => {
    const uid = `js-bare-${Date.now()}`;
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?access_token=${encodeURIComponent(await token(uid))}`);
    const frames = [];
    const waiting = [];
    ws.onmessage = (message) => {
      frames.push(JSON.parse(message.data));
      for (const waiter of [...waiting]) waiter();
    };
    const frame = (predicate) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame')), 10000);
      const check = () => {
        const index = frames.findIndex(predicate);
        if (index < 0) return;
        waiting.splice(waiting.indexOf(check), 1);
        clearTimeout(timer);
        resolve(frames.splice(index, 1)[0]);
      };
      waiting.push(check);
      check();
    });
    try {
      const welcome = await frame((f) => f.t === 'welcome');
      assert.equal(ws.protocol, '');
      assert.equal(welcome.uid, uid);
      assert.equal(typeof welcome.sid, 'string');
      ws.send(JSON.stringify({ t: 'ping' }));
      await frame((f) => f.t === 'pong');

      const pushed = frame((f) => f.t === 'push' && f.ev === 'bare');
      const response = await fetch(`${base}/push-api/users/${encodeURIComponent(uid)}?event=bare`, {
        method: 'POST',
        headers: { Authorization: 'Bearer demo-api-token', 'Content-Type': 'application/json' },
        body: '{"n":1}',
      });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(typeof body.messageId, 'string');
      assert.equal(body.localDeliveries, 1);
      assert.equal((await pushed).id, body.messageId);

      ws.send(JSON.stringify({ t: 'msg', id: 'm1', ev: 'echo', d: { x: 1 } }));
      assert.deepEqual((await frame((f) => f.t === 'reply' && f.id === 'm1')).d, { x: 1 });
    } finally {
      ws.close();
    }
  });

test('over Server-Sent Events only: resumes the missed pushes after the stream drops', { skip, timeout: 60000 },
  async () => {
    const uid = `js-sse-only-${Date.now()}`;
    const client = new PushGatewayClient(base.replace(/^http/, 'ws') + '/ws', {
      token: () => token(uid),
      EventSource,
      transports: ['sse'],
      backoff: { initial: 1000 },
    });
    try {
      const opened = next(client, 'open');
      await client.connect();
      assert.equal((await opened).uid, uid);
      assert.equal(client.transport, 'sse');
      const first = next(client, 'push:missed');
      await httpPush(uid, 'missed', 0);
      await first;

      const reopened = next(client, 'open');
      const recovered = next(client, 'recovered', (event) => event.guid === undefined && event.count === 2);
      const missed = [];
      client.on('push:missed', (push) => missed.push(push.data));
      client.socket.source.close();
      client.socket.finish(1006, 'dropped by the test');
      await httpPush(uid, 'missed', 1);
      await httpPush(uid, 'missed', 2);
      await reopened;
      await recovered;
      assert.deepEqual(missed, [1, 2]);
    } finally {
      client.close();
    }
  });
