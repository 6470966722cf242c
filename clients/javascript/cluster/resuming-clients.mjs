// The project's own client under the fault suite's history checker (FaultSuiteTests in the
// autoconfigure module): one Node process drives many PushGatewayClient instances, each with its own
// reconnect, heartbeat and resume, and reports what each client's application sees.
//
// stdin, one JSON command a line:
//   {"open":{"key":"c1","urls":["ws://127.0.0.1:8080/ws","ws://127.0.0.1:8081/ws"],"token":"..."}}
//   {"drop":"c1"}   the network drops the connection; the client reconnects by itself
// After every close the client's next attempt goes to the next URL, as a load balancer would send it
// to another node.
//   {"close":"c1"}
// stdout, one JSON event a line: {"key","t":"welcome"|"push"|"recovered"|"close"|"error",...}
// ("recovered" with "ok":false is the client's 'unrecoverable' event)
//
// Run with `node --experimental-websocket` on Node 20 (Node 22 has a global WebSocket).
import { createInterface } from 'node:readline';

import { PushGatewayClient } from '../src/client.js';

/** @type {Map<string, {client: PushGatewayClient, urls: string[], index: number}>} */
const clients = new Map();

function out(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function open({ key, urls, token }) {
  const client = new PushGatewayClient(urls[0], {
    token,
    transports: ['websocket'],
    // reconnect quickly: the checker counts what a reconnect recovers, not how long it waits
    backoff: { initial: 50, max: 500 },
  });
  client.on('open', () => out({ key, t: 'welcome' }));
  client.on('push', (push) => out({ key, t: 'push', id: push.id, p: push.position, ev: push.event, g: push.guid }));
  client.on('recovered', (info) => out({ key, t: 'recovered', ok: true, p: info.position, g: info.guid }));
  client.on('unrecoverable', (info) => out({ key, t: 'recovered', ok: false, p: info.position, g: info.guid }));
  client.on('close', (info) => {
    // the load balancer sends the reconnect to the next node (the last one may be dead)
    const entry = clients.get(key);
    if (entry) {
      entry.index = (entry.index + 1) % entry.urls.length;
      entry.client.url = entry.urls[entry.index];
    }
    out({ key, t: 'close', code: info.code });
  });
  client.on('error', (error) => out({ key, t: 'error', message: String(error?.message ?? error) }));
  clients.set(key, { client, urls, index: 0 });
  client.connect().catch((error) => out({ key, t: 'error', message: String(error?.message ?? error) }));
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  if (command.open) {
    open(command.open);
  } else if (command.drop) {
    clients.get(command.drop)?.client.socket?.close();
  } else if (command.close) {
    clients.get(command.close)?.client.close();
    clients.delete(command.close);
  }
}).on('close', () => process.exit(0));
