// dayone.test.js — day-one stories in a real browser, kept short (CI time is
// limited): an admin deletes a ticket after typing its number, a requester
// withdraws an untouched one after confirming, a requester rates a resolved one, and
// an admin inserts a canned reply into the reply box. The desk is set up through the API
// (the main story covers the screens for that). Any console error, uncaught
// exception or CSP violation fails the run.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launchBrowser, personPage, signIn, shot, SETUP_TOKEN } = require('./support.js');

const PASSWORD = 'correct horse battery staple';

let server;
let browser;
const problems = [];
let joinCode;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const r = await call('POST', '/api/setup', {
    token: SETUP_TOKEN,
    organization: { name: 'Day One IT' },
    admin: { name: 'Ada Admin', email: 'ada@dayone.test', password: PASSWORD },
  });
  joinCode = r.organization.join_code;
  await call('POST', '/api/auth/register', { join_code: joinCode, name: 'Rita Requester', email: 'rita@dayone.test', password: PASSWORD });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** One API call from outside the browser, as a fresh visitor (no cookie kept). */
async function call(method, path, body, cookie) {
  const headers = { 'Content-Type': 'application/json' };
  if (cookie) headers.Cookie = cookie;
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  const data = text ? JSON.parse(text) : null;
  if (data && res.headers.get('set-cookie')) data.cookie = res.headers.get('set-cookie').split(';')[0];
  return data;
}

/** Rita raises a ticket through the API and gets its number. */
async function raise(title) {
  const { cookie } = await call('POST', '/api/auth/login', { email: 'rita@dayone.test', password: PASSWORD });
  const { categories } = await call('GET', '/api/categories', undefined, cookie);
  const other = categories.find((c) => c.name === 'Other') || categories[0];
  const { ticket } = await call('POST', '/api/tickets', { category_id: other.id, title, description: 'It happened again.', answers: {} }, cookie);
  return ticket.number;
}

function noProblems() {
  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
}

test('an admin deletes a ticket only after typing its number', async () => {
  const n = await raise('Duplicate of the printer ticket');
  const admin = await personPage(browser, problems, 'admin');
  await signIn(admin, server, 'ada@dayone.test', PASSWORD);
  await admin.goto(`${server.url}/tickets/${n}`);
  await admin.getByText('Delete ticket…').click();
  await admin.getByLabel(`Type ${n} to confirm`).fill(String(n + 1));
  await admin.getByRole('button', { name: 'Delete ticket' }).click();
  await admin.getByText(`Type ${n} to confirm.`, { exact: true }).waitFor();
  await shot(admin, 'dayone-delete-confirm');
  await admin.getByLabel(`Type ${n} to confirm`).fill(String(n));
  await admin.getByRole('button', { name: 'Delete ticket' }).click();
  await admin.waitForURL(/\/queue/);
  await admin.locator('.toast', { hasText: `#${n} deleted` }).waitFor();
  await admin.goto(`${server.url}/tickets/${n}`);
  await admin.getByRole('heading', { name: 'Not found' }).waitFor();
  noProblems();
  await admin.context().close();
});

test('a requester withdraws an untouched ticket after confirming', async () => {
  const n = await raise('Wrong category, sorry');
  const rita = await personPage(browser, problems, 'rita', { viewport: { width: 360, height: 800 } });
  await signIn(rita, server, 'rita@dayone.test', PASSWORD);
  await rita.goto(`${server.url}/tickets/${n}`);
  await rita.getByRole('button', { name: 'Withdraw ticket' }).click();
  await rita.getByRole('dialog').getByText('Withdraw this ticket?').waitFor();
  await shot(rita, 'dayone-withdraw-360');
  await rita.getByRole('dialog').getByRole('button', { name: 'Withdraw ticket' }).click();
  await rita.locator('.toast', { hasText: `#${n} withdrawn` }).waitFor();
  const res = await fetch(`${server.url}/api/tickets/${n}`);
  assert.equal(res.status, 401);
  noProblems();
  await rita.context().close();
});

test('a requester rates a resolved ticket and staff see the rating', async () => {
  const n = await raise('Docking station not detected');
  const { cookie: adminCookie } = await call('POST', '/api/auth/login', { email: 'ada@dayone.test', password: PASSWORD });
  await call('POST', `/api/tickets/${n}/status`, { status: 'resolved', resolution: { cause: 'Old firmware', steps: 'Updated the dock firmware' } }, adminCookie);
  const rita = await personPage(browser, problems, 'rita');
  await signIn(rita, server, 'rita@dayone.test', PASSWORD);
  await rita.goto(`${server.url}/tickets/${n}`);
  await rita.getByText('How did we do?').waitFor();
  await rita.getByRole('button', { name: 'Send rating' }).click();
  await rita.getByText('Choose good or bad.').waitFor();
  await rita.getByLabel('Good').check();
  await rita.getByLabel('Comment (optional)').fill('Sorted in ten minutes');
  await rita.getByRole('button', { name: 'Send rating' }).click();
  await rita.locator('.toast', { hasText: 'Thank you for rating' }).waitFor();
  assert.equal(await rita.getByText('How did we do?').count(), 0, 'the form goes once rated');
  await shot(rita, 'dayone-rated');
  const { ticket } = await call('GET', `/api/tickets/${n}`, undefined, adminCookie);
  assert.equal(ticket.rating.rating, 'good');
  assert.equal(ticket.rating.comment, 'Sorted in ten minutes');
  noProblems();
  await rita.context().close();
});

test('an admin saves a shared canned reply and inserts it, filled in, from the reply box', async () => {
  const n = await raise('Cannot print to the third floor');
  const admin = await personPage(browser, problems, 'admin');
  await signIn(admin, server, 'ada@dayone.test', PASSWORD);
  await admin.goto(`${server.url}/profile`);
  await admin.getByLabel('Title').fill('Printer driver');
  await admin.getByLabel('Reply text').fill('Hi {{requester.name}}, ticket #{{ticket.number}}: reinstall the driver. {{agent.name}}');
  await admin.getByLabel('Shared with every agent').check();
  await admin.getByRole('button', { name: 'Save reply' }).click();
  await admin.locator('.toast', { hasText: 'Canned reply saved' }).waitFor();
  await admin.goto(`${server.url}/tickets/${n}`);
  await admin.getByLabel('Reply', { exact: true }).fill('Thanks. ');
  await admin.getByRole('button', { name: 'Insert canned reply' }).click();
  await admin.getByLabel('Filter canned replies').fill('driv');
  await admin.getByRole('option', { name: /Printer driver/ }).waitFor();
  await shot(admin, 'dayone-canned-picker');
  await admin.getByLabel('Filter canned replies').press('Enter');
  const text = await admin.getByLabel('Reply', { exact: true }).inputValue();
  assert.equal(text, `Thanks. Hi Rita Requester, ticket #${n}: reinstall the driver. Ada Admin`);
  noProblems();
  await admin.context().close();
});
