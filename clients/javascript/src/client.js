// @ts-check
/**
 * Push Gateway client: one logical connection to the gateway that survives network trouble.
 *
 * It connects with a token, runs the heartbeat the server announces, reconnects with exponential
 * backoff and jitter, correlates replies to upstream messages, joins GUIDs, acknowledges pushes that
 * ask for it, and resumes every stream from its last position after a reconnect, so recoverable
 * pushes missed while offline arrive in order. Where a WebSocket cannot be opened it falls back to
 * Server-Sent Events (where the platform has an EventSource), then to HTTP long-polling, and
 * upgrades back to a WebSocket when it can. No runtime dependencies: it runs in browsers and in
 * Node (pass a WebSocket implementation where there is no global one).
 *
 * The wire protocol is documented in docs/protocol.md.
 * @module
 */

import { decode, encode } from './msgpack.js';
import { PollingSocket, pollingUrl } from './polling.js';
import { SseSocket, sseUrl } from './sse.js';

/**
 * Close codes after which reconnecting would only repeat the failure, or the server said not to:
 * 4006 and the application's 4750-4999 (docs/protocol.md, "Disconnected by the server").
 */
const FINAL_CLOSE_CODES = new Set([4003, 4006, 4007, 1002, 1003, 1007, 1009, 4000]);

/**
 * Whether a close code ends the client for good.
 * @param {number} code
 * @returns {boolean}
 */
export function isFinalCloseCode(code) {
  return FINAL_CLOSE_CODES.has(code) || (code >= 4750 && code <= 4999);
}

/**
 * @typedef {object} BackoffOptions
 * @property {number} [initial] first delay in milliseconds (2,000)
 * @property {number} [max] largest delay before jitter in milliseconds (60,000)
 * @property {number} [factor] growth per attempt (2)
 * @property {number} [jitter] relative spread, 0.2 meaning ±20% (0.2)
 */

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential, capped, with jitter
 * so that clients of a restarted node do not all come back at once.
 * @param {number} attempt
 * @param {BackoffOptions} [options]
 * @param {() => number} [random]
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, options = {}, random = Math.random) {
  const initial = options.initial ?? 2000;
  const max = options.max ?? 60000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const base = Math.min(max, initial * Math.pow(factor, attempt));
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}

/**
 * Which transport the next connection attempt uses: a WebSocket unless it is not allowed or the
 * last WebSocket attempt failed before the server's welcome (a proxy that blocks upgrades looks
 * exactly like that); then Server-Sent Events unless they are not allowed or the last stream failed
 * before its welcome (a proxy that buffers responses looks like that); then long-polling.
 * @param {ReadonlyArray<'websocket' | 'sse' | 'polling'>} transports the allowed transports
 * @param {number} websocketFailures WebSocket attempts that failed in a row before their welcome
 * @param {number} [sseFailures] Server-Sent Events attempts that failed in a row before their welcome
 * @returns {'websocket' | 'sse' | 'polling'}
 */
export function chooseTransport(transports, websocketFailures, sseFailures = 0) {
  if (transports.includes('websocket') && (websocketFailures === 0 || transports.length === 1)) return 'websocket';
  if (transports.includes('sse') && (sseFailures === 0 || !transports.includes('polling'))) return 'sse';
  if (transports.includes('polling')) return 'polling';
  return transports.includes('sse') ? 'sse' : 'websocket';
}

/** How many push IDs are remembered to drop the duplicates an upgrade can produce. */
const RECENT_PUSH_IDS = 512;

/**
 * Parse a stream position ("<epoch>:<offset>").
 * @param {string} position
 * @returns {{epoch: string, offset: bigint} | null}
 */
export function parsePosition(position) {
  const colon = typeof position === 'string' ? position.indexOf(':') : -1;
  if (colon < 1) return null;
  const offset = position.slice(colon + 1);
  if (!/^[0-9]{1,18}$/.test(offset)) return null;
  return { epoch: position.slice(0, colon), offset: BigInt(offset) };
}

/**
 * Compare two positions of one stream: negative, zero or positive as a is before, at or after b;
 * NaN when they belong to different epochs (histories), which do not compare.
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function comparePositions(a, b) {
  const pa = parsePosition(a);
  const pb = parsePosition(b);
  if (!pa || !pb || pa.epoch !== pb.epoch) return NaN;
  if (pa.offset === pb.offset) return 0;
  return pa.offset < pb.offset ? -1 : 1;
}

/** An error frame answering a request, with the server's code. */
export class PushGatewayError extends Error {
  /**
   * @param {number} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'PushGatewayError';
    this.code = code;
  }
}

/**
 * @typedef {object} ClientOptions
 * @property {string | (() => string | Promise<string>)} token a token, or a function that returns a fresh one for every connection
 * @property {any} [WebSocket] the WebSocket constructor (default: globalThis.WebSocket)
 * @property {BackoffOptions} [backoff]
 * @property {number} [stableAfter] a connection open this long resets the backoff (30,000 ms)
 * @property {number} [replyTimeout] how long send(), join() and leave() wait for an answer (10,000 ms)
 * @property {boolean} [autoAck] acknowledge pushes that ask for it after the listeners ran (true)
 * @property {'json' | 'msgpack'} [protocol] JSON text frames or MessagePack binary frames ('json')
 * @property {() => number} [random]
 * @property {(fn: () => void, ms: number) => any} [setTimeout]
 * @property {(handle: any) => void} [clearTimeout]
 * @property {() => number} [now]
 * @property {Array<'websocket' | 'sse' | 'polling'>} [transports] allowed transports (['websocket', 'sse', 'polling'] where there is an EventSource, ['websocket', 'polling'] otherwise)
 * @property {string} [pollingUrl] the long-polling base URL (the WebSocket URL over http(s) plus '/poll')
 * @property {string} [sseUrl] the Server-Sent Events URL (the WebSocket URL over http(s) plus '/sse')
 * @property {any} [EventSource] the EventSource constructor for Server-Sent Events (default: globalThis.EventSource)
 * @property {typeof fetch} [fetch] the fetch function for long-polling (default: globalThis.fetch)
 * @property {number} [websocketTimeout] a WebSocket without a welcome after this long has failed (10,000 ms)
 * @property {number} [upgradeAfter] first attempt to upgrade from long-polling or Server-Sent Events to a WebSocket after this long; later ones back off (10,000 ms)
 * @property {number} [pollRetryDelay] delay between retries of a failed poll or send (1,000 ms)
 */

/**
 * @typedef {object} Push
 * @property {string} id
 * @property {string} event
 * @property {any} data the JSON value or text, or a Uint8Array for binary payloads
 * @property {string} [guid]
 * @property {string} [position]
 */

export class PushGatewayClient {
  /**
   * @param {string} url the WebSocket endpoint, such as wss://example.com/ws
   * @param {ClientOptions} options
   */
  constructor(url, options) {
    this.url = url;
    this.options = options;
    this.WebSocket = options.WebSocket ?? /** @type {any} */ (globalThis).WebSocket;
    this.setTimeout = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimeout = options.clearTimeout ?? ((handle) => clearTimeout(handle));
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    /** @type {Map<string, Set<Function>>} */
    this.listeners = new Map();
    /** @type {Map<string, {resolve: Function, reject: Function, timer: any}>} */
    this.pending = new Map();
    /** GUIDs this client wants to be attached to, with the last position seen of each stream. */
    /** @type {Map<string, string | undefined>} */
    this.guids = new Map();
    /** @type {string | undefined} */
    this.userPosition = undefined;
    this.attempt = 0;
    this.nextId = 1;
    this.closedByUser = false;
    this.socket = null;
    this.heartbeatTimer = null;
    this.silenceTimer = null;
    this.reconnectTimer = null;
    this.openedAt = 0;
    this.state = 'idle';
    this.EventSource = options.EventSource ?? /** @type {any} */ (globalThis).EventSource;
    /** @type {Array<'websocket' | 'sse' | 'polling'>} */
    this.transports = options.transports
      ?? (typeof this.EventSource === 'function' ? ['websocket', 'sse', 'polling'] : ['websocket', 'polling']);
    /** @type {'websocket' | 'sse' | 'polling' | null} the transport of the current connection */
    this.transport = null;
    this.websocketFailures = 0;
    this.sseFailures = 0;
    this.upgradeAttempt = 0;
    this.upgradeTimer = null;
    /** a WebSocket opened to replace the long-polling session or the stream, until its welcome */
    this.probe = null;
    /** the long-polling session being ended after an upgrade; its last frames still count */
    this.draining = null;
    /** @type {Set<string>} */
    this.recentPushIds = new Set();
  }

  /**
   * Listen to: 'open' (the welcome frame), 'close' ({code, reason, reconnectIn}), 'push' (every push),
   * 'push:<event>' (pushes of one event), 'recovered', 'unrecoverable', 'heartbeat' ({interval}: the
   * server changed the heartbeat interval), 'refresh' ({expiresAt}: the connection's token was
   * replaced by a fresh one, without reconnecting), 'dropped' ({count}: pushes the
   * server dropped while this client read too slowly), 'error', 'fallback' ({code, reason, from}: a
   * WebSocket or a Server-Sent Events stream failed before its welcome; the next transport follows at
   * once) and 'upgrade' (long-polling or Server-Sent Events was replaced by a WebSocket without a gap).
   * @param {string} name
   * @param {Function} listener
   * @returns {() => void} removes the listener
   */
  on(name, listener) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name)?.add(listener);
    return () => this.listeners.get(name)?.delete(listener);
  }

  /**
   * @param {string} name
   * @param {any} value
   */
  emit(name, value) {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(value);
      } catch (error) {
        if (name !== 'error') this.emit('error', error);
      }
    }
  }

  /** Open the connection; it reconnects by itself until close() is called. */
  async connect() {
    this.closedByUser = false;
    const token = await this.token();
    if (this.closedByUser) return;
    this.state = 'connecting';
    const transport = chooseTransport(this.transports, this.websocketFailures, this.sseFailures);
    this.transport = transport;
    this.socket = transport === 'websocket' ? this.openWebSocket(token)
      : transport === 'sse' ? this.openSse(token) : this.openPolling(token);
  }

  /** @returns {Promise<string>} */
  async token() {
    return typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
  }

  get protocol() {
    return this.options.protocol === 'msgpack' ? 'push.v1.msgpack' : 'push.v1.json';
  }

  /**
   * @param {string} token
   * @returns {any} the socket
   */
  openWebSocket(token) {
    const url = new URL(this.url);
    url.searchParams.set('access_token', token);
    if (this.userPosition) url.searchParams.set('since', this.userPosition);
    const binary = this.options.protocol === 'msgpack';
    const socket = new this.WebSocket(url.toString(), [this.protocol]);
    if (binary) socket.binaryType = 'arraybuffer';
    socket.onmessage = (/** @type {{data: any}} */ event) => this.onFrame(socket,
      binary ? decode(new Uint8Array(event.data)) : JSON.parse(String(event.data)));
    socket.onclose = (/** @type {{code: number, reason: string}} */ event) => this.onClose(socket, event.code, event.reason);
    // a proxy may accept the upgrade request and never answer it
    socket.welcomeTimer = this.setTimeout(() => {
      if (!socket.welcomed) {
        socket.close();
        this.onClose(socket, 1006, 'no welcome over the WebSocket');
      }
    }, this.options.websocketTimeout ?? 10000);
    return socket;
  }

  /**
   * @param {string} token
   * @returns {any} the socket
   */
  openPolling(token) {
    const query = new URLSearchParams({ access_token: token });
    if (this.userPosition) query.set('since', this.userPosition);
    const socket = /** @type {any} */ (new PollingSocket(this.options.pollingUrl ?? pollingUrl(this.url), query,
      this.protocol, { fetch: this.options.fetch, setTimeout: this.setTimeout, retryDelay: this.options.pollRetryDelay }));
    socket.onframe = (/** @type {Record<string, any>} */ frame) => this.onFrame(socket, frame);
    socket.onclose = (/** @type {{code: number, reason: string}} */ event) => this.onClose(socket, event.code, event.reason);
    return socket;
  }

  /**
   * @param {string} token
   * @returns {any} the socket
   */
  openSse(token) {
    const query = new URLSearchParams({ access_token: token });
    if (this.userPosition) query.set('since', this.userPosition);
    const socket = /** @type {any} */ (new SseSocket(this.options.sseUrl ?? sseUrl(this.url), query, {
      EventSource: this.EventSource, fetch: this.options.fetch, setTimeout: this.setTimeout,
      retryDelay: this.options.pollRetryDelay,
    }));
    socket.onframe = (/** @type {Record<string, any>} */ frame) => this.onFrame(socket, frame);
    socket.onclose = (/** @type {{code: number, reason: string}} */ event) => this.onClose(socket, event.code, event.reason);
    // a proxy that buffers responses never lets the welcome through
    socket.welcomeTimer = this.setTimeout(() => {
      if (!socket.welcomed) socket.close(1006, 'no welcome over server-sent events');
    }, this.options.websocketTimeout ?? 10000);
    return socket;
  }

  /** Try a WebSocket beside the long-polling session or stream, later and later while it keeps failing. */
  scheduleUpgrade() {
    if (!this.transports.includes('websocket') || this.closedByUser) return;
    const delay = backoffDelay(this.upgradeAttempt++, { initial: this.options.upgradeAfter ?? 10000, max: 300000 },
      this.random);
    this.upgradeTimer = this.setTimeout(async () => {
      this.upgradeTimer = null;
      if (this.transport === 'websocket' || this.state !== 'open' || this.probe) return;
      try {
        const token = await this.token();
        if (this.transport !== 'websocket' && this.state === 'open') this.probe = this.openWebSocket(token);
      } catch (error) {
        this.emit('error', error);
        this.scheduleUpgrade();
      }
    }, delay);
  }

  /**
   * The probe WebSocket was welcomed: it becomes the connection, and the long-polling session is
   * ended gracefully, its last frames still delivered (duplicates are dropped by push ID).
   * @param {any} socket
   */
  completeUpgrade(socket) {
    this.probe = null;
    const old = this.socket;
    this.draining = old;
    this.socket = socket;
    this.transport = 'websocket';
    this.websocketFailures = 0;
    this.upgradeAttempt = 0;
    for (const timer of [this.heartbeatTimer, this.silenceTimer]) {
      if (timer) this.clearTimeout(timer);
    }
    old?.end();
  }

  /**
   * Send a message to the application and wait for its reply.
   * @param {string} event
   * @param {any} [data] a JSON value
   * @param {{guid?: string}} [options]
   * @returns {Promise<any>} the reply's data
   */
  send(event, data = null, options = {}) {
    return this.request({ t: 'msg', ev: event, g: options.guid, d: data });
  }

  /**
   * Attach this connection to a GUID; it stays attached across reconnects.
   * @param {string} guid
   */
  async join(guid) {
    const known = this.guids.has(guid);
    if (!known) this.guids.set(guid, undefined);
    try {
      return await this.request({ t: 'join', g: guid, since: this.guids.get(guid) });
    } catch (error) {
      if (!known) this.guids.delete(guid);
      throw error;
    }
  }

  /**
   * Detach this connection from a GUID.
   * @param {string} guid
   */
  async leave(guid) {
    this.guids.delete(guid);
    return this.request({ t: 'leave', g: guid });
  }

  /** Close for good: no reconnect. */
  close() {
    this.closedByUser = true;
    this.stopTimers();
    this.rejectPending(new Error('client closed'));
    for (const socket of [this.probe, this.draining]) socket?.close(1000, 'bye');
    this.probe = this.draining = null;
    if (this.socket) this.socket.close(1000, 'bye');
    this.state = 'closed';
  }

  /**
   * Send a fresh token on the open connection, from the `token` option (a function is called for
   * it), without reconnecting. The server asks for one before the connection's token expires (a
   * `refresh` frame) and this client answers by itself; call it to refresh earlier.
   * @returns {Promise<{ t: 'refreshed', id: string, exp?: number }>} the server's acceptance; rejected
   *   with a PushGatewayError (4401) when the server refused the token
   */
  async refresh() {
    const token = await this.token();
    const refreshed = await this.request({ t: 'refresh', token });
    this.emit('refresh', { expiresAt: refreshed.exp });
    return refreshed;
  }

  /**
   * @param {Record<string, any>} frame
   * @returns {Promise<any>}
   */
  request(frame) {
    if (!this.socket || this.state !== 'open') return Promise.reject(new Error('not connected'));
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = this.setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${frame.t} ${id} within ${this.options.replyTimeout ?? 10000} ms`));
      }, this.options.replyTimeout ?? 10000);
      this.pending.set(id, { resolve, reject, timer });
      this.write({ ...frame, id });
    });
  }

  /** @param {Record<string, any>} frame */
  write(frame) {
    const clean = Object.fromEntries(Object.entries(frame).filter(([, value]) => value !== undefined));
    if (this.options.protocol !== 'msgpack') {
      this.socket?.send(JSON.stringify(clean));
      return;
    }
    // MessagePack carries text and bytes in 'd' and a JSON document as text in 'j' (docs/protocol.md)
    if ('d' in clean && typeof clean.d !== 'string' && !(clean.d instanceof Uint8Array)) {
      clean.j = JSON.stringify(clean.d);
      delete clean.d;
    }
    this.socket?.send(encode(clean));
  }

  /**
   * @param {any} socket
   * @param {Record<string, any>} frame
   */
  onFrame(socket, frame) {
    if (frame.t === 'welcome') {
      socket.welcomed = true;
      if (socket.welcomeTimer) this.clearTimeout(socket.welcomeTimer);
      if (socket === this.probe) {
        this.completeUpgrade(socket);
        this.handle(frame, true);
        this.armSilenceTimer();
        return;
      }
    }
    if (socket === this.draining) {
      if (frame.t !== 'welcome') this.handle(frame);
      return;
    }
    if (socket !== this.socket) return;
    this.handle(frame);
    // after handling, so the welcome frame's interval applies from the first frame on
    if (socket === this.socket) this.armSilenceTimer();
  }

  /**
   * @param {Record<string, any>} frame
   * @param {boolean} [upgrade] whether a welcome comes from a WebSocket replacing long-polling
   */
  handle(frame, upgrade = false) {
    switch (frame.t) {
      case 'welcome':
        this.state = 'open';
        if (!upgrade) this.openedAt = this.now();
        if (this.transport === 'websocket') this.websocketFailures = 0;
        if (this.transport === 'sse') this.sseFailures = 0;
        this.heartbeat = frame.hb;
        this.startHeartbeat();
        // resume every GUID stream where it stopped
        for (const [guid, since] of this.guids) this.write({ t: 'join', id: String(this.nextId++), g: guid, since });
        if (upgrade) {
          this.emit('upgrade', { transport: 'websocket', welcome: frame });
        } else {
          this.emit('open', frame);
          if (this.transport !== 'websocket') this.scheduleUpgrade();
        }
        break;
      case 'push': {
        // the same push can come over both connections while upgrading
        if (this.recentPushIds.has(frame.id)) break;
        this.recentPushIds.add(frame.id);
        if (this.recentPushIds.size > RECENT_PUSH_IDS) {
          this.recentPushIds.delete(this.recentPushIds.values().next().value);
        }
        /** @type {Push} */
        const push = { id: frame.id, event: frame.ev, data: payload(frame), guid: frame.g, position: frame.p };
        // the server sends a stream's pushes in position order, once; a position not after the last
        // one is a duplicate all the same (this keeps the promise across overlapping replays)
        if (frame.p && !this.advance(frame.g, frame.p)) break;
        this.emit('push', push);
        this.emit(`push:${frame.ev}`, push);
        if (frame.a && this.options.autoAck !== false) this.write({ t: 'ack', id: frame.id });
        break;
      }
      case 'hb':
        // the server lengthened this stable connection's heartbeat, or shortened it after a late beat
        if (this.heartbeatTimer) this.clearTimeout(this.heartbeatTimer);
        this.heartbeat = frame.hb;
        this.startHeartbeat();
        this.emit('heartbeat', { interval: frame.hb });
        break;
      case 'dropped':
        // the server dropped pushes while this client read too slowly (a drop-oldest policy)
        this.emit('dropped', { count: frame.n });
        break;
      case 'recovered':
        // the server says where this client stands in the stream now (after a replay, or after
        // pushes it could no longer send: then 'ok' is false)
        if (frame.p) this.setPosition(frame.g, frame.p);
        this.emit(frame.ok ? 'recovered' : 'unrecoverable', { guid: frame.g, count: frame.n, position: frame.p });
        break;
      case 'refresh':
        // the connection's token expires soon: send a fresh one on the same connection
        this.refresh().catch((error) => this.emit('error', error));
        break;
      case 'reply':
      case 'joined':
      case 'left':
      case 'refreshed':
        this.settle(frame.id, (entry) => entry.resolve(frame.t === 'reply' ? payload(frame) : frame));
        break;
      case 'error':
        if (frame.id && this.pending.has(frame.id)) {
          this.settle(frame.id, (entry) => entry.reject(new PushGatewayError(frame.code, frame.msg)));
        } else {
          this.emit('error', new PushGatewayError(frame.code, frame.msg));
        }
        break;
      default:
        break;
    }
  }

  /**
   * Follow a stream's position with a push's. The server sends each stream's pushes in position
   * order, once: a position at or before the last one is a duplicate (dropped), and one that skips
   * offsets means pushes are missing, which is reported as 'unrecoverable' (the server reports the
   * pushes it cannot send itself, before the next push; this catches a server that did not).
   * @param {string | undefined} guid
   * @param {string} position
   * @returns {boolean} whether the push is new
   */
  advance(guid, position) {
    const current = guid === undefined ? this.userPosition : this.guids.get(guid);
    if (guid !== undefined && !this.guids.has(guid)) return true;
    const next = parsePosition(position);
    const last = current ? parsePosition(current) : null;
    if (next && last && next.epoch === last.epoch) {
      if (next.offset <= last.offset) return false;
      if (next.offset > last.offset + 1n) {
        this.emit('unrecoverable', { guid, count: 0, position: current, missing: Number(next.offset - last.offset - 1n) });
      }
    }
    this.setPosition(guid, position);
    return true;
  }

  /**
   * @param {string | undefined} guid
   * @param {string} position
   */
  setPosition(guid, position) {
    if (guid === undefined) this.userPosition = position;
    else if (this.guids.has(guid)) this.guids.set(guid, position);
  }

  /**
   * @param {string} id
   * @param {(entry: {resolve: Function, reject: Function, timer: any}) => void} action
   */
  settle(id, action) {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.clearTimeout(entry.timer);
    action(entry);
  }

  /**
   * @param {any} socket
   * @param {number} code
   * @param {string} reason
   */
  onClose(socket, code, reason) {
    if (socket.welcomeTimer) this.clearTimeout(socket.welcomeTimer);
    if (socket === this.probe) {
      // the upgrade failed: stay on long-polling and try again later
      this.probe = null;
      this.scheduleUpgrade();
      return;
    }
    if (socket === this.draining) {
      this.draining = null;
      return;
    }
    if (socket !== this.socket) return;
    const from = this.transport;
    if (!(socket instanceof PollingSocket) && !socket.welcomed && !this.closedByUser
      && ((from === 'websocket' && this.transports.some((transport) => transport !== 'websocket'))
        || (from === 'sse' && this.transports.includes('polling')))) {
      // the WebSocket or the stream never opened: fall back to the next transport at once, it is a
      // different path
      if (from === 'websocket') this.websocketFailures++;
      else this.sseFailures++;
      this.socket = null;
      this.emit('fallback', { code, reason, from });
      this.connect().catch((error) => this.emit('error', error));
      return;
    }
    this.stopTimers();
    this.rejectPending(new Error(`connection closed (${code})`));
    this.socket = null;
    // an expired credential (4004) comes back with the same token string: only a token function gets a
    // fresh one
    const final = this.closedByUser || isFinalCloseCode(code)
      || (code === 4004 && typeof this.options.token !== 'function');
    if (this.state === 'open' && this.now() - this.openedAt >= (this.options.stableAfter ?? 30000)) this.attempt = 0;
    const delay = final ? null : backoffDelay(this.attempt++, this.options.backoff, this.random);
    this.state = final ? 'closed' : 'reconnecting';
    this.emit('close', { code, reason, reconnectIn: delay });
    if (delay !== null) {
      this.reconnectTimer = this.setTimeout(() => {
        this.connect().catch((error) => this.emit('error', error));
      }, delay);
    }
  }

  startHeartbeat() {
    const interval = this.heartbeat ?? 25000;
    const tick = () => {
      this.write({ t: 'ping' });
      this.heartbeatTimer = this.setTimeout(tick, interval);
    };
    this.heartbeatTimer = this.setTimeout(tick, interval);
  }

  /** A connection that hears nothing for two heartbeat intervals is dead even if the socket does not know yet. */
  armSilenceTimer() {
    if (this.silenceTimer) this.clearTimeout(this.silenceTimer);
    const socket = this.socket;
    this.silenceTimer = this.setTimeout(() => {
      if (socket === this.socket && socket) {
        socket.close(4001, 'no frame from the server');
        this.onClose(socket, 4001, 'no frame from the server');
      }
    }, 2 * (this.heartbeat ?? 25000) + 5000);
  }

  stopTimers() {
    for (const timer of [this.heartbeatTimer, this.silenceTimer, this.reconnectTimer, this.upgradeTimer]) {
      if (timer) this.clearTimeout(timer);
    }
    this.heartbeatTimer = this.silenceTimer = this.reconnectTimer = this.upgradeTimer = null;
  }

  /** @param {Error} error */
  rejectPending(error) {
    for (const [id, entry] of this.pending) {
      this.clearTimeout(entry.timer);
      entry.reject(error);
      this.pending.delete(id);
    }
  }
}

/**
 * The payload of a push or reply frame, in either protocol.
 * @param {Record<string, any>} frame
 * @returns {any}
 */
function payload(frame) {
  if ('j' in frame) return JSON.parse(frame.j);
  if ('b' in frame) return decodeBase64(frame.b);
  return frame.d;
}

/**
 * @param {string} base64
 * @returns {Uint8Array}
 */
function decodeBase64(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
