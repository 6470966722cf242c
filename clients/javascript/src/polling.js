// @ts-check
/**
 * HTTP long-polling with the shape of a WebSocket, so the client drives both the same way: `send`,
 * `close`, and `onframe`/`onclose` callbacks. Used where a WebSocket cannot be opened (proxies that
 * strip the upgrade, some mobile networks). The endpoints are documented in docs/protocol.md.
 *
 * Batches are numbered: every poll acknowledges the last batch received, and a poll whose response
 * was lost is repeated with the same acknowledgement, so the server sends that batch again and
 * nothing is lost. Sends go one at a time, in order.
 * @module
 */

import { decode } from './msgpack.js';

/**
 * The long-polling base URL for a WebSocket endpoint: same host, http(s), path + '/poll'.
 * @param {string} websocketUrl such as wss://example.com/ws
 * @returns {string} such as https://example.com/ws/poll
 */
export function pollingUrl(websocketUrl) {
  const url = new URL(websocketUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/$/, '') + '/poll';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * @typedef {object} PollingOptions
 * @property {typeof fetch} [fetch]
 * @property {(fn: () => void, ms: number) => any} [setTimeout]
 * @property {number} [retries] how many times a failed poll or send is retried before the session counts as lost (2)
 * @property {number} [retryDelay] milliseconds between retries (1,000)
 */

export class PollingSocket {
  /**
   * @param {string} baseUrl the long-polling base URL
   * @param {URLSearchParams} query the open request's query (token, since, guid)
   * @param {string} protocol 'push.v1.json' or 'push.v1.msgpack'
   * @param {PollingOptions} [options]
   */
  constructor(baseUrl, query, protocol, options = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.protocol = protocol;
    this.binary = protocol === 'push.v1.msgpack';
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.setTimeout = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.retries = options.retries ?? 2;
    this.retryDelay = options.retryDelay ?? 1000;
    /** @type {((frame: Record<string, any>) => void) | null} */
    this.onframe = null;
    /** @type {((event: {code: number, reason: string}) => void) | null} */
    this.onclose = null;
    /** @type {string | null} */
    this.session = null;
    this.ack = 0;
    this.closed = false;
    this.controller = new AbortController();
    this.sender = new FrameSender(() => `${this.baseUrl}/send?session=${encodeURIComponent(String(this.session))}`,
      this.binary ? 'application/msgpack' : 'text/plain;charset=UTF-8', this.fetch, this.setTimeout, this.retries,
      this.retryDelay, this.controller.signal, (reason) => this.finish(1006, `long-polling ${reason}`));
    query.set('protocol', protocol);
    this.open(query);
  }

  /**
   * @param {URLSearchParams} query
   */
  async open(query) {
    let response;
    try {
      response = await this.fetch(`${this.baseUrl}/open?${query}`, { method: 'POST', signal: this.controller.signal });
    } catch (error) {
      this.finish(1006, `long-polling open failed: ${error}`);
      return;
    }
    if (response.status !== 200) {
      // like a rejected WebSocket handshake: the status is in the reason
      this.finish(1006, `long-polling open rejected with ${response.status}: ${(await response.text()).trim()}`);
      return;
    }
    this.session = response.headers.get('Push-Session');
    if (!(await this.accept(response))) this.pollLoop();
  }

  async pollLoop() {
    let failures = 0;
    while (!this.closed) {
      let response;
      try {
        response = await this.fetch(`${this.baseUrl}?session=${encodeURIComponent(String(this.session))}&ack=${this.ack}`,
          { signal: this.controller.signal, cache: 'no-store' });
      } catch (error) {
        if (this.closed) return;
        response = null;
      }
      if (response && response.status === 200) {
        failures = 0;
        if (await this.accept(response)) return;
        continue;
      }
      if (response && response.status === 404) {
        this.finish(1006, 'long-polling session lost');
        return;
      }
      // a network error, or 503/504 from a node that could not reach the session's node: the same
      // poll again (same ack), a few times
      if (++failures > this.retries) {
        this.finish(1006, `long-polling failed${response ? ` with ${response.status}` : ''}`);
        return;
      }
      await new Promise((resolve) => this.setTimeout(() => resolve(undefined), this.retryDelay));
    }
  }

  /**
   * Deliver a batch.
   * @param {Response} response
   * @returns {Promise<boolean>} whether the session ended
   */
  async accept(response) {
    const frames = this.binary ? decode(new Uint8Array(await response.arrayBuffer())) : await response.json();
    this.ack = Number(response.headers.get('Push-Seq') ?? this.ack);
    for (const frame of frames) {
      if (this.closed) break;
      this.onframe?.(frame);
    }
    const code = response.headers.get('Push-Close-Code');
    if (code !== null) {
      this.finish(Number(code), response.headers.get('Push-Close-Reason') ?? '');
      return true;
    }
    return false;
  }

  /**
   * Send one encoded frame; frames go in order, one request at a time.
   * @param {string | Uint8Array} data
   */
  send(data) {
    if (!this.closed) this.sender.send(data);
  }

  /**
   * End the session gracefully: tell the server and keep polling until it confirms with its close
   * code, so frames already on their way still arrive (used when upgrading to a WebSocket).
   */
  async end() {
    if (this.closed) return;
    if (!this.session) {
      this.close();
      return;
    }
    try {
      const response = await this.fetch(`${this.baseUrl}/close?session=${encodeURIComponent(this.session)}`,
        { method: 'POST' });
      if (response.status !== 204) this.close();
    } catch {
      this.close();
    }
  }

  /**
   * End the session: the server is told, and onclose follows with this code.
   * @param {number} [code]
   * @param {string} [reason]
   */
  close(code = 1000, reason = '') {
    if (this.closed) return;
    if (this.session) {
      // keepalive lets the request outlive a page that is being closed
      this.fetch(`${this.baseUrl}/close?session=${encodeURIComponent(this.session)}`, { method: 'POST', keepalive: true })
        .catch(() => {});
    }
    this.finish(code, reason);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  finish(code, reason) {
    if (this.closed) return;
    this.closed = true;
    this.controller.abort();
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }
}

/**
 * Posts a session's client frames in order, one request at a time, retrying a failed one a few
 * times: the send path of long-polling and of Server-Sent Events.
 */
export class FrameSender {
  /**
   * @param {() => string} url where to post, computed when sending (the session may arrive later)
   * @param {string} contentType
   * @param {typeof fetch} fetch
   * @param {(fn: () => void, ms: number) => any} setTimeout
   * @param {number} retries
   * @param {number} retryDelay
   * @param {AbortSignal} signal aborts the requests when the session ends
   * @param {(reason: string) => void} lost called once when the session is gone or unreachable
   */
  constructor(url, contentType, fetch, setTimeout, retries, retryDelay, signal, lost) {
    this.url = url;
    this.contentType = contentType;
    this.fetch = fetch;
    this.setTimeout = setTimeout;
    this.retries = retries;
    this.retryDelay = retryDelay;
    this.signal = signal;
    this.lost = lost;
    /** @type {Array<string | Uint8Array>} */
    this.outbox = [];
    this.sending = false;
  }

  /** @param {string | Uint8Array} data */
  send(data) {
    this.outbox.push(data);
    if (!this.sending) this.drain();
  }

  async drain() {
    this.sending = true;
    while (this.outbox.length > 0 && !this.signal.aborted) {
      const body = this.outbox[0];
      let failures = 0;
      for (;;) {
        let status = 0;
        try {
          const response = await this.fetch(this.url(), {
            method: 'POST', body, headers: { 'Content-Type': this.contentType }, signal: this.signal,
          });
          status = response.status;
        } catch {
          if (this.signal.aborted) return;
        }
        if (status === 204 || status === 413) break; // 413: the server says why in no other way; drop it
        if (status === 404) {
          this.lost('session lost');
          return;
        }
        if (++failures > this.retries) {
          this.lost(`send failed${status ? ` with ${status}` : ''}`);
          return;
        }
        await new Promise((resolve) => this.setTimeout(() => resolve(undefined), this.retryDelay));
      }
      this.outbox.shift();
    }
    this.sending = false;
  }
}
