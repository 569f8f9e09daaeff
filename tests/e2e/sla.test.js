// sla.test.js — SLAs in the browser, kept small: an admin sets round-the-clock hours,
// three tickets get due times (one computed, one set by hand in the past, one set by
// hand 30 minutes ahead), and the queue sorted by due time shows "Overdue" and
// "At risk" as words; the ticket page shows the Service level card; the admin screen
// names a bad time zone beside its field and sets, shows and removes a category's own
// targets. Screenshots at desktop width, 360 px and dark.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launchBrowser, personPage, shot, SETUP_TOKEN } = require('./support.js');

const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;

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

async function call(page, method, path, data) {
  const r = await page.request.fetch(`${server.url}${path}`, { method, data: data ?? {}, headers: { 'Content-Type': 'application/json' } });
  assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.json();
}

test('SLA due times on the ticket page and at-risk and overdue labels in the queue', async (t) => {
  const admin = await personPage(browser, problems, 'admin');
  await call(admin, 'POST', '/api/setup', {
    token: SETUP_TOKEN,
    organization: { name: 'Acme Tools' },
    admin: { name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD },
  });
  const all = [['00:00', '24:00']];
  await call(admin, 'PUT', '/api/business-hours', {
    hours: { mon: all, tue: all, wed: all, thu: all, fri: all, sat: all, sun: all },
    holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
    time_zone: 'Europe/Berlin',
  });
  const { categories } = await call(admin, 'GET', '/api/categories');
  const other = categories.find((c) => c.name === 'Other');
  const raise = async (title, priority) =>
    (await call(admin, 'POST', '/api/tickets', { category_id: other.id, title, description: 'Please help.', priority, answers: {} })).ticket.number;
  const computed = await raise('Mail server down', 'urgent');
  const late = await raise('Printer jammed since Monday', 'normal');
  const close = await raise('VPN drops every hour', 'urgent');
  await call(admin, 'PUT', `/api/tickets/${late}/sla`, { resolution_due: Date.now() - 5 * MINUTE });
  await call(admin, 'PUT', `/api/tickets/${close}/sla`, { resolution_due: Date.now() + 30 * MINUTE });

  await t.test('the queue sorted by due time says Overdue and At risk in words', async () => {
    await admin.goto(`${server.url}/queue?sort=due&dir=asc`);
    const rows = admin.locator('tbody tr.ticket-row');
    await rows.first().waitFor();
    assert.match(await rows.nth(0).innerText(), /Printer jammed[\s\S]*Overdue/);
    assert.match(await rows.nth(1).innerText(), /VPN drops[\s\S]*At risk/);
    assert.match(await rows.nth(2).innerText(), /Mail server down/);
    await shot(admin, 'sla-queue');
    await admin.getByLabel('SLA').selectOption('at_risk');
    await admin.waitForURL(/sla=at_risk/);
    await admin.locator('tbody tr.ticket-row', { hasText: 'VPN drops' }).waitFor();
    assert.equal(await admin.locator('tbody tr.ticket-row').count(), 1);
  });

  await t.test('the ticket page shows both due times and the business time left', async () => {
    await admin.goto(`${server.url}/tickets/${computed}`);
    const card = admin.locator('.sla-card');
    await card.getByRole('heading', { name: 'Service level' }).waitFor();
    const text = await card.innerText();
    assert.match(text, /First response[\s\S]*Due .*of business time left/);
    assert.match(text, /Resolution[\s\S]*Due /);
    await shot(admin, 'sla-ticket');
  });

  await t.test('the admin screen names a bad time zone beside its field', async () => {
    await admin.goto(`${server.url}/admin/sla`);
    await admin.getByLabel('Time zone').fill('Mars/Olympus');
    await admin.getByRole('button', { name: 'Save hours and holidays' }).click();
    await admin.locator('[data-field="time_zone"].invalid').waitFor();
    await shot(admin, 'sla-admin');
  });

  await t.test('an admin sets, sees and removes a category override', async () => {
    await admin.goto(`${server.url}/admin/sla`);
    await admin.getByRole('button', { name: 'Add a category override' }).click();
    await admin.locator('.category-override').getByLabel('Category').selectOption({ label: 'Other' });
    await admin.getByLabel('Urgent: first response', { exact: true }).fill('30');
    await admin.getByRole('button', { name: 'Save targets' }).click();
    await admin.getByText('SLA targets saved').waitFor();
    await admin.reload();
    const box = admin.getByLabel('Urgent: first response', { exact: true });
    await box.waitFor();
    assert.equal(await box.inputValue(), '30');
    await shot(admin, 'sla-admin-category');
    const { sla } = await call(admin, 'GET', '/api/sla');
    assert.deepEqual(sla.categories.map((c) => [c.name, c.targets.urgent.first_response]), [['Other', 30]]);
    await admin.getByRole('button', { name: 'Remove the override for Other' }).click();
    await admin.getByText('No category has targets of its own.').waitFor();
    const saved = admin.waitForResponse((r) => r.url().endsWith('/api/sla') && r.request().method() === 'PUT');
    await admin.getByRole('button', { name: 'Save targets' }).click();
    assert.equal((await saved).status(), 200);
    assert.deepEqual((await call(admin, 'GET', '/api/sla')).sla.categories, []);
  });

  await t.test('at 360 px and in the dark theme', async () => {
    for (const [name, options] of [['360', { viewport: { width: 360, height: 780 } }], ['dark', { colorScheme: 'dark' }]]) {
      const page = await personPage(browser, problems, `admin-${name}`, options);
      await call(page, 'POST', '/api/auth/login', { email: 'ada@acme.test', password: PASSWORD });
      await page.goto(`${server.url}/queue?sort=due&dir=asc`);
      await page.locator('tbody tr.ticket-row', { hasText: 'Overdue' }).waitFor();
      await shot(page, `sla-queue-${name}`);
      await page.goto(`${server.url}/tickets/${late}`);
      await page.locator('.sla-card').getByText('Due time set by hand.').waitFor();
      await shot(page, `sla-ticket-${name}`);
      await page.goto(`${server.url}/admin/sla`);
      await page.getByRole('heading', { name: 'SLA targets' }).waitFor();
      await shot(page, `sla-admin-${name}`);
      await page.context().close();
    }
  });

  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
});
