// The sample's demo page in a real browser (headless Chromium driven by playwright-core), against a
// running sample app (GATEWAY_URL). Skipped, and counted as skipped, without the app, the browser or
// playwright-core; .ci/run installs them and makes the Maven build insist that this test ran.
import { test } from 'node:test';
import { existsSync } from 'node:fs';

const base = process.env.GATEWAY_URL;
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let playwright = null;
try {
  playwright = await import('playwright-core');
} catch {
  // not installed: skipped below
}
const skip = (!base || !playwright || !existsSync(executablePath))
  && 'needs GATEWAY_URL, playwright-core (npm install) and Chromium';

const launch = () => playwright.chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

test('the demo page connects, receives a push and gets a reply in a real browser', { skip, timeout: 90000 },
  async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const log = () => page.locator('#log').textContent();
      await page.goto(`${base}/`);
      await page.fill('#uid', 'browser-user');
      await page.fill('#notifyUid', 'browser-user');
      await page.click('#connect');
      await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('connected as browser-user'),
        null, { timeout: 30000 });

      await page.fill('#notifyText', 'hello browser');
      await page.click('#notify');
      await page.waitForFunction(() => document.getElementById('log').textContent.includes('← push notification'),
        null, { timeout: 30000 });

      await page.fill('#text', 'hello from chromium');
      await page.click('#echo');
      await page.waitForFunction(
        () => document.getElementById('log').textContent.includes('echo answered "hello from chromium"'),
        null, { timeout: 30000 }).catch(async (error) => {
        throw new Error(`${error.message}\npage log:\n${await log()}`);
      });
    } finally {
      await browser.close();
    }
  });

test('with WebSocket unavailable the demo page long-polls: connect, push and reply', { skip, timeout: 90000 },
  async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      // as behind a proxy that refuses upgrades: every WebSocket fails before it opens
      await page.addInitScript(() => {
        window.WebSocket = class BlockedWebSocket {
          constructor() {
            setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 10);
          }

          send() {
            throw new Error('not open');
          }

          close() {}
        };
      });
      const log = () => page.locator('#log').textContent();
      const failWithLog = async (error) => {
        throw new Error(`${error.message}\npage log:\n${await log()}`);
      };
      await page.goto(`${base}/`);
      await page.fill('#uid', 'polling-user');
      await page.fill('#notifyUid', 'polling-user');
      await page.click('#connect');
      await page.waitForFunction(() => /connected as polling-user .* over polling/.test(
        document.getElementById('status').textContent), null, { timeout: 30000 }).catch(failWithLog);

      await page.fill('#notifyText', 'hello long-polling');
      await page.click('#notify');
      await page.waitForFunction(() => document.getElementById('log').textContent.includes('hello long-polling'),
        null, { timeout: 30000 }).catch(failWithLog);

      await page.fill('#text', 'echo over http');
      await page.click('#echo');
      await page.waitForFunction(
        () => document.getElementById('log').textContent.includes('echo answered "echo over http"'),
        null, { timeout: 30000 }).catch(failWithLog);
    } finally {
      await browser.close();
    }
  });
