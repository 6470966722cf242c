/**
 * Type declarations of `@push-gateway/client` (src/client.js), written by hand: the public API of the
 * client, its options and the values its events carry. The wire protocol is documented in
 * docs/protocol.md, the client in docs/client.md.
 * @module
 */

/** The platform's `fetch` where the program has one (the DOM library, or `@types/node`); a function otherwise. */
export type FetchFunction = typeof globalThis extends { fetch: infer F } ? F
  : (input: string, init?: Record<string, unknown>) => Promise<any>;

/**
 * A WebSocket constructor, as the standard one is called: `new WebSocket(url, protocols)`. The
 * browser's `WebSocket`, Node 22's global one and the `ws` package's fit.
 */
export type WebSocketConstructor = new (url: string, protocols: string[]) => object;

/**
 * An EventSource constructor, as the standard one is called: `new EventSource(url)`. The browser's
 * `EventSource` and the `eventsource` package's fit.
 */
export type EventSourceConstructor = new (url: string) => object;

/** How the client carries frames: a WebSocket, Server-Sent Events, or HTTP long-polling. */
export type Transport = 'websocket' | 'sse' | 'polling';

/** The frame protocol: JSON text frames (`push.v1.json`) or MessagePack binary frames (`push.v1.msgpack`). */
export type Protocol = 'json' | 'msgpack';

/**
 * Where the client stands: not started, connecting (or falling back to the next transport), open,
 * waiting to reconnect, or closed for good (after `close()` or a final close code).
 */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The reconnect schedule: `initial × factor^attempt`, at most `max`, spread by ±`jitter`. */
export interface BackoffOptions {
  /** First delay in milliseconds (2,000). */
  initial?: number;
  /** Largest delay before jitter in milliseconds (60,000). */
  max?: number;
  /** Growth per attempt (2). */
  factor?: number;
  /** Relative spread, 0.2 meaning ±20% (0.2). */
  jitter?: number;
}

export interface ClientOptions {
  /**
   * A token, or a function that returns a fresh one (or a promise of one): it is called for every
   * connection, and again when the server asks for a fresh token before the connection's expires.
   */
  token: string | (() => string | Promise<string>);
  /** The WebSocket constructor (default: `globalThis.WebSocket`); needed in Node 20. */
  WebSocket?: WebSocketConstructor;
  /** The reconnect schedule. */
  backoff?: BackoffOptions;
  /** A connection open this long resets the backoff, in milliseconds (30,000). */
  stableAfter?: number;
  /** How long `send()`, `join()`, `leave()` and `refresh()` wait for an answer, in milliseconds (10,000). */
  replyTimeout?: number;
  /** Acknowledge pushes that ask for it after the listeners ran (true). */
  autoAck?: boolean;
  /** JSON text frames or MessagePack binary frames ('json'). */
  protocol?: Protocol;
  /** The random source of the backoff's jitter, returning [0, 1) (`Math.random`). */
  random?: () => number;
  /** The timer function (`setTimeout`); tests pass a fake clock's. */
  setTimeout?: (fn: () => void, ms: number) => any;
  /** Cancels a timer of `setTimeout` (`clearTimeout`). */
  clearTimeout?: (handle: any) => void;
  /** The clock, in milliseconds (`Date.now`). */
  now?: () => number;
  /**
   * The allowed transports, tried in this order of preference (`['websocket', 'sse', 'polling']` where
   * there is an EventSource, `['websocket', 'polling']` otherwise). `['websocket']` never falls back.
   */
  transports?: Transport[];
  /** The long-polling base URL (the WebSocket URL over http(s) plus `/poll`). */
  pollingUrl?: string;
  /** The Server-Sent Events URL (the WebSocket URL over http(s) plus `/sse`). */
  sseUrl?: string;
  /** The EventSource constructor for Server-Sent Events (default: `globalThis.EventSource`). */
  EventSource?: EventSourceConstructor;
  /** The fetch function for long-polling and Server-Sent Events sends (default: `globalThis.fetch`). */
  fetch?: FetchFunction;
  /**
   * A WebSocket, or a Server-Sent Events stream, without a welcome after this long has failed and the
   * next transport is tried, in milliseconds (10,000).
   */
  websocketTimeout?: number;
  /**
   * First attempt to upgrade from long-polling or Server-Sent Events to a WebSocket after this long, in
   * milliseconds; later ones back off up to 5 minutes (10,000).
   */
  upgradeAfter?: number;
  /** Delay between retries of a failed poll or send, in milliseconds (1,000). */
  pollRetryDelay?: number;
}

/** The server's first frame on every connection (the `open` event). */
export interface Welcome {
  t: 'welcome';
  /** The protocol version (1). */
  v: number;
  /** The connection's socket ID. */
  sid: string;
  /** The user the token names. */
  uid: string;
  /** The gateway node holding the connection. */
  node: string;
  /** The heartbeat interval in milliseconds. */
  hb: number;
  /** The GUIDs the connection is attached to from the start. */
  g: string[];
  /** The session handle (Server-Sent Events only). */
  session?: string;
}

/**
 * A push (the `push` and `push:<event>` events). Type the payload by annotating the listener's
 * parameter: `(push: Push<{ order: number }>) => …`.
 */
export interface Push<T = any> {
  /** The push's ID (also what an acknowledgement names). */
  id: string;
  /** The event name. */
  event: string;
  /** The JSON value or text, or a `Uint8Array` for a binary payload. */
  data: T;
  /** The GUID it was pushed to; absent for a push to the user or a broadcast. */
  guid?: string;
  /** Its position in its stream (`<epoch>:<offset>`), for recoverable pushes. */
  position?: string;
}

/** The `close` event. */
export interface ClientCloseEvent {
  code: number;
  reason: string;
  /** Milliseconds until the next attempt; `null` when the client will not reconnect. */
  reconnectIn: number | null;
}

/** The `recovered` and `unrecoverable` events: how a stream's replay went. */
export interface RecoveryEvent {
  /** The GUID of the stream; absent for the user's own stream. */
  guid?: string;
  /** Pushes replayed (`recovered`), or 0. */
  count: number;
  /** Where the client now stands in the stream (`<epoch>:<offset>`), when known. */
  position?: string;
  /** `unrecoverable` only: how many offsets a live push skipped (pushes missing without the server saying so). */
  missing?: number;
}

/** The `heartbeat` event: the server changed the ping interval (dynamic heartbeat). */
export interface HeartbeatEvent {
  /** The new interval in milliseconds. */
  interval: number;
}

/** The `refresh` event: the connection's token was replaced by a fresh one, without reconnecting. */
export interface RefreshEvent {
  /** When the connection now ends, in milliseconds since the epoch, when the server said. */
  expiresAt?: number;
}

/** The `dropped` event: pushes the server dropped while this client read too slowly (`drop-oldest`). */
export interface DroppedEvent {
  count: number;
}

/** The `fallback` event: a transport failed before its welcome; the next one follows at once. */
export interface FallbackEvent {
  code: number;
  reason: string;
  /** The transport that failed. */
  from: 'websocket' | 'sse';
}

/** The `upgrade` event: long-polling or Server-Sent Events was replaced by a WebSocket without a gap. */
export interface UpgradeEvent {
  transport: 'websocket';
  welcome: Welcome;
}

/** The events of `PushGatewayClient.on` and the value each listener receives. */
export interface ClientEventMap {
  /** Connected: the welcome frame (not after an upgrade, see `upgrade`). */
  open: Welcome;
  /** The connection closed; `reconnectIn` says whether and when the client reconnects. */
  close: ClientCloseEvent;
  /** Every push. */
  push: Push;
  /** The pushes of one event, `push:<event>`. */
  [event: `push:${string}`]: Push;
  /** A stream's missed pushes were replayed. */
  recovered: RecoveryEvent;
  /** Pushes of a stream are lost to this client: reload what they carried. */
  unrecoverable: RecoveryEvent;
  heartbeat: HeartbeatEvent;
  refresh: RefreshEvent;
  dropped: DroppedEvent;
  /**
   * An error frame that answers no request (a `PushGatewayError`, such as 4401 for a refused token
   * refresh), a failure to get a token, or what a listener threw.
   */
  error: unknown;
  fallback: FallbackEvent;
  upgrade: UpgradeEvent;
}

/** The event names `PushGatewayClient.on` accepts. */
export type ClientEventName = keyof ClientEventMap;

/** The server's answer to `join()`. */
export interface JoinedFrame {
  t: 'joined';
  id: string;
  /** The GUID. */
  g: string;
}

/** The server's answer to `leave()`. */
export interface LeftFrame {
  t: 'left';
  id: string;
  /** The GUID. */
  g: string;
}

/** The server's answer to `refresh()`. */
export interface RefreshedFrame {
  t: 'refreshed';
  id: string;
  /** When the connection now ends, in milliseconds since the epoch. */
  exp?: number;
}

/** Options of `send()`. */
export interface SendOptions {
  /** The GUID the message is about (the application sees it). */
  guid?: string;
}

/** An error frame answering a request, with the server's code (4404, 4429, 4503 …; docs/protocol.md). */
export class PushGatewayError extends Error {
  constructor(code: number, message: string);
  name: 'PushGatewayError';
  /** The server's error code. */
  code: number;
}

/**
 * One logical connection to the gateway that survives network trouble: it reconnects with backoff,
 * runs the heartbeat, correlates replies, rejoins GUIDs, acknowledges pushes and resumes every stream
 * from its last position; it falls back to Server-Sent Events and long-polling where a WebSocket
 * cannot be opened, and upgrades back.
 */
export class PushGatewayClient {
  /**
   * @param url the WebSocket endpoint, such as `wss://example.com/ws`
   * @param options the token and the rest
   */
  constructor(url: string, options: ClientOptions);

  /** The WebSocket endpoint. */
  readonly url: string;
  /** The options it was created with. */
  readonly options: ClientOptions;
  /** Where the client stands. */
  readonly state: ClientState;
  /** The transport of the current connection; `null` before the first. */
  readonly transport: Transport | null;

  /**
   * Listen to an event; `push:<event>` listens to the pushes of one event.
   * @returns a function that removes the listener
   */
  on<K extends ClientEventName>(name: K, listener: (value: ClientEventMap[K]) => void): () => void;

  /**
   * Open the connection; it reconnects by itself until `close()` is called. Resolves once the first
   * attempt started (not when it is open: listen to `open`); rejects when the token function fails.
   */
  connect(): Promise<void>;

  /**
   * Send a message to the application and wait for its reply. Rejects with a `PushGatewayError` for
   * an error frame, or an `Error` when not connected, on timeout or when the connection drops.
   * @param event the event name
   * @param data a JSON value (`null` by default); with MessagePack also a `Uint8Array`
   * @returns the reply's data
   */
  send<T = any>(event: string, data?: unknown, options?: SendOptions): Promise<T>;

  /** Attach this connection to a GUID; it stays attached across reconnects. */
  join(guid: string): Promise<JoinedFrame>;

  /** Detach this connection from a GUID. */
  leave(guid: string): Promise<LeftFrame>;

  /**
   * Send a fresh token (from the `token` option) on the open connection, without reconnecting; the
   * client does it by itself when the server asks. Rejects with a `PushGatewayError` (4401) when the
   * server refused the token.
   */
  refresh(): Promise<RefreshedFrame>;

  /** Close for good: no reconnect; pending requests are rejected. */
  close(): void;
}

/** Whether a close code ends the client for good (no reconnect). */
export function isFinalCloseCode(code: number): boolean;

/**
 * The delay before reconnect attempt `attempt` (0 for the first), in milliseconds: exponential,
 * capped, with jitter.
 */
export function backoffDelay(attempt: number, options?: BackoffOptions, random?: () => number): number;

/**
 * Which transport the next connection attempt uses, given the allowed ones and how many WebSocket and
 * Server-Sent Events attempts failed in a row before their welcome.
 */
export function chooseTransport(transports: ReadonlyArray<Transport>, websocketFailures: number,
  sseFailures?: number): Transport;

/** Parse a stream position (`<epoch>:<offset>`); `null` when it is not one. */
export function parsePosition(position: string): { epoch: string; offset: bigint } | null;

/**
 * Compare two positions of one stream: negative, zero or positive as `a` is before, at or after `b`;
 * `NaN` when they belong to different epochs.
 */
export function comparePositions(a: string, b: string): number;
