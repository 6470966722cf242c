// The HTTP API through PushGatewayAdmin, against a running sample app (GATEWAY_URL), as a Node
// service would use it; skipped when GATEWAY_URL is not set.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { PushGatewayAdmin, PushGatewayApiError } from '../src/admin.js';
import { connected, next } from './sample.js';

const base = process.env.GATEWAY_URL;
const skip = !base || typeof globalThis.WebSocket !== 'function';


test('pushes, lists, disconnects, bans and unbans over the HTTP API', { skip, timeout: 60000 }, async () => {
  const admin = new PushGatewayAdmin({ baseUrl: base, token: 'demo-api-token' });
  const uid = `admin-${Date.now()}`;
  const { client, welcome } = await connected(base, uid);
  try {
    const pushed = next(client, 'push:admin.test');
    const result = await admin.push('users', uid, 'admin.test', { n: 1 });
    assert.equal(typeof result.messageId, 'string');
    assert.deepEqual((await pushed).data, { n: 1 });

    const page = await admin.connections('users', uid, { limit: 10 });
    assert.equal(page.connections.length, 1);
    assert.equal(page.connections[0].socketId, welcome.sid);
    assert.equal(page.connections[0].transport, 'websocket');
    assert.equal(page.next, null);
    assert.ok((await admin.nodes()).nodes[0].connections >= 1);
    assert.ok((await admin.stats()).connections >= 1);
    const recent = await admin.recentPresence(100);
    assert.ok(recent.transitions.some((t) => t.type === 'ONLINE' && t.uid === uid), JSON.stringify(recent));

    const closed = next(client, 'close');
    await admin.ban(uid);
    assert.deepEqual([(await closed).code], [4006]);
    assert.equal((await admin.banState(uid)).banned, true);
    await admin.unban(uid);
    assert.equal((await admin.banState(uid)).banned, false);
  } finally {
    client.close();
  }

  await assert.rejects(new PushGatewayAdmin({ baseUrl: base, token: 'wrong' }).nodes(),
    (error) => error instanceof PushGatewayApiError && error.status === 401);
  await assert.rejects(admin.connections('users', uid, { limit: 5000 }),
    (error) => error instanceof PushGatewayApiError && error.status === 400 && /limit/.test(error.message));
});
