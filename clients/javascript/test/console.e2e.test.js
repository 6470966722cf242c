// The operator console (push.gateway.console.enabled, on in the sample) in a real browser, headless
// Chromium driven by playwright-core, against a running sample app (GATEWAY_URL): the operator enters
// the API token, sees the node and a user's connection, sends a test push the user receives, sees the
// user's presence transition, bans (the user's connection closes with 4006) and unbans, and
// disconnects. Skipped without the app, the browser or playwright-core; .ci/run installs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { connected, next } from './sample.js';

const base = process.env.GATEWAY_URL;
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let playwright = null;
try {
  playwright = await import('playwright-core');
} catch {
  // not installed: skipped below
}
const skip = (!base || !playwright || !existsSync(executablePath) || typeof globalThis.WebSocket !== 'function')
  && 'needs GATEWAY_URL, playwright-core (npm install) and Chromium';


test('the console shows nodes and a user, pushes, bans, unbans and disconnects', { skip, timeout: 120000 },
  async () => {
    const uid = `console-${Date.now()}`;
    let { client, welcome } = await connected(base, uid);
    const browser = await playwright.chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const text = (id) => page.locator(`#${id}`).textContent();
      const until = (predicate, arg) => page.waitForFunction(predicate, arg, { timeout: 30000 })
        .catch(async (error) => {
          throw new Error(`${error.message}\nstatus: ${await text('status')}\nerrors: ${errors.join('; ')}`);
        });

      await page.goto(`${base}/push-console/`);
      await until(() => document.getElementById('status').textContent.includes('API token'));
      await page.fill('#token', 'demo-api-token');
      await page.click('#save-token');
      await until(() => document.querySelectorAll('#nodes tr').length === 1);
      assert.match(await text('stats'), /1 node\(s\)/);

      await page.fill('#uid', uid);
      await page.click('#lookup');
      await until((sid) => document.getElementById('connections').textContent.includes(sid), welcome.sid);
      assert.match(await text('connections'), /websocket/);
      await until(() => document.getElementById('ban-state').textContent === 'not banned');

      const pushed = next(client, 'push:console.test');
      await page.selectOption('#push-kind', 'users');
      await page.fill('#push-id', uid);
      await page.fill('#push-payload', '{"from":"chromium"}');
      await page.click('#push');
      assert.deepEqual((await pushed).data, { from: 'chromium' });
      await until(() => document.getElementById('push-result').textContent.startsWith('message '));

      await until((user) => document.getElementById('presence').textContent.includes(`ONLINE ${user}`), uid);

      const banned = next(client, 'close');
      await page.click('#ban');
      const close = await banned;
      assert.equal(close.code, 4006);
      await until(() => document.getElementById('ban-state').textContent === 'banned');
      await page.click('#unban');
      await until(() => document.getElementById('ban-state').textContent === 'not banned');
      client.close();

      ({ client, welcome } = await connected(base, uid));
      const disconnected = next(client, 'close');
      await page.click('#disconnect');
      assert.equal((await disconnected).code, 4005);
      assert.deepEqual(errors, []);
    } finally {
      client.close();
      await browser.close();
    }
  });
