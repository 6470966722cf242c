// @ts-check
/**
 * The gateway's HTTP API for operators and services, in a browser or in Node: push, disconnect,
 * ban and unban, list connections, nodes and recent presence transitions (docs/http-api.md). The
 * operator console (docs/operations.md, "The console") is built on it. No runtime dependencies:
 * it uses the platform's fetch.
 * @module
 */

/**
 * An answer of the HTTP API other than 2xx: its status and the API's error message.
 */
export class PushGatewayApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(`${status}: ${message}`);
    this.name = 'PushGatewayApiError';
    /** @type {number} the HTTP status */
    this.status = status;
  }
}

/**
 * @typedef {object} AdminOptions
 * @property {string} [baseUrl] the gateway's origin, '' (the page's origin) by default
 * @property {string} [apiPath] the HTTP API's path, '/push-api' by default
 * @property {string | null} [token] the API token (push.gateway.http-api.token); null when the
 *   application's Spring Security authenticates the caller (a browser's session cookie)
 * @property {typeof fetch} [fetch] the fetch implementation
 */

/**
 * @typedef {object} Connection
 * @property {string} socketId
 * @property {string} uid
 * @property {string} node
 * @property {string} transport
 * @property {string} protocol
 * @property {string} openedAt
 * @property {string} lastSeen
 * @property {string[]} guids
 * @property {string} [clientAddress]
 */

export class PushGatewayAdmin {
  /** @param {AdminOptions} [options] */
  constructor(options = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.apiPath = options.apiPath ?? '/push-api';
    this.token = options.token ?? null;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * @param {string} method
   * @param {string} path after the API's path, its segments already encoded
   * @param {object} [init]
   * @param {BodyInit} [init.body]
   * @param {string} [init.contentType]
   * @returns {Promise<any>} the parsed JSON answer, or null for 204
   */
  async request(method, path, init = {}) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (init.contentType) headers['Content-Type'] = init.contentType;
    const response = await this.fetch(`${this.baseUrl}${this.apiPath}${path}`, {
      method,
      headers,
      body: init.body,
      credentials: 'same-origin',
    });
    if (response.status === 204) return null;
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: a proxy's or a login page's answer
    }
    if (!response.ok) {
      throw new PushGatewayApiError(response.status, body?.error ?? (text.slice(0, 200) || response.statusText));
    }
    return body;
  }

  /**
   * Push an event.
   * @param {'users' | 'guids' | 'sockets' | 'broadcast'} kind
   * @param {string | null} id the uid, GUID or socket ID; null for a broadcast
   * @param {string} event
   * @param {unknown} payload sent as JSON
   * @returns {Promise<{messageId: string, localDeliveries: number}>}
   */
  push(kind, id, event, payload) {
    const target = kind === 'broadcast' ? '/broadcast' : `/${kind}/${encodeURIComponent(id ?? '')}`;
    return this.request('POST', `${target}?event=${encodeURIComponent(event)}`,
      { body: JSON.stringify(payload ?? null), contentType: 'application/json' });
  }

  /**
   * Close a target's connections on every node.
   * @param {'users' | 'guids' | 'sockets' | 'broadcast'} kind
   * @param {string | null} id
   * @param {number} [code] 4005 (reconnect, the default) or 4006 (do not reconnect)
   * @param {string} [reason]
   */
  disconnect(kind, id, code = 4005, reason = 'disconnected by an operator') {
    const target = kind === 'broadcast' ? '/broadcast' : `/${kind}/${encodeURIComponent(id ?? '')}`;
    return this.request('POST',
      `/disconnect${target}?code=${code}&reason=${encodeURIComponent(reason)}`);
  }

  /**
   * Ban a user on every node, until a time or for good.
   * @param {string} uid
   * @param {Date | string | null} [until]
   */
  ban(uid, until = null) {
    const query = until ? `?until=${encodeURIComponent(new Date(until).toISOString())}` : '';
    return this.request('PUT', `/bans/users/${encodeURIComponent(uid)}${query}`);
  }

  /** @param {string} uid */
  unban(uid) {
    return this.request('DELETE', `/bans/users/${encodeURIComponent(uid)}`);
  }

  /**
   * @param {string} uid
   * @returns {Promise<{banned: boolean, bannedUntil: string | null, revokedBefore: string | null}>}
   */
  banState(uid) {
    return this.request('GET', `/bans/users/${encodeURIComponent(uid)}`);
  }

  /**
   * A page of a user's or a GUID's connections across the cluster.
   * @param {'users' | 'guids'} kind
   * @param {string} id
   * @param {{limit?: number, cursor?: string | null}} [page]
   * @returns {Promise<{connections: Connection[], next: string | null}>}
   */
  connections(kind, id, page = {}) {
    const query = new URLSearchParams();
    if (page.limit) query.set('limit', String(page.limit));
    if (page.cursor) query.set('cursor', page.cursor);
    const suffix = query.size ? `?${query}` : '';
    return this.request('GET', `/connections/${kind}/${encodeURIComponent(id)}${suffix}`);
  }

  /** @returns {Promise<{nodes: {node: string, connections: number, lastHeartbeat: string}[]}>} */
  nodes() {
    return this.request('GET', '/presence/nodes');
  }

  /** @returns {Promise<{nodes: number, connections: number, users: number}>} */
  stats() {
    return this.request('GET', '/presence/stats');
  }

  /**
   * The latest presence transitions, newest first.
   * @param {number} [limit]
   * @returns {Promise<{transitions: {type: string, event: string, uid: string | null,
   *   guid: string | null, at: string}[]}>}
   */
  recentPresence(limit = 20) {
    return this.request('GET', `/presence/recent?limit=${limit}`);
  }
}
