// Helpers of the tests that run against the sample app (GATEWAY_URL): a connected client of a user, with
// the sample's demo token, that does not reconnect within a test; and the next event of a kind.

import { PushGatewayClient } from '../src/client.js';

/**
 * The next event of a kind.
 * @param {PushGatewayClient} client
 * @param {string} name
 * @returns {Promise<any>}
 */
export function next(client, name) {
  return new Promise((resolve) => {
    const off = client.on(name, (value) => {
      off();
      resolve(value);
    });
  });
}

/**
 * A client of a user, connected with the sample's demo token.
 * @param {string} base the sample's origin
 * @param {string} uid
 * @returns {Promise<{client: PushGatewayClient, welcome: any}>}
 */
export async function connected(base, uid) {
  const client = new PushGatewayClient(base.replace(/^http/, 'ws') + '/ws', {
    token: async () => (await (await fetch(`${base}/demo/token?uid=${encodeURIComponent(uid)}`)).json()).token,
    backoff: { initial: 60000 },
  });
  const opened = next(client, 'open');
  await client.connect();
  return { client, welcome: await opened };
}
