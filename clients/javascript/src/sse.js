// @ts-check
/**
 * Server-Sent Events with the shape of a WebSocket, so the client drives it like the others: the
 * server's frames arrive on an EventSource (asked for as unnamed events, so one listener sees them
 * all), the client's frames are posted to the stream's session. Used where a WebSocket cannot be
 * opened but a streamed response can, before falling back to long-polling. The endpoint is
 * documented in docs/protocol.md.
 *
 * The EventSource's own reconnect is not used: the client reconnects itself, with the position of
 * the last push it received, over whichever transport is available then.
 * @module
 */

import { FrameSender } from './polling.js';

/**
 * The Server-Sent Events URL for a WebSocket endpoint: same host, http(s), path + '/sse'.
 * @param {string} websocketUrl such as wss://example.com/ws
 * @returns {string} such as https://example.com/ws/sse
 */
export function sseUrl(websocketUrl) {
  const url = new URL(websocketUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/$/, '') + '/sse';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * @typedef {object} SseOptions
 * @property {any} [EventSource] the EventSource constructor (default: globalThis.EventSource)
 * @property {typeof fetch} [fetch]
 * @property {(fn: () => void, ms: number) => any} [setTimeout]
 * @property {number} [retries] how many times a failed send is retried before the stream counts as lost (2)
 * @property {number} [retryDelay] milliseconds between retries (1,000)
 */

export class SseSocket {
  /**
   * @param {string} url the stream's URL
   * @param {URLSearchParams} query the stream's query (token, since, guid)
   * @param {SseOptions} [options]
   */
  constructor(url, query, options = {}) {
    this.url = url.replace(/\/$/, '');
    const EventSourceType = options.EventSource ?? /** @type {any} */ (globalThis).EventSource;
    const fetchFunction = options.fetch ?? globalThis.fetch.bind(globalThis);
    /** @type {((frame: Record<string, any>) => void) | null} */
    this.onframe = null;
    /** @type {((event: {code: number, reason: string}) => void) | null} */
    this.onclose = null;
    /** @type {string | null} */
    this.session = null;
    this.closed = false;
    this.controller = new AbortController();
    this.sender = new FrameSender(() => `${this.url}/send?session=${encodeURIComponent(String(this.session))}`,
      'application/json', fetchFunction, options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms)),
      options.retries ?? 2, options.retryDelay ?? 1000, this.controller.signal,
      (reason) => this.finish(1006, `server-sent events ${reason}`));
    query.set('events', 'unnamed');
    this.source = new EventSourceType(`${this.url}?${query}`);
    this.source.onmessage = (/** @type {{data: string}} */ event) => this.onMessage(event.data);
    // an error is a refused request or a stream that ended: either way this stream is over (the
    // EventSource would reconnect by itself; the client does that, with its positions)
    this.source.onerror = () => this.finish(1006, 'server-sent events stream ended');
  }

  /** @param {string} data */
  onMessage(data) {
    if (this.closed) return;
    const frame = JSON.parse(data);
    if (frame.t === 'welcome') this.session = frame.session;
    if (frame.t === 'close') {
      this.finish(frame.code, frame.reason);
      return;
    }
    this.onframe?.(frame);
  }

  /**
   * Post one client frame; frames go in order, one request at a time.
   * @param {string} data a JSON frame
   */
  send(data) {
    if (!this.closed) this.sender.send(data);
  }

  /** End the stream (used when upgrading to a WebSocket, which is already welcomed then). */
  end() {
    this.close();
  }

  /**
   * End the stream: the server sees the response's connection close, and onclose follows.
   * @param {number} [code]
   * @param {string} [reason]
   */
  close(code = 1000, reason = '') {
    this.finish(code, reason);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  finish(code, reason) {
    if (this.closed) return;
    this.closed = true;
    this.source.close();
    this.controller.abort();
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }
}
