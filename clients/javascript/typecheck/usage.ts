// Compile-only usage of the package's TypeScript declarations (src/client.d.ts, src/admin.d.ts): every
// part of the public API, used the way docs/client.md shows it, and `@ts-expect-error` lines proving that
// wrong usage is rejected (tsc fails on an expected error that does not occur). Never run: `tsc -p
// typecheck` checks it here, and test/package.test.js checks it against the packed tarball.

import {
  PushGatewayClient,
  PushGatewayError,
  backoffDelay,
  chooseTransport,
  comparePositions,
  isFinalCloseCode,
  parsePosition,
} from '@push-gateway/client';
import type {
  BackoffOptions,
  ClientCloseEvent,
  ClientEventName,
  ClientOptions,
  ClientState,
  FallbackEvent,
  JoinedFrame,
  LeftFrame,
  Push,
  RecoveryEvent,
  RefreshedFrame,
  Transport,
  UpgradeEvent,
  Welcome,
} from '@push-gateway/client';
import { PushGatewayAdmin, PushGatewayApiError } from '@push-gateway/client/admin';
import type {
  AdminOptions,
  BanState,
  Connection,
  ConnectionsPage,
  PresenceStats,
  PushResult,
  TargetKind,
} from '@push-gateway/client/admin';

/** `true` only when A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_check?: T): void {}

declare function showToast(data: unknown): void;
declare function reloadEverything(): void;
declare function log(line: string): void;

// docs/client.md: the first example, as it is
export async function browserExample(): Promise<void> {
  const client = new PushGatewayClient('wss://push.example.com/ws', {
    token: () => fetch('/my-app/push-token').then((r) => r.text()),   // asked again on every reconnect
  });
  client.on('open', (welcome) => console.log('connected as', welcome.uid));
  client.on('push:order.shipped', (push) => showToast(push.data));
  client.on('unrecoverable', () => reloadEverything());
  await client.connect();

  const quote = await client.send('quote.request', { sku: 'A1' });     // resolves with the reply's data
  await client.join('doc-1');                                        // rejoined after every reconnect
  console.log(quote);
}

// docs/client.md: the TypeScript section's example, as it is
declare function fetchToken(): Promise<string>;
declare function showSignedOut(code: number): void;
export async function typescriptExample(): Promise<void> {
  const client = new PushGatewayClient('wss://push.example.com/ws', { token: () => fetchToken(), protocol: 'msgpack' });
  client.on('push:order.shipped', (push: Push<{ order: number }>) => showToast(`order ${push.data.order} shipped`));
  client.on('close', ({ code, reconnectIn }) => reconnectIn === null && showSignedOut(code));
  client.on('error', (error) => error instanceof PushGatewayError && console.warn(error.code, error.message));
  await client.connect();
  const quote = await client.send<{ price: number }>('quote.request', { sku: 'A1' });
  assertType<Equals<typeof quote, { price: number }>>();
}

// every option
export function allOptions(WebSocketImpl: typeof WebSocket, EventSourceImpl: typeof EventSource): PushGatewayClient {
  const backoff: BackoffOptions = { initial: 1000, max: 30000, factor: 1.5, jitter: 0.1 };
  const options: ClientOptions = {
    token: async () => 'fresh',
    WebSocket: WebSocketImpl,
    backoff,
    stableAfter: 30000,
    replyTimeout: 5000,
    autoAck: false,
    protocol: 'msgpack',
    random: Math.random,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle: number) => clearTimeout(handle),
    now: () => Date.now(),
    transports: ['websocket', 'sse', 'polling'],
    pollingUrl: 'https://push.example.com/ws/poll',
    sseUrl: 'https://push.example.com/ws/sse',
    EventSource: EventSourceImpl,
    fetch: (input, init) => fetch(input, init),
    websocketTimeout: 10000,
    upgradeAfter: 10000,
    pollRetryDelay: 1000,
  };
  new PushGatewayClient('ws://localhost:8080/ws', { token: 'a-token', WebSocket, EventSource, fetch });
  return new PushGatewayClient('wss://push.example.com/ws', options);
}

// a WebSocket implementation of one's own (a test double, a Node package)
class FakeWebSocket {
  constructor(readonly url: string, readonly protocols?: string | string[]) {}
  send(_data: string | Uint8Array): void {}
  close(_code?: number, _reason?: string): void {}
}
new PushGatewayClient('ws://gateway.test/ws', { token: 't', WebSocket: FakeWebSocket, transports: ['websocket'] });

// every event, with the value its listener gets
export function allEvents(client: PushGatewayClient): Array<() => void> {
  const offs = [
    client.on('open', (welcome) => {
      assertType<Equals<typeof welcome, Welcome>>();
      log(`${welcome.uid} ${welcome.sid} on ${welcome.node}, heartbeat ${welcome.hb} ms, GUIDs ${welcome.g.join()}`);
    }),
    client.on('close', (event) => {
      assertType<Equals<typeof event, ClientCloseEvent>>();
      log(event.reconnectIn === null ? `closed for good: ${event.code} ${event.reason}` : `back in ${event.reconnectIn} ms`);
    }),
    client.on('push', (push) => {
      assertType<Equals<typeof push, Push>>();
      log(`${push.id} ${push.event} ${push.guid ?? '-'} ${push.position ?? '-'}`);
    }),
    client.on('push:order.shipped', (push: Push<{ order: number }>) => log(`order ${push.data.order.toFixed()}`)),
    client.on('push:file', (push) => {
      if (push.data instanceof Uint8Array) log(`${push.data.byteLength} bytes`);
    }),
    client.on('recovered', (event) => {
      assertType<Equals<typeof event, RecoveryEvent>>();
      if (event.count) log(`recovered ${event.count} missed pushes of ${event.guid ?? 'the user'}`);
    }),
    client.on('unrecoverable', ({ guid, count, position, missing }) => log(`${guid} ${count} ${position} ${missing}`)),
    client.on('heartbeat', ({ interval }) => log(`ping every ${interval} ms`)),
    client.on('refresh', ({ expiresAt }) => log(`token good until ${expiresAt === undefined ? '?' : new Date(expiresAt)}`)),
    client.on('dropped', ({ count }) => log(`${count} pushes dropped`)),
    client.on('error', (error) => {
      if (error instanceof PushGatewayError) log(`error ${error.code}: ${error.message}`);
    }),
    client.on('fallback', (event: FallbackEvent) => log(`${event.from} unavailable (${event.code}): falling back`)),
    client.on('upgrade', (event: UpgradeEvent) => log(`upgraded to ${event.transport} on ${event.welcome.node}`)),
  ];
  const names: ClientEventName[] = ['open', 'close', 'push', 'push:chat', 'error'];
  log(names.join());
  return offs;
}

// the methods, and what they resolve with
export async function allMethods(client: PushGatewayClient): Promise<void> {
  const connected: Promise<void> = client.connect();
  await connected;
  const reply = await client.send<{ price: number }>('quote.request', { sku: 'A1' }, { guid: 'doc-1' });
  log(reply.price.toFixed(2));
  await client.send('ping');
  const joined: JoinedFrame = await client.join('doc-1');
  const left: LeftFrame = await client.leave('doc-1');
  const refreshed: RefreshedFrame = await client.refresh();
  log(`${joined.g} ${left.g} ${refreshed.exp ?? 'no expiry'}`);
  try {
    await client.send('unknown.event');
  } catch (error) {
    if (error instanceof PushGatewayError) log(`${error.name} ${error.code}`);
  }
  const state: ClientState = client.state;
  const transport: Transport | null = client.transport;
  log(`${client.url} ${state} ${transport} ${client.options.protocol ?? 'json'}`);
  const off = client.on('push', () => {});
  off();
  client.close();
}

// the helpers
export function helpers(): void {
  const delay: number = backoffDelay(3, { initial: 2000 }, () => 0.5);
  const final: boolean = isFinalCloseCode(4006);
  const next: Transport = chooseTransport(['websocket', 'polling'] as const, 1, 0);
  const position = parsePosition('k3x9q2ab:3');
  if (position) log(`${position.epoch} ${position.offset + 1n}`);
  const order: number = comparePositions('e1:2', 'e1:10');
  log(`${delay} ${final} ${next} ${order}`);
}

// docs/client.md: PushGatewayAdmin, as it is
export async function adminExample(): Promise<void> {
  const admin = new PushGatewayAdmin({ baseUrl: 'https://push.example.com', token: process.env.PUSH_API_TOKEN });
  await admin.push('users', 'alice', 'order.shipped', { order: 42 });
  const { connections, next } = await admin.connections('users', 'alice', { limit: 50 });
  await admin.ban('mallory', new Date(Date.now() + 3600_000));
  log(`${connections.length} ${next}`);
}
declare const process: { env: Record<string, string | undefined> };

// every admin method
export async function allAdminMethods(kind: TargetKind): Promise<void> {
  const options: AdminOptions = { baseUrl: '', apiPath: '/push-api', token: null, fetch: globalThis.fetch };
  const admin = new PushGatewayAdmin(options);
  new PushGatewayAdmin();
  const pushed: PushResult = await admin.push(kind, kind === 'broadcast' ? null : 'alice', 'notice', 'hello');
  await admin.push('broadcast', null, 'maintenance', { at: '22:00' });
  const disconnected: null = await admin.disconnect('users', 'alice', 4006, 'logged out');
  await admin.disconnect('guids', 'doc-1');
  await admin.ban('mallory');
  await admin.ban('mallory', '2030-01-01T00:00:00Z');
  await admin.unban('mallory');
  const ban: BanState = await admin.banState('mallory');
  const page: ConnectionsPage = await admin.connections('guids', 'doc-1', { limit: 100, cursor: null });
  const first: Connection | undefined = page.connections[0];
  const { nodes } = await admin.nodes();
  const stats: PresenceStats = await admin.stats();
  const { transitions } = await admin.recentPresence(20);
  log(`${pushed.messageId} ${pushed.localDeliveries} ${disconnected} ${ban.banned} ${ban.bannedUntil}`);
  log(`${first?.socketId} ${first?.transport} ${first?.clientAddress ?? ''} ${nodes[0]?.lastHeartbeat}`);
  log(`${stats.users} ${transitions[0]?.type} ${admin.baseUrl}${admin.apiPath} ${admin.token}`);
  try {
    await admin.unban('nobody');
  } catch (error) {
    if (error instanceof PushGatewayApiError) log(`${error.status} ${error.message}`);
  }
}

// wrong usage is rejected
export async function rejected(client: PushGatewayClient, admin: PushGatewayAdmin): Promise<void> {
  // @ts-expect-error the token is required
  new PushGatewayClient('wss://push.example.com/ws', {});
  // @ts-expect-error a token is a string or a function
  new PushGatewayClient('wss://push.example.com/ws', { token: 42 });
  // @ts-expect-error an unknown protocol
  new PushGatewayClient('wss://push.example.com/ws', { token: 't', protocol: 'xml' });
  // @ts-expect-error an unknown transport
  new PushGatewayClient('wss://push.example.com/ws', { token: 't', transports: ['carrier-pigeon'] });
  // @ts-expect-error a WebSocket option is a constructor
  new PushGatewayClient('wss://push.example.com/ws', { token: 't', WebSocket: 'ws' });
  // @ts-expect-error a misspelt option
  new PushGatewayClient('wss://push.example.com/ws', { token: 't', replyTimout: 1000 });
  // @ts-expect-error the URL is required
  new PushGatewayClient();
  // @ts-expect-error an unknown method
  client.subscribe('doc-1');
  // @ts-expect-error an unknown event
  client.on('opened', () => {});
  // @ts-expect-error reconnectIn is null when the client will not reconnect
  client.on('close', (event) => event.reconnectIn.toFixed());
  // @ts-expect-error a push has a position only when it is recoverable
  client.on('push', (push) => push.position.length);
  // @ts-expect-error the state is the client's
  client.state = 'open';
  // @ts-expect-error join takes a GUID
  await client.join();
  // @ts-expect-error send's options name a GUID
  await client.send('chat', {}, { guid: 1 });
  // @ts-expect-error close returns nothing to wait for
  (await client.close()).then();
  // @ts-expect-error an unknown target kind
  await admin.push('user', 'alice', 'notice', {});
  // @ts-expect-error connections lists users' or GUIDs' connections
  await admin.connections('sockets', '1');
  // @ts-expect-error the token is a string or null
  new PushGatewayAdmin({ token: 1 });
  // @ts-expect-error a node's connections are a number
  (await admin.nodes()).nodes[0]?.connections.toUpperCase();
  // @ts-expect-error an unknown admin method
  await admin.kick('alice');
}
