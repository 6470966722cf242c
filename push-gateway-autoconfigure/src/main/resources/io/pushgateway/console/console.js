// The operator console: every action is a call of the HTTP API through the JavaScript client's
// PushGatewayAdmin (docs/operations.md, "The console"). Values from the server are written as text,
// never as HTML.
import { PushGatewayAdmin } from './js/admin.js';

const $ = (id) => document.getElementById(id);
const apiPath = document.querySelector('meta[name="push-api-path"]')?.content ?? '/push-api';
let admin = new PushGatewayAdmin({ apiPath, token: sessionStorage.getItem('push-console-token') });
let shownUid = null;
let next = null;

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

async function act(what, action) {
  try {
    const result = await action();
    status(`${what}: done`);
    return result;
  } catch (error) {
    status(`${what}: ${error.message}`, true);
    return undefined;
  }
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    td.textContent = cell ?? '';
    tr.append(td);
  }
  return tr;
}

async function refresh() {
  try {
    const [nodes, stats] = await Promise.all([admin.nodes(), admin.stats()]);
    $('nodes').replaceChildren(...nodes.nodes.map((node) => row([node.node, String(node.connections),
      node.lastHeartbeat])));
    $('stats').textContent = `${stats.nodes} node(s), ${stats.connections} connection(s), ${stats.users} user(s)`;
    try {
      const recent = await admin.recentPresence(20);
      $('presence').replaceChildren(...recent.transitions.map((transition) => {
        const li = document.createElement('li');
        li.textContent = `${transition.at} ${transition.type}${transition.uid ? ` ${transition.uid}` : ''}`
          + `${transition.guid ? ` @${transition.guid}` : ''}`;
        return li;
      }));
    } catch (error) {
      $('presence').replaceChildren(Object.assign(document.createElement('li'),
        { textContent: error.status === 404 ? 'presence transitions are off' : error.message }));
    }
    if (!$('status').classList.contains('error')) status(`updated ${new Date().toLocaleTimeString()}`);
  } catch (error) {
    status(error.status === 401 ? 'enter the API token (push.gateway.http-api.token), or sign in'
      : `cannot read the nodes: ${error.message}`, true);
  }
}

async function lookup(more = false) {
  const uid = more ? shownUid : $('uid').value.trim();
  if (!uid) return;
  const page = await act(`connections of ${uid}`, () => admin.connections('users', uid,
    { limit: 50, cursor: more ? next : null }));
  if (!page) return;
  const rows = page.connections.map((c) => row([c.socketId, c.node, c.transport, c.protocol, c.openedAt,
    c.lastSeen, c.guids.join(' '), c.clientAddress]));
  if (more) $('connections').append(...rows); else $('connections').replaceChildren(...rows);
  shownUid = uid;
  next = page.next;
  $('more').hidden = !next;
  const ban = await admin.banState(uid).catch(() => null);
  $('ban-state').textContent = ban ? (ban.banned ? `banned${ban.bannedUntil ? ` until ${ban.bannedUntil}` : ''}`
    : 'not banned') : '';
}

$('save-token').addEventListener('click', () => {
  const token = $('token').value.trim();
  if (token) sessionStorage.setItem('push-console-token', token); else sessionStorage.removeItem('push-console-token');
  admin = new PushGatewayAdmin({ apiPath, token: token || null });
  $('status').className = '';
  refresh();
});
$('refresh').addEventListener('click', () => refresh());
$('lookup').addEventListener('click', () => lookup());
$('uid').addEventListener('keydown', (event) => { if (event.key === 'Enter') lookup(); });
$('more').addEventListener('click', () => lookup(true));
for (const [id, code] of [['disconnect', 4005], ['disconnect-final', 4006]]) {
  $(id).addEventListener('click', async () => {
    const uid = $('uid').value.trim();
    if (uid) await act(`disconnect ${uid} (${code})`, () => admin.disconnect('users', uid, code));
    lookup();
  });
}
$('ban').addEventListener('click', async () => {
  const uid = $('uid').value.trim();
  const until = $('ban-until').value ? new Date($('ban-until').value) : null;
  if (uid) await act(`ban ${uid}`, () => admin.ban(uid, until));
  lookup();
});
$('unban').addEventListener('click', async () => {
  const uid = $('uid').value.trim();
  if (uid) await act(`unban ${uid}`, () => admin.unban(uid));
  lookup();
});
$('push').addEventListener('click', async () => {
  let payload;
  try {
    payload = JSON.parse($('push-payload').value || 'null');
  } catch {
    status('the payload is not JSON', true);
    return;
  }
  const kind = $('push-kind').value;
  const result = await act('push', () => admin.push(kind, $('push-id').value.trim(), $('push-event').value.trim(),
    payload));
  if (result) {
    $('push-result').textContent = `message ${result.messageId}, ${result.localDeliveries} delivered on this node`;
  }
});

$('token').value = sessionStorage.getItem('push-console-token') ?? '';
refresh();
setInterval(refresh, 3000);
