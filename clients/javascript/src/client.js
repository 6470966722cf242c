// @ts-check
/**
 * Push Gateway client: one logical connection to the gateway that survives network trouble.
 *
 * It connects with a token, runs the heartbeat the server announces, reconnects with exponential
 * backoff and jitter, correlates replies to upstream messages, joins GUIDs, acknowledges pushes that
 * ask for it, and resumes every stream from its last position after a reconnect, so recoverable
 * pushes missed while offline arrive in order. No runtime dependencies: it runs in browsers and in
 * Node (pass a WebSocket implementation where there is no global one).
 *
 * The wire protocol is documented in docs/protocol.md.
 * @module
 */

import { decode, encode } from './msgpack.js';

/** Close codes after which reconnecting would only repeat the failure. */
const FINAL_CLOSE_CODES = new Set([4003, 1003, 1009, 4000]);

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
 * Compare two stream positions ("millis-sequence").
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function comparePositions(a, b) {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
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
  }

  /**
   * Listen to: 'open' (the welcome frame), 'close' ({code, reason, reconnectIn}), 'push' (every push),
   * 'push:<event>' (pushes of one event), 'recovered', 'unrecoverable', 'error'.
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
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    const url = new URL(this.url);
    url.searchParams.set('access_token', token);
    if (this.userPosition) url.searchParams.set('since', this.userPosition);
    this.state = 'connecting';
    const binary = this.options.protocol === 'msgpack';
    const socket = new this.WebSocket(url.toString(), [binary ? 'push.v1.msgpack' : 'push.v1.json']);
    if (binary) socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onmessage = (/** @type {{data: any}} */ event) => this.onFrame(socket,
      binary ? decode(new Uint8Array(event.data)) : JSON.parse(String(event.data)));
    socket.onclose = (/** @type {{code: number, reason: string}} */ event) => this.onClose(socket, event.code, event.reason);
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
    if (this.socket) this.socket.close(1000, 'bye');
    this.state = 'closed';
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
    if (socket !== this.socket) return;
    this.handle(frame);
    // after handling, so the welcome frame's interval applies from the first frame on
    if (socket === this.socket) this.armSilenceTimer();
  }

  /** @param {Record<string, any>} frame */
  handle(frame) {
    switch (frame.t) {
      case 'welcome':
        this.state = 'open';
        this.openedAt = this.now();
        this.heartbeat = frame.hb;
        this.startHeartbeat();
        // resume every GUID stream where it stopped
        for (const [guid, since] of this.guids) this.write({ t: 'join', id: String(this.nextId++), g: guid, since });
        this.emit('open', frame);
        break;
      case 'push': {
        /** @type {Push} */
        const push = { id: frame.id, event: frame.ev, data: payload(frame), guid: frame.g, position: frame.p };
        // a position not newer than one already seen is a duplicate: the server promises none, and
        // this keeps the promise even across overlapping replays
        if (frame.p && !this.advance(frame.g, frame.p)) break;
        this.emit('push', push);
        this.emit(`push:${frame.ev}`, push);
        if (frame.a && this.options.autoAck !== false) this.write({ t: 'ack', id: frame.id });
        break;
      }
      case 'recovered':
        if (frame.p) this.advance(frame.g, frame.p);
        this.emit(frame.ok ? 'recovered' : 'unrecoverable', { guid: frame.g, count: frame.n, position: frame.p });
        break;
      case 'reply':
      case 'joined':
      case 'left':
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
   * Remember the greatest position seen of a stream.
   * @param {string | undefined} guid
   * @param {string} position
   * @returns {boolean} whether the position is newer than any seen before
   */
  advance(guid, position) {
    if (guid === undefined) {
      if (this.userPosition && comparePositions(position, this.userPosition) <= 0) return false;
      this.userPosition = position;
    } else if (this.guids.has(guid)) {
      const current = this.guids.get(guid);
      if (current && comparePositions(position, current) <= 0) return false;
      this.guids.set(guid, position);
    }
    return true;
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
    if (socket !== this.socket) return;
    this.stopTimers();
    this.rejectPending(new Error(`connection closed (${code})`));
    this.socket = null;
    const final = this.closedByUser || FINAL_CLOSE_CODES.has(code);
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
    for (const timer of [this.heartbeatTimer, this.silenceTimer, this.reconnectTimer]) {
      if (timer) this.clearTimeout(timer);
    }
    this.heartbeatTimer = this.silenceTimer = this.reconnectTimer = null;
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
