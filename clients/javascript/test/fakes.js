// Test doubles: a WebSocket that records what the client sends and lets the test play the server,
// and a clock whose timers run only when the test advances it.

export class FakeClock {
  constructor() {
    this.time = 0;
    this.timers = new Map();
    this.nextHandle = 1;
    this.setTimeout = (fn, ms) => {
      const handle = this.nextHandle++;
      this.timers.set(handle, { at: this.time + ms, fn });
      return handle;
    };
    this.clearTimeout = (handle) => this.timers.delete(handle);
    this.now = () => this.time;
  }

  /** Move time forward, running due timers in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next = null;
      for (const [handle, timer] of this.timers) {
        if (timer.at <= end && (next === null || timer.at < next[1].at)) next = [handle, timer];
      }
      if (next === null) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url, protocols) {
      this.url = new URL(url);
      this.protocols = protocols;
      this.sent = [];
      this.closed = null;
      sockets.push(this);
    }

    send(text) {
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
      this.closed = { code, reason };
    }

    /** The server sends a frame. */
    receive(frame) {
      this.onmessage({ data: JSON.stringify(frame) });
    }

    /** The connection closes from the server's side. */
    drop(code, reason = '') {
      this.onclose({ code, reason });
    }

    sentOfType(type) {
      return this.sent.filter((frame) => frame.t === type);
    }
  }
  return { FakeWebSocket, sockets };
}

/** Let pending promise callbacks run. */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A fetch that records requests and lets the test answer them, in any order, as the gateway's
 * long-polling endpoints would.
 */
export function fakeFetch() {
  const requests = [];
  const fetch = (url, init = {}) => new Promise((resolve, reject) => {
    const request = {
      url: new URL(url),
      method: init.method ?? 'GET',
      body: init.body,
      answered: false,
      /** Answer with a status, a body (a value is sent as JSON) and headers. */
      respond(status, body = null, headers = {}) {
        this.answered = true;
        const text = body === null ? null : (typeof body === 'string' ? body : JSON.stringify(body));
        resolve(new Response(text, { status, headers }));
      },
      fail(error = new TypeError('fetch failed')) {
        this.answered = true;
        reject(error);
      },
    };
    init.signal?.addEventListener('abort', () => {
      if (!request.answered) {
        request.answered = true;
        reject(new DOMException('aborted', 'AbortError'));
      }
    });
    requests.push(request);
  });
  /** The unanswered requests to a path suffix ('/open', '/send', '/close' or '' for polls). */
  const pending = (suffix) => requests.filter((request) => !request.answered
    && request.url.pathname === `/ws/poll${suffix}`);
  return { fetch, requests, pending };
}
