// attachments.test.js — one story: a requester pastes a screenshot into the reply box,
// watches it upload and sees its thumbnail; the agent (the other party) opens the
// ticket and sees the same image, loaded from the server. The people and the ticket
// are made through the API to keep the run short; the story itself is all browser.
// Screenshots: desktop, 360 px and dark. Any console error, uncaught exception or CSP
// violation fails the run.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { startServer, launchBrowser, personPage, signIn, shot, SETUP_TOKEN } = require('./support.js');

const PASSWORD = 'correct horse battery staple';
const TITLE = 'Outlook shows an error on start';
const REPLY = 'Here is the error I get every morning.';

let server;
let browser;
const problems = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A real PNG (an error dialog's colours, striped) so the thumbnail has something to show. */
function screenshotPng(width = 160, height = 100) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const title = y < 18;
      const stripe = Math.floor(x / 20) % 2 === 0;
      const [r, g, b] = title ? [196, 43, 28] : stripe ? [240, 240, 240] : [220, 226, 236];
      row.set([r, g, b], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function api(page, method, path, data) {
  const res = await page.request.fetch(`${server.url}${path}`, { method, data, headers: { 'Content-Type': 'application/json' } });
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
  return res.status() === 204 ? null : res.json();
}

/** Pastes `png` into the reply box as a browser does with a copied screenshot. */
async function pasteImage(page, png) {
  await page.getByRole('textbox', { name: 'Reply' }).evaluate((el, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    el.focus();
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, png.toString('base64'));
}

/** The thumbnail is there and the browser decoded the server's bytes. */
async function seesThumbnail(page) {
  const img = page.locator('.comment .attachment-image img.thumb').first();
  await img.waitFor();
  await page.waitForFunction((el) => el.complete && el.naturalWidth === 160, await img.elementHandle());
}

test('a pasted screenshot reaches the other party as an inline image', async () => {
  // The organization: an admin, an agent and a requester, made through the API.
  const admin = await personPage(browser, problems, 'admin');
  const setup = await api(admin, 'POST', '/api/setup', {
    token: SETUP_TOKEN,
    organization: { name: 'Acme IT' },
    admin: { name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD },
  });
  const joinCode = setup.organization.join_code;
  const requester = await personPage(browser, problems, 'requester');
  await api(requester, 'POST', '/api/auth/register', { join_code: joinCode, name: 'Rita Requester', email: 'rita@acme.test', password: PASSWORD });
  const agent = await personPage(browser, problems, 'agent', { colorScheme: 'dark' });
  const { user } = await api(agent, 'POST', '/api/auth/register', { join_code: joinCode, name: 'Sam Agent', email: 'sam@acme.test', password: PASSWORD });
  await api(admin, 'PATCH', `/api/users/${user.id}`, { role: 'agent', tier: 1 });
  const { categories } = await api(requester, 'GET', '/api/categories');
  const other = categories.find((c) => c.name === 'Other') || categories[0];
  const { ticket } = await api(requester, 'POST', '/api/tickets', {
    category_id: other.id, title: TITLE, description: 'A red error box appears when Outlook starts.', priority: 'normal', answers: {},
  });

  // The requester (signed in by registering) pastes a screenshot into the reply box,
  // writes a line and sends.
  await requester.goto(`${server.url}/tickets/${ticket.number}`);
  await requester.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await requester.getByText(/Up to 25 MB each/).waitFor(); // the limit, before any upload
  await pasteImage(requester, screenshotPng());
  await requester.locator('.pending-file', { hasText: /screenshot-.*\.png/ }).waitFor();
  await requester.getByRole('textbox', { name: 'Reply' }).fill(REPLY);
  await shot(requester, 'attachments-pasted');
  await requester.getByRole('button', { name: 'Send reply' }).click();
  await requester.locator('.toast', { hasText: 'File attached.' }).first().waitFor();
  await requester.locator('.comment', { hasText: REPLY }).waitFor();
  await seesThumbnail(requester);
  assert.equal(await requester.locator('.pending-file').count(), 0, 'the sent file left the reply box');
  await shot(requester, 'attachments-sent');

  // The other party: the agent signs in again (to act with the new role), opens the
  // ticket (dark theme) and sees the image.
  await api(agent, 'POST', '/api/auth/logout');
  await signIn(agent, server, 'sam@acme.test', PASSWORD);
  await agent.goto(`${server.url}/tickets/${ticket.number}`);
  const reply = agent.locator('.comment', { hasText: REPLY });
  await reply.waitFor();
  await seesThumbnail(agent);
  const link = reply.locator('.attachment-image a');
  assert.match(await link.getAttribute('href'), /^\/api\/attachments\/\d+$/);
  await reply.getByText(/KB|B$/).first().waitFor();
  await shot(agent, 'attachments-agent-dark');

  // The same ticket at phone width.
  const phone = await personPage(browser, problems, 'requester-phone', { viewport: { width: 360, height: 780 } });
  await signIn(phone, server, 'rita@acme.test', PASSWORD);
  await phone.goto(`${server.url}/tickets/${ticket.number}`);
  await seesThumbnail(phone);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 360 px`);
  await shot(phone, 'attachments-phone');

  // The admin lowers the limit; the reply box says so before the next upload.
  await admin.goto(`${server.url}/admin/org`);
  await admin.getByLabel('Largest attachment (MB)').fill('10');
  await admin.getByRole('button', { name: 'Save limit' }).click();
  await admin.locator('.toast', { hasText: 'Attachment limit saved.' }).first().waitFor();
  await shot(admin, 'attachments-admin-limit');
  await phone.reload();
  await phone.getByText(/Up to 10 MB each/).waitFor();

  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
});
