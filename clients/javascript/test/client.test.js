import { test } from 'node:test';
import assert from 'node:assert/strict';

import { PushGatewayClient, PushGatewayError, backoffDelay, chooseTransport, comparePositions, parsePosition } from '../src/client.js';
import { pollingUrl } from '../src/polling.js';
import { sseUrl } from '../src/sse.js';
import { FakeClock, fakeFetch, fakeWebSocketClass, flush } from './fakes.js';

function setup(options = {}) {
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const client = new PushGatewayClient('ws://gateway.test/ws', {
    token: 'token-1',
    WebSocket: FakeWebSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    random: () => 0.5,
    ...options,
  });
  return { client, clock, sockets };
}

async function open(client, sockets, welcome = {}) {
  await client.connect();
  const socket = sockets.at(-1);
  socket.receive({ t: 'welcome', v: 1, sid: '1', uid: 'alice', node: 'n1', hb: 1000, g: [], ...welcome });
  return socket;
}

test('backoff starts near 2 s, doubles, and is capped near 60 s, with jitter', () => {
  const schedule = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffDelay(attempt, {}, () => 0.5));
  assert.deepEqual(schedule, [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  assert.equal(backoffDelay(0, {}, () => 0), 1600);
  assert.equal(backoffDelay(0, {}, () => 1), 2400);
  assert.equal(backoffDelay(20, {}, () => 1), 72000);
});

test('positions compare by offset within one epoch, and not across epochs', () => {
  assert.equal(comparePositions('k3x9q2ab:2', 'k3x9q2ab:10'), -1);
  assert.equal(comparePositions('k3x9q2ab:11', 'k3x9q2ab:10'), 1);
  assert.equal(comparePositions('e1:5', 'e1:5'), 0);
  assert.ok(Number.isNaN(comparePositions('e1:5', 'e2:4')));
  assert.equal(parsePosition('1700000000000-2'), null);
});

test('connects with the token and the JSON subprotocol', async () => {
  const { client, sockets } = setup();
  const socket = await open(client, sockets);
  assert.equal(socket.url.searchParams.get('access_token'), 'token-1');
  assert.deepEqual(socket.protocols, ['push.v1.json']);
  assert.equal(client.state, 'open');
});

test('a token function is asked again for every connection', async () => {
  let issued = 0;
  const { client, clock, sockets } = setup({ token: () => `token-${++issued}` });
  const first = await open(client, sockets);
  first.drop(1006);
  clock.advance(2000);
  await flush();
  assert.equal(sockets.length, 2);
  assert.equal(sockets[1].url.searchParams.get('access_token'), 'token-2');
});

test('answers the server\'s refresh with a fresh token on the same connection', async () => {
  let issued = 0;
  const { client, sockets } = setup({ token: () => `token-${++issued}` });
  const refreshes = [];
  client.on('refresh', (event) => refreshes.push(event));
  const socket = await open(client, sockets);
  socket.receive({ t: 'refresh', in: 30000 });
  await flush();
  const [sent] = socket.sentOfType('refresh');
  assert.deepEqual(sent, { t: 'refresh', token: 'token-2', id: sent.id });
  socket.receive({ t: 'refreshed', id: sent.id, exp: 1234 });
  await flush();
  assert.deepEqual(refreshes, [{ expiresAt: 1234 }]);
  assert.equal(sockets.length, 1, 'no reconnect');
  // a refused token is an error event; the connection stays until the old token expires
  const errors = [];
  client.on('error', (error) => errors.push(error));
  socket.receive({ t: 'refresh', in: 1000 });
  await flush();
  const second = socket.sentOfType('refresh')[1];
  socket.receive({ t: 'error', id: second.id, code: 4401, msg: 'token revoked' });
  await flush();
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof PushGatewayError && errors[0].code === 4401);
  client.close();
});

test('a refreshed token naming another user (4007) ends the client', async () => {
  const { client, clock, sockets } = setup();
  const socket = await open(client, sockets);
  socket.drop(4007, 'refreshed credential names another user');
  clock.advance(120000);
  await flush();
  assert.equal(sockets.length, 1);
  assert.equal(client.state, 'closed');
});

test('pings at the announced interval', async () => {
  const { client, clock, sockets } = setup();
  const socket = await open(client, sockets, { hb: 1000 });
  clock.advance(3500);
  assert.equal(socket.sentOfType('ping').length, 3);
});

test('follows a heartbeat interval the server changes', async () => {
  const { client, clock, sockets } = setup();
  const changes = [];
  client.on('heartbeat', (event) => changes.push(event.interval));
  const socket = await open(client, sockets, { hb: 1000 });
  clock.advance(2500);
  assert.equal(socket.sentOfType('ping').length, 2);
  socket.receive({ t: 'hb', hb: 4000 });
  clock.advance(3900);
  assert.equal(socket.sentOfType('ping').length, 2);
  clock.advance(200);
  assert.equal(socket.sentOfType('ping').length, 3);
  socket.receive({ t: 'hb', hb: 1000 });
  clock.advance(1000);
  assert.equal(socket.sentOfType('ping').length, 4);
  assert.deepEqual(changes, [4000, 1000]);
});

test('a silent server is treated as a dead connection and the client reconnects', async () => {
  const { client, clock, sockets } = setup();
  const closes = [];
  client.on('close', (event) => closes.push(event));
  const socket = await open(client, sockets, { hb: 1000 });
  clock.advance(7001);
  assert.equal(socket.closed.code, 4001);
  assert.equal(closes.length, 1);
  assert.equal(closes[0].reconnectIn, 2000);
  clock.advance(2000);
  await flush();
  assert.equal(sockets.length, 2);
});

test('backoff grows over failed attempts and resets after a stable connection', async () => {
  // WebSocket only: with long-polling allowed, a socket that fails before its welcome falls back instead
  const { client, clock, sockets } = setup({ stableAfter: 30000, transports: ['websocket'] });
  const delays = [];
  client.on('close', (event) => delays.push(event.reconnectIn));
  await client.connect();
  for (let i = 0; i < 3; i++) {
    sockets.at(-1).drop(1006);
    clock.advance(delays.at(-1));
    await flush();
  }
  assert.deepEqual(delays, [2000, 4000, 8000]);
  const stable = sockets.at(-1);
  stable.receive({ t: 'welcome', sid: '2', hb: 60000, g: [] });
  clock.advance(31000);
  stable.receive({ t: 'pong' });
  stable.drop(1006);
  assert.equal(delays.at(-1), 2000);
});

test('does not reconnect when replaced by a newer connection, nor after close()', async () => {
  const { client, clock, sockets } = setup();
  const closes = [];
  client.on('close', (event) => closes.push(event));
  const socket = await open(client, sockets);
  socket.drop(4003, 'replaced');
  clock.advance(120000);
  await flush();
  assert.equal(sockets.length, 1);
  assert.equal(closes[0].reconnectIn, null);
  assert.equal(client.state, 'closed');
});

test('an expired credential (4004) ends a client with a fixed token, and reconnects one with a token function', async () => {
  const fixed = setup();
  const closes = [];
  fixed.client.on('close', (event) => closes.push(event));
  (await open(fixed.client, fixed.sockets)).drop(4004, 'credential expired');
  fixed.clock.advance(120000);
  await flush();
  assert.equal(fixed.sockets.length, 1);
  assert.equal(closes[0].reconnectIn, null);
  assert.equal(fixed.client.state, 'closed');

  let issued = 0;
  const fresh = setup({ token: () => `token-${++issued}` });
  (await open(fresh.client, fresh.sockets)).drop(4004, 'credential expired');
  fresh.clock.advance(120000);
  await flush();
  assert.equal(fresh.sockets.length, 2);
  assert.equal(fresh.sockets[1].url.searchParams.get('access_token'), 'token-2');
  fresh.client.close();
});

test('honours the server\'s disconnect codes: 4006 and 4750-4999 end it, 4005 and 4500-4749 reconnect', async () => {
  for (const [code, reconnects] of [[4006, false], [4750, false], [4999, false], [4005, true], [4500, true], [4749, true]]) {
    const { client, clock, sockets } = setup();
    const closes = [];
    client.on('close', (event) => closes.push(event));
    const socket = await open(client, sockets);
    socket.drop(code, 'disconnected by the server');
    clock.advance(120000);
    await flush();
    assert.equal(sockets.length, reconnects ? 2 : 1, `code ${code}`);
    assert.equal(closes[0].reconnectIn === null, !reconnects, `code ${code}`);
    assert.equal(client.state === 'closed', !reconnects, `code ${code}`);
    client.close();
  }
});

test('replies are correlated by message ID, errors reject with their code, and silence times out', async () => {
  const { client, clock, sockets } = setup({ replyTimeout: 5000 });
  const socket = await open(client, sockets);
  const first = client.send('quote', { sku: 'A1' });
  const second = client.send('order', null, { guid: 'doc-1' });
  const third = client.send('slow');
  const [a, b, c] = socket.sentOfType('msg');
  assert.deepEqual(a, { t: 'msg', ev: 'quote', d: { sku: 'A1' }, id: a.id });
  assert.equal(b.g, 'doc-1');
  socket.receive({ t: 'error', id: b.id, code: 4404, msg: 'no handler' });
  socket.receive({ t: 'reply', id: a.id, d: { price: 42 } });
  assert.deepEqual(await first, { price: 42 });
  await assert.rejects(second, (error) => error instanceof PushGatewayError && error.code === 4404);
  clock.advance(5000);
  await assert.rejects(third, /no answer/);
  assert.notEqual(c.id, a.id);
});

test('pending requests fail when the connection drops', async () => {
  const { client, sockets } = setup();
  const socket = await open(client, sockets);
  const pending = client.send('quote');
  socket.drop(1006);
  await assert.rejects(pending, /connection closed/);
});

test('pushes reach listeners, and pushes that ask for it are acknowledged', async () => {
  const { client, sockets } = setup();
  const socket = await open(client, sockets);
  const all = [];
  const news = [];
  client.on('push', (push) => all.push(push));
  client.on('push:news', (push) => news.push(push));
  socket.receive({ t: 'push', id: '7', ev: 'news', d: { title: 'hi' } });
  socket.receive({ t: 'push', id: '8', ev: 'invoice', d: 'due', a: 1 });
  socket.receive({ t: 'push', id: '9', ev: 'file', b: 'AAEC' });
  assert.deepEqual(all.map((push) => push.id), ['7', '8', '9']);
  assert.deepEqual(news[0].data, { title: 'hi' });
  assert.deepEqual(Array.from(all[2].data), [0, 1, 2]);
  assert.deepEqual(socket.sentOfType('ack'), [{ t: 'ack', id: '8' }]);
});

test('after a reconnect it resumes its user stream and rejoins its GUIDs from their last positions', async () => {
  const { client, clock, sockets } = setup();
  const first = await open(client, sockets);
  const joined = client.join('doc-1');
  const join = first.sentOfType('join')[0];
  first.receive({ t: 'joined', id: join.id, g: 'doc-1' });
  await joined;
  first.receive({ t: 'recovered', ok: true, n: 0, p: 'u1:199' });
  first.receive({ t: 'recovered', g: 'doc-1', ok: true, n: 0, p: 'g1:149' });
  first.receive({ t: 'push', id: '1', ev: 'e', d: 1, p: 'u1:200' });
  first.receive({ t: 'push', id: '2', ev: 'e', d: 2, g: 'doc-1', p: 'g1:150' });
  first.receive({ t: 'push', id: '3', ev: 'e', d: 3, p: 'u1:190' });

  first.drop(1012, 'service restart');
  clock.advance(2000);
  await flush();
  const second = sockets[1];
  assert.equal(second.url.searchParams.get('since'), 'u1:200');
  second.receive({ t: 'welcome', sid: '2', hb: 1000, g: [] });
  assert.deepEqual(second.sentOfType('join').map(({ g, since }) => ({ g, since })), [{ g: 'doc-1', since: 'g1:150' }]);
});

test('an unrecoverable gap is reported so the application can resynchronize', async () => {
  const { client, sockets } = setup();
  const gaps = [];
  client.on('unrecoverable', (event) => gaps.push(event));
  const socket = await open(client, sockets);
  socket.receive({ t: 'error', code: 4410, msg: 'no longer kept' });
  socket.receive({ t: 'recovered', ok: false, n: 0, p: 'e2:900' });
  assert.deepEqual(gaps, [{ guid: undefined, count: 0, position: 'e2:900' }]);
  assert.equal(client.userPosition, 'e2:900');
});

test('a push that skips offsets the server did not report is reported as unrecoverable', async () => {
  const { client, sockets } = setup();
  const gaps = [];
  const seen = [];
  client.on('unrecoverable', (event) => gaps.push(event));
  client.on('push', (push) => seen.push(push.id));
  const socket = await open(client, sockets);
  socket.receive({ t: 'recovered', ok: true, n: 0, p: 'e1:4' });
  socket.receive({ t: 'push', id: '5', ev: 'e', d: 5, p: 'e1:5' });
  socket.receive({ t: 'push', id: '8', ev: 'e', d: 8, p: 'e1:8' });
  assert.deepEqual(seen, ['5', '8']);
  assert.deepEqual(gaps, [{ guid: undefined, count: 0, position: 'e1:5', missing: 2 }]);
  assert.equal(client.userPosition, 'e1:8');
});

test('a new epoch (the server lost the stream\'s history) is followed, not taken for a duplicate', async () => {
  const { client, sockets } = setup();
  const seen = [];
  client.on('push', (push) => seen.push(push.id));
  const socket = await open(client, sockets);
  socket.receive({ t: 'push', id: '1', ev: 'e', d: 1, p: 'old:40' });
  socket.receive({ t: 'error', code: 4410, msg: 'no longer kept' });
  socket.receive({ t: 'recovered', ok: false, n: 0, p: 'new:0' });
  socket.receive({ t: 'push', id: '2', ev: 'e', d: 2, p: 'new:1' });
  assert.deepEqual(seen, ['1', '2']);
  assert.equal(client.userPosition, 'new:1');
});

test('pushes the server dropped for a slow client are reported with their count', async () => {
  const { client, sockets } = setup();
  const dropped = [];
  client.on('dropped', (event) => dropped.push(event));
  const socket = await open(client, sockets);
  socket.receive({ t: 'dropped', n: 12 });
  assert.deepEqual(dropped, [{ count: 12 }]);
});

test('leaving a GUID stops rejoining it', async () => {
  const { client, clock, sockets } = setup();
  const first = await open(client, sockets);
  const joined = client.join('doc-2');
  first.receive({ t: 'joined', id: first.sentOfType('join')[0].id, g: 'doc-2' });
  await joined;
  const left = client.leave('doc-2');
  first.receive({ t: 'left', id: first.sentOfType('leave')[0].id, g: 'doc-2' });
  await left;
  first.drop(1006);
  clock.advance(2000);
  await flush();
  sockets[1].receive({ t: 'welcome', sid: '3', hb: 1000, g: [] });
  assert.equal(sockets[1].sentOfType('join').length, 0);
});

test('a push at a position already seen is dropped as a duplicate', async () => {
  const { client, sockets } = setup();
  const socket = await open(client, sockets);
  const seen = [];
  client.on('push', (push) => seen.push(push.id));
  socket.receive({ t: 'push', id: '1', ev: 'e', d: 1, p: 'e1:100' });
  socket.receive({ t: 'push', id: '2', ev: 'e', d: 2, p: 'e1:101' });
  socket.receive({ t: 'push', id: '1', ev: 'e', d: 1, p: 'e1:100' });
  socket.receive({ t: 'push', id: '3', ev: 'e', d: 3 });
  assert.deepEqual(seen, ['1', '2', '3']);
});

test('chooses a WebSocket first and long-polling after a WebSocket failed before its welcome', () => {
  assert.equal(chooseTransport(['websocket', 'polling'], 0), 'websocket');
  assert.equal(chooseTransport(['websocket', 'polling'], 1), 'polling');
  assert.equal(chooseTransport(['websocket'], 3), 'websocket');
  assert.equal(chooseTransport(['polling'], 0), 'polling');
  assert.equal(pollingUrl('wss://example.com/ws?x=1'), 'https://example.com/ws/poll');
  assert.equal(pollingUrl('ws://localhost:8080/push/'), 'http://localhost:8080/push/poll');
});

test('Server-Sent Events come between a failed WebSocket and long-polling, unless they failed too', () => {
  const all = ['websocket', 'sse', 'polling'];
  assert.equal(chooseTransport(all, 0, 0), 'websocket');
  assert.equal(chooseTransport(all, 1, 0), 'sse');
  assert.equal(chooseTransport(all, 1, 1), 'polling');
  assert.equal(chooseTransport(['websocket', 'sse'], 2, 2), 'sse');
  assert.equal(chooseTransport(['sse'], 0, 3), 'sse');
  assert.equal(chooseTransport(['sse', 'polling'], 0, 0), 'sse');
  assert.equal(sseUrl('wss://example.com/ws?x=1'), 'https://example.com/ws/sse');
  assert.equal(sseUrl('ws://localhost:8080/push/'), 'http://localhost:8080/push/sse');
});

test('without an EventSource the transports are WebSocket and long-polling', () => {
  const { client } = setup({ EventSource: undefined });
  const withGlobal = typeof globalThis.EventSource === 'function';
  assert.deepEqual(client.transports, withGlobal ? ['websocket', 'sse', 'polling'] : ['websocket', 'polling']);
  const { client: withSse } = setup({ EventSource: class {} });
  assert.deepEqual(withSse.transports, ['websocket', 'sse', 'polling']);
});

const welcomeFrame = { t: 'welcome', v: 1, sid: '7', uid: 'alice', node: 'n1', hb: 25000, g: [] };

/** Connect with a WebSocket that fails, and answer the long-polling open that follows. */
async function openByPolling(options = {}) {
  const http = fakeFetch();
  const context = setup({ fetch: http.fetch, ...options });
  const events = { open: [], fallback: [], close: [], upgrade: [], push: [] };
  for (const name of Object.keys(events)) context.client.on(name, (value) => events[name].push(value));
  await context.client.connect();
  context.sockets[0].drop(1006);
  await flush();
  const open = http.pending('/open')[0];
  open.respond(200, [welcomeFrame], { 'Push-Session': 'h.s.n', 'Push-Seq': '1' });
  await flush();
  await flush();
  return { ...context, http, events, open };
}

test('falls back to long-polling at once when the WebSocket fails before its welcome', async () => {
  const { client, http, events, open } = await openByPolling();
  assert.equal(events.fallback.length, 1);
  assert.equal(events.close.length, 0, 'a fallback is not a disconnect');
  assert.equal(open.method, 'POST');
  assert.equal(open.url.href, 'ws://gateway.test/ws'.replace('ws:', 'http:') + '/poll/open?access_token=token-1&protocol=push.v1.json');
  assert.equal(events.open[0].sid, '7');
  assert.equal(client.transport, 'polling');
  assert.equal(client.state, 'open');
  const poll = http.pending('')[0];
  assert.equal(poll.url.searchParams.get('session'), 'h.s.n');
  assert.equal(poll.url.searchParams.get('ack'), '1');
});

test('a WebSocket that never gets its welcome times out and falls back', async () => {
  const http = fakeFetch();
  const { client, clock, sockets } = setup({ fetch: http.fetch, websocketTimeout: 5000 });
  await client.connect();
  clock.advance(4999);
  assert.equal(http.pending('/open').length, 0);
  clock.advance(1);
  await flush();
  assert.deepEqual(sockets[0].closed, { code: undefined, reason: undefined });
  assert.equal(http.pending('/open').length, 1);
});

test('over long-polling, sends go in order one at a time and replies resolve', async () => {
  const { client, http } = await openByPolling();
  const first = client.send('echo', { x: 1 });
  const second = client.send('echo', { x: 2 });
  await flush();
  assert.equal(http.pending('/send').length, 1, 'the second send waits for the first');
  const sent = http.pending('/send')[0];
  assert.equal(sent.url.searchParams.get('session'), 'h.s.n');
  assert.deepEqual(JSON.parse(sent.body), { t: 'msg', ev: 'echo', d: { x: 1 }, id: '1' });
  sent.respond(204);
  await flush();
  await flush();
  assert.deepEqual(JSON.parse(http.pending('/send')[0].body).d, { x: 2 });
  http.pending('/send')[0].respond(204);
  http.pending('')[0].respond(200, [{ t: 'reply', id: '2', d: 'two' }, { t: 'reply', id: '1', d: 'one' }],
    { 'Push-Seq': '2' });
  assert.equal(await first, 'one');
  assert.equal(await second, 'two');
  await flush();
  assert.equal(http.pending('')[0].url.searchParams.get('ack'), '2');
});

test('a failed poll is repeated with the same ack, and a close code from the server ends the session',
  async () => {
    const { client, clock, http, events } = await openByPolling({ pollRetryDelay: 1000 });
    http.pending('')[0].fail();
    await flush();
    clock.advance(1000);
    await flush();
    const retry = http.pending('')[0];
    assert.equal(retry.url.searchParams.get('ack'), '1');
    retry.respond(200, [{ t: 'push', id: 'p1', ev: 'news', d: 1 }], { 'Push-Seq': '2' });
    await flush();
    await flush();
    assert.deepEqual(events.push.map((push) => push.id), ['p1']);
    const next = http.pending('')[0];
    assert.equal(next.url.searchParams.get('ack'), '2');
    next.respond(200, [], { 'Push-Seq': '2', 'Push-Close-Code': '4002', 'Push-Close-Reason': 'outbound queue overflow' });
    await flush();
    await flush();
    assert.equal(events.close.length, 1);
    assert.equal(events.close[0].code, 4002);
    assert.equal(client.state, 'reconnecting');
  });

test('upgrades to a WebSocket and drains the long-polling session without gaps or duplicates', async () => {
  const { client, clock, sockets, http, events } = await openByPolling({ upgradeAfter: 10000 });
  clock.advance(9999);
  assert.equal(sockets.length, 1);
  clock.advance(1);
  await flush();
  assert.equal(sockets.length, 2, 'a probe WebSocket opens beside the session');
  const probe = sockets[1];
  probe.receive({ ...welcomeFrame, sid: '8' });
  await flush();
  assert.equal(client.transport, 'websocket');
  assert.equal(events.upgrade.length, 1);
  assert.equal(events.open.length, 1, 'an upgrade is not a new connection');
  assert.equal(http.pending('/close').length, 1, 'the long-polling session is ended');
  probe.receive({ t: 'push', id: 'p1', ev: 'news', d: 1 });
  // the session's last batch carries a push the WebSocket also got, one it did not, and the close
  http.pending('')[0].respond(200, [{ t: 'push', id: 'p1', ev: 'news', d: 1 }, { t: 'push', id: 'p0', ev: 'news', d: 0 }],
    { 'Push-Seq': '2', 'Push-Close-Code': '1000', 'Push-Close-Reason': 'closed by client' });
  await flush();
  await flush();
  assert.deepEqual(events.push.map((push) => push.id), ['p1', 'p0']);
  assert.equal(events.close.length, 0, 'the drained session closing is not a disconnect');
  assert.equal(client.state, 'open');
  client.send('echo', 1);
  assert.equal(probe.sentOfType('msg').length, 1, 'messages now go over the WebSocket');
});

test('a failed upgrade keeps long-polling and tries again later', async () => {
  const { client, clock, sockets, http } = await openByPolling({ upgradeAfter: 10000 });
  clock.advance(10000);
  await flush();
  sockets[1].drop(1006);
  assert.equal(client.transport, 'polling');
  assert.equal(http.pending('/close').length, 0);
  clock.advance(19999);
  await flush();
  assert.equal(sockets.length, 2);
  clock.advance(1);
  await flush();
  assert.equal(sockets.length, 3, 'the second attempt comes after twice the delay');
});
