/**
 * Type declarations of `@push-gateway/client/admin` (src/admin.js), written by hand: the gateway's
 * HTTP API for operators and services (docs/http-api.md, docs/client.md).
 * @module
 */

import type { FetchFunction } from './client.js';

/** How `push` and `disconnect` name their target: a user, a GUID, one socket, or everyone. */
export type TargetKind = 'users' | 'guids' | 'sockets' | 'broadcast';

export interface AdminOptions {
  /** The gateway's origin, such as `https://push.example.com`; `''` (the page's origin) by default. */
  baseUrl?: string;
  /** The HTTP API's path, `/push-api` by default. */
  apiPath?: string;
  /**
   * The API token (`push.gateway.http-api.token`); `null` or absent when the application's Spring
   * Security authenticates the caller (a browser's session cookie).
   */
  token?: string | null;
  /** The fetch implementation (default: `globalThis.fetch`). */
  fetch?: FetchFunction;
}

/** An answer of the HTTP API other than 2xx: its status and the API's error message. */
export class PushGatewayApiError extends Error {
  constructor(status: number, message: string);
  name: 'PushGatewayApiError';
  /** The HTTP status. */
  status: number;
}

/** What `push` answers. */
export interface PushResult {
  /** The push's message ID. */
  messageId: string;
  /** Connections on the receiving node it was delivered to. */
  localDeliveries: number;
}

/** A user's ban and token revocation, from `banState`. */
export interface BanState {
  banned: boolean;
  /** The ISO-8601 instant the ban ends; `null` for a ban for good (or none). */
  bannedUntil: string | null;
  /** Tokens issued before this ISO-8601 instant are revoked; `null` when none are. */
  revokedBefore: string | null;
}

/** One connection of a `connections` page. */
export interface Connection {
  /** The socket ID (decimal). */
  socketId: string;
  uid: string;
  /** The node holding it. */
  node: string;
  /** `websocket`, `sse`, `polling` or `socketio`. */
  transport: string;
  /** The frame protocol: `push.v1.json`, `push.v1.msgpack`, `socketio` … */
  protocol: string;
  /** ISO-8601 instant. */
  openedAt: string;
  /** ISO-8601 instant, as last synchronized to the registry. */
  lastSeen: string;
  /** The GUIDs it is attached to. */
  guids: string[];
  /** Only with `push.gateway.connections.client-address=true`. */
  clientAddress?: string;
}

/** Which page of connections `connections` asks for. */
export interface ConnectionsPageRequest {
  /** 1 to 1000 (100 when absent). */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string | null;
}

/** A page of connections. */
export interface ConnectionsPage {
  connections: Connection[];
  /** The cursor of the next page; `null` on the last page. */
  next: string | null;
}

/** A live node, from `nodes`. */
export interface NodeInfo {
  node: string;
  /** Its connections, as last written to the registry. */
  connections: number;
  /** ISO-8601 instant. */
  lastHeartbeat: string;
}

/** Cluster-wide counts, from `stats`. */
export interface PresenceStats {
  nodes: number;
  connections: number;
  users: number;
}

/** A presence transition, from `recentPresence`. */
export interface PresenceTransition {
  /**
   * A user's first connection (`ONLINE`) or last one gone (`OFFLINE`); a GUID's first connection
   * (`OCCUPIED`) or last one gone (`VACATED`); a user's first connection attached to a GUID (`JOINED`)
   * or last one detached (`LEFT`).
   */
  type: 'ONLINE' | 'OFFLINE' | 'OCCUPIED' | 'VACATED' | 'JOINED' | 'LEFT';
  /** The presence event's name: `presence.online`, `presence.offline`, `presence.occupied`, `presence.vacated`, `presence.join` or `presence.leave`. */
  event: string;
  uid: string | null;
  guid: string | null;
  /** ISO-8601 instant. */
  at: string;
}

/**
 * The gateway's HTTP API. Each method resolves with the parsed JSON answer (`null` for `204 No
 * Content`) and rejects with a `PushGatewayApiError` for an answer other than 2xx.
 */
export class PushGatewayAdmin {
  constructor(options?: AdminOptions);

  /** The gateway's origin, without a trailing slash. */
  readonly baseUrl: string;
  /** The HTTP API's path. */
  readonly apiPath: string;
  /** The API token, or `null`. */
  readonly token: string | null;

  /**
   * Push an event.
   * @param kind the target's kind
   * @param id the uid, GUID or socket ID; `null` for a broadcast
   * @param event the event name
   * @param payload sent as JSON
   */
  push(kind: TargetKind, id: string | null, event: string, payload: unknown): Promise<PushResult>;

  /**
   * Close a target's connections on every node.
   * @param code 4005 (reconnect, the default), 4006 (do not reconnect), or the application's own:
   *   4500 to 4749 (reconnect), 4750 to 4999 (do not)
   * @param reason the close reason (`disconnected by an operator`)
   */
  disconnect(kind: TargetKind, id: string | null, code?: number, reason?: string): Promise<null>;

  /**
   * Ban a user on every node, until a time or for good (`until` absent or `null`).
   * @param until a `Date` or anything `new Date()` reads, such as an ISO-8601 instant
   */
  ban(uid: string, until?: Date | string | null): Promise<null>;

  /** Lift a user's ban. */
  unban(uid: string): Promise<null>;

  /** A user's ban and token revocation. */
  banState(uid: string): Promise<BanState>;

  /** A page of a user's or a GUID's connections across the cluster. */
  connections(kind: 'users' | 'guids', id: string, page?: ConnectionsPageRequest): Promise<ConnectionsPage>;

  /** The live nodes. */
  nodes(): Promise<{ nodes: NodeInfo[] }>;

  /** Cluster-wide counts of nodes, connections and users. */
  stats(): Promise<PresenceStats>;

  /**
   * The latest presence transitions, newest first.
   * @param limit 1 to 100 (20)
   */
  recentPresence(limit?: number): Promise<{ transitions: PresenceTransition[] }>;
}
