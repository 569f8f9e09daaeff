// notify.test.js — the notification bell in a real browser: a requester sits on her home
// page while an agent replies to her ticket (by API, as another browser would); the bell
// in her header counts up live, without a reload. She opens it, sees the reply grouped
// under its ticket, marks it read, and the count goes away; opening a ticket reads its
// notifications too. Also: the bell works by
// keyboard (Escape closes it and gives focus back) and at phone width in the dark theme.

'use strict';

const { test, before, after } = require('node:test');
const net = require('node:net');
const assert = require('node:assert/strict');
const { startServer, launchBrowser, personPage, signIn, apiCall, shot, SETUP_TOKEN } = require('./support.js');

const PASSWORD = 'correct horse battery staple';
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

/** A JSON call as a script would make it; returns [status, body, cookie]. */
const call = (method, path, body, cookie) => apiCall(server, method, path, body, cookie);

/** A loopback port nothing listens on (bound, then released). */
function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

test('the bell counts up live when an agent replies, lists the reply by ticket and marks it read', async () => {
  const [s1, setup, admin] = await call('POST', '/api/setup', {
    token: SETUP_TOKEN,
    organization: { name: 'Acme IT' },
    admin: { name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD },
  });
  assert.equal(s1, 201);
  const code = setup.organization.join_code;
  const [s2, , rita] = await call('POST', '/api/auth/register', { join_code: code, name: 'Rita Requester', email: 'rita@acme.test', password: PASSWORD });
  assert.equal(s2, 201);
  const [, cats] = await call('GET', '/api/categories', undefined, rita);
  const other = cats.categories.find((c) => c.name === 'Other');
  const [s3, filed] = await call('POST', '/api/tickets', { category_id: other.id, title: 'Printer on floor 2 is offline', description: 'It shows an error light.', priority: 'normal', answers: {} }, rita);
  assert.equal(s3, 201);
  const number = filed.ticket.number;

  const page = await personPage(browser, problems, 'rita');
  await signIn(page, server, 'rita@acme.test', PASSWORD);
  const bell = page.getByRole('button', { name: /^Notifications/ });
  await bell.waitFor();
  assert.equal(await bell.getAttribute('aria-expanded'), 'false');
  await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor(); // nothing unread yet

  // The admin replies (the person who acted hears nothing; Rita does, live).
  const [s4] = await call('POST', `/api/tickets/${number}/comments`, { body: 'A technician is on the way.', internal: false }, admin);
  assert.equal(s4, 201);
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  assert.equal(await page.locator('.bell-count').textContent(), '1');

  // Open it by keyboard: the reply is listed under its ticket and links to it.
  await bell.focus();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('region', { name: 'Notifications' });
  await panel.waitFor();
  await panel.getByRole('link', { name: `#${number} Printer on floor 2 is offline` }).waitFor();
  await panel.getByRole('link', { name: /Ada Admin replied: A technician is on the way\./ }).waitFor();
  await shot(page, 'notify-bell-open');

  // Escape closes it and focus goes back to the bell.
  await page.keyboard.press('Escape');
  assert.equal(await panel.isHidden(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('bell')), true);

  // Mark it read: the count goes away.
  await bell.click();
  await panel.getByRole('button', { name: /^Mark read:/ }).click();
  await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
  assert.equal(await page.locator('.bell-count').isHidden(), true);

  // A second reply counts up again; "Mark all read" clears it.
  const [s5] = await call('POST', `/api/tickets/${number}/comments`, { body: 'Fixed: a paper jam.', internal: false }, admin);
  assert.equal(s5, 201);
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  await panel.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

  // A third reply; its link opens the ticket, and opening the ticket reads it.
  const [s6] = await call('POST', `/api/tickets/${number}/comments`, { body: 'Please confirm it prints.', internal: false }, admin);
  assert.equal(s6, 201);
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  if (await panel.isHidden()) await bell.click();
  await panel.getByRole('link', { name: /Please confirm it prints/ }).click();
  await page.waitForURL((u) => u.pathname === `/tickets/${number}`);
  await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

  // At phone width, in the dark theme, the bell stays in the header next to Menu.
  const phone = await personPage(browser, problems, 'rita-phone', { viewport: { width: 360, height: 740 }, colorScheme: 'dark' });
  await signIn(phone, server, 'rita@acme.test', PASSWORD);
  const phoneBell = phone.getByRole('button', { name: /^Notifications/ });
  await phoneBell.click();
  await phone.getByRole('region', { name: 'Notifications' }).getByRole('link', { name: /Fixed: a paper jam/ }).waitFor();
  const box = await phone.locator('.bell-panel').boundingBox();
  assert.ok(box && box.width <= 360 && box.x >= 0, `the panel fits the phone: ${JSON.stringify(box)}`);
  await shot(phone, 'notify-bell-phone-dark');

  assert.deepEqual(problems, []);
});

test('an admin sets the relay, a failing test e-mail is explained in words, and people choose their notifications', async () => {
  // The first test set up Acme IT; Ada signs in.
  const page = await personPage(browser, problems, 'ada');
  await signIn(page, server, 'ada@acme.test', PASSWORD);
  await page.goto(`${server.url}/admin/mail`);
  await page.getByRole('heading', { name: 'E-mail relay (SMTP)' }).waitFor();
  await page.getByText('E-mail is off: no relay is set.').waitFor();
  await page.getByLabel('SMTP host').fill('127.0.0.1');
  await page.getByLabel('Security').selectOption('none');
  await page.getByLabel('Port').fill(String(await closedPort()));
  await page.getByLabel('Password').fill('relay-secret');
  await page.getByLabel('Sender').fill('Acme IT <desk@acme.test>');
  await page.getByRole('button', { name: 'Save relay' }).click();
  await page.getByText(/^E-mail goes through 127\.0\.0\.1:\d+\.$/).waitFor();
  assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is never shown');
  await page.getByText('A password is saved. Leave this empty to keep it.').waitFor();

  await page.getByRole('button', { name: 'Send a test e-mail' }).click();
  await page.locator('.form-message', { hasText: 'Could not talk to the relay' }).waitFor();
  await page.getByText('The relay failed').waitFor();
  await shot(page, 'notify-admin-mail');

  // The organization's defaults, on the same screen.
  const defaults = page.getByRole('region', { name: 'Default notifications' });
  await defaults.getByRole('checkbox', { name: 'Status changes: by e-mail' }).uncheck();
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await page.getByText('Defaults saved.').waitFor();

  // Rita's profile shows the default, and her own choice sticks.
  const rita = await personPage(browser, problems, 'rita-prefs');
  await signIn(rita, server, 'rita@acme.test', PASSWORD);
  await rita.goto(`${server.url}/profile`);
  const prefs = rita.getByRole('region', { name: 'Notifications' });
  const statusMail = prefs.getByRole('checkbox', { name: 'Status changes: by e-mail' });
  assert.equal(await statusMail.isChecked(), false);
  await prefs.getByRole('checkbox', { name: 'Replies on my tickets and tickets I watch: in the bell' }).uncheck();
  await prefs.getByRole('button', { name: 'Save notifications' }).click();
  await rita.getByText('Notification choices saved.').waitFor();
  await rita.reload();
  await rita.getByRole('region', { name: 'Notifications' }).getByRole('checkbox', { name: 'Replies on my tickets and tickets I watch: in the bell' }).waitFor();
  assert.equal(await rita.getByRole('region', { name: 'Notifications' }).getByRole('checkbox', { name: 'Replies on my tickets and tickets I watch: in the bell' }).isChecked(), false);

  // "Forgot password" never says whether an address has an account.
  const anon = await personPage(browser, problems, 'anon');
  await anon.goto(`${server.url}/signin`);
  await anon.getByRole('link', { name: 'Forgot your password?' }).click();
  await anon.getByLabel('E-mail').fill('nobody@acme.test');
  await anon.getByRole('button', { name: 'Send me a link' }).click();
  await anon.getByText('If nobody@acme.test has an account, a link is on its way.', { exact: false }).waitFor();

  assert.deepEqual(problems, []);
});
