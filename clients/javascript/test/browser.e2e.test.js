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

// as behind a proxy that refuses upgrades: every WebSocket fails before it opens (and, for the
// second case, a browser without EventSource)
for (const [name, transport, withoutEventSource] of [
  ['with WebSocket unavailable the demo page streams Server-Sent Events', 'sse', false],
  ['with neither WebSocket nor EventSource the demo page long-polls', 'polling', true]]) {
  test(`${name}: connect, push and reply`, { skip, timeout: 90000 }, async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.addInitScript((removeEventSource) => {
        if (removeEventSource) delete window.EventSource;
        window.WebSocket = class BlockedWebSocket {
          constructor() {
            setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 10);
          }

          send() {
            throw new Error('not open');
          }

          close() {}
        };
      }, withoutEventSource);
      const log = () => page.locator('#log').textContent();
      const failWithLog = async (error) => {
        throw new Error(`${error.message}\npage log:\n${await log()}`);
      };
      const uid = `${transport}-user`;
      await page.goto(`${base}/`);
      await page.fill('#uid', uid);
      await page.fill('#notifyUid', uid);
      await page.click('#connect');
      await page.waitForFunction((expected) => document.getElementById('status').textContent.startsWith(`connected as ${expected.uid} `)
        && document.getElementById('status').textContent.endsWith(`over ${expected.transport})`), { uid, transport },
      { timeout: 30000 }).catch(failWithLog);

      await page.fill('#notifyText', `hello over ${transport}`);
      await page.click('#notify');
      await page.waitForFunction((text) => document.getElementById('log').textContent.includes(text),
        `hello over ${transport}`, { timeout: 30000 }).catch(failWithLog);

      await page.fill('#text', `echo over ${transport}`);
      await page.click('#echo');
      await page.waitForFunction((text) => document.getElementById('log').textContent.includes(text),
        `echo answered "echo over ${transport}"`, { timeout: 30000 }).catch(failWithLog);
    } finally {
      await browser.close();
    }
  });
}

test('a page with nothing but the browser\'s EventSource follows docs/protocol.md: named events and Last-Event-ID',
  { skip, timeout: 90000 }, async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`);
      const result = await page.evaluate(async () => {
        const token = (await (await fetch('/demo/token?uid=eventsource-user')).json()).token;
        const source = new EventSource(`/ws/sse?access_token=${encodeURIComponent(token)}`);
        const event = (name) => new Promise((resolve) => source.addEventListener(name, resolve, { once: true }));
        const welcome = JSON.parse((await event('welcome')).data);
        const notification = event('notification');
        await fetch('/api/notify/eventsource-user', { method: 'POST', body: 'to a bare EventSource' });
        const received = await notification;
        const reply = event('reply');
        await fetch(`/ws/sse/send?session=${encodeURIComponent(welcome.session)}`, {
          method: 'POST', body: JSON.stringify({ t: 'msg', id: 'b1', ev: 'echo', d: 'posted' }),
        });
        const answered = JSON.parse((await reply).data);
        source.close();
        return { uid: welcome.uid, push: JSON.parse(received.data), lastEventId: received.lastEventId, reply: answered };
      });
      if (result.uid !== 'eventsource-user') throw new Error(`welcome for ${result.uid}`);
      if (result.push.t !== 'push' || result.push.ev !== 'notification') throw new Error(JSON.stringify(result.push));
      if (result.push.p && result.lastEventId !== result.push.p) {
        throw new Error(`Last-Event-ID ${result.lastEventId} is not the push's position ${result.push.p}`);
      }
      if (result.reply.d !== 'posted') throw new Error(JSON.stringify(result.reply));
    } finally {
      await browser.close();
    }
  });

test('the demo page\'s socket.io-client section: connect, upgrade, push, ack and room in Chromium', { skip, timeout: 90000 },
  async () => {
    const bundle = new URL('../node_modules/socket.io-client/dist/socket.io.min.js', import.meta.url).pathname;
    if (!existsSync(bundle)) throw new Error(`${bundle} missing: npm install in clients/javascript`);
    const browser = await launch();
    try {
      const page = await browser.newPage();
      // the page loads socket.io-client from its CDN; here it comes from node_modules, no network
      await page.route('https://cdn.socket.io/**', (route) => route.fulfill({ path: bundle, contentType: 'application/javascript' }));
      const log = () => page.locator('#log').textContent();
      const failWithLog = async (error) => {
        throw new Error(`${error.message}\npage log:\n${await log()}`);
      };
      await page.goto(`${base}/`);
      await page.fill('#uid', 'sio-browser-user');
      await page.fill('#notifyUid', 'sio-browser-user');
      await page.click('#sioConnect');
      await page.waitForFunction(() => /socket.io connected as sio-browser-user .* over websocket/.test(
        document.getElementById('sioStatus').textContent), null, { timeout: 30000 }).catch(failWithLog);

      await page.fill('#notifyText', 'hello socket.io in chromium');
      await page.click('#notify');
      await page.waitForFunction(() => document.getElementById('log').textContent
        .includes('socket.io ← notification {"text":"hello socket.io in chromium"'), null, { timeout: 30000 }).catch(failWithLog);

      await page.fill('#text', 'acked by the gateway');
      await page.click('#sioEcho');
      await page.waitForFunction(() => document.getElementById('log').textContent
        .includes('socket.io echo ack "acked by the gateway"'), null, { timeout: 30000 }).catch(failWithLog);
      await page.fill('#guid', 'doc-sio-browser');
      await page.click('#sioJoin');
      await page.waitForFunction(() => document.getElementById('log').textContent
        .includes('socket.io join ack {"guid":"doc-sio-browser"}'), null, { timeout: 30000 }).catch(failWithLog);
    } finally {
      await browser.close();
    }
  });
