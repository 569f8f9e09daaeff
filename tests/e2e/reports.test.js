// reports.test.js — an IT manager's look at the load, in a real browser: the demo admin
// opens Reports from the menu, reads the headline figures, changes the range to the last
// 7 days (the URL keeps it), reads a chart point by keyboard, opens a chart as a table and
// downloads its CSV, whose figures must equal the page's. Then the same dashboard in the
// dark theme and at 360 px, with screenshots of all four for a person to look at.
// Any console error, uncaught exception or CSP violation fails the run.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startServer, launchBrowser, personPage, signIn, shot } = require('./support.js');

const PASSWORD = 'demo-password-2024';

let server;
let browser;
const problems = [];

before(async () => {
  server = await startServer({ seedDemo: 300 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The rows of an RFC 4180 file without quoted separators (ours: dates and numbers). */
function csvRows(text) {
  assert.ok(text.endsWith('\r\n'), 'CRLF line ends');
  return text.trimEnd().split('\r\n').map((line) => line.split(','));
}

/** Today's date (YYYY-MM-DD) in IANA zone `zone`. */
function todayIn(zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

async function figure(page, label) {
  const dd = page.locator('.figure', { has: page.locator('dt', { hasText: label }) }).locator('.figure-value');
  return (await dd.textContent()).trim();
}

test('the admin reads the dashboard, narrows the range and downloads a chart as CSV', async () => {
  const page = await personPage(browser, problems, 'admin');
  await signIn(page, server, 'admin@demo.test', PASSWORD);
  // Reports count the organization's local days, not the browser's nor UTC's: put
  // the organization where today is not UTC's today (UTC+14 or UTC-12, whichever
  // differs now), so a range counted in UTC would show.
  const utcToday = new Date().toISOString().slice(0, 10);
  const zone = ['Pacific/Kiritimati', 'Etc/GMT+12'].find((z) => todayIn(z) !== utcToday);
  const moved = await page.request.fetch(`${server.url}/api/org`, { method: 'PATCH', data: { time_zone: zone }, headers: { 'Content-Type': 'application/json' } });
  assert.equal(moved.status(), 200, await moved.text());
  await page.getByRole('link', { name: 'Reports' }).first().click();
  await page.waitForURL((u) => u.pathname === '/reports');
  await page.getByRole('figure', { name: 'Tickets created and resolved per day' }).waitFor();
  await page.locator('#chart-volume svg').waitFor();

  // The headline figure is the API's, for the 30 days the page opened with.
  const summary = await (await page.request.get(`${server.url}/api/reports/summary`)).json();
  assert.equal(await figure(page, 'Created'), new Intl.NumberFormat('en-GB').format(summary.created));
  assert.ok(summary.created > 0, 'the demo has tickets in the last 30 days');
  assert.equal(summary.to, todayIn(zone), "the default range ends on the organization's today");
  await page.getByText(`Figures for ${summary.from} to ${summary.to} (days in ${zone})`).waitFor();
  await shot(page, 'reports-desktop-light');

  // Narrow to the last 7 days: the URL keeps the range and the chart has 7 days.
  await page.getByRole('button', { name: 'Last 7 days' }).click();
  await page.waitForURL((u) => {
    const from = u.searchParams.get('from');
    const to = u.searchParams.get('to');
    return from && to && (Date.parse(to) - Date.parse(from)) / 86400000 === 6;
  });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('to'), todayIn(zone), "the last 7 days end on the organization's today");
  await page.getByText(`Figures for ${url.searchParams.get('from')} to`).waitFor();
  const volume = page.locator('#chart-volume');
  await volume.getByText('Show as table').click();
  const rows = volume.locator('.chart-table tbody tr');
  assert.equal(await rows.count(), 7);

  // A keyboard user reads a day: focus the first day's column, then step right.
  await volume.locator('.chart-hit').first().focus();
  const readout = volume.locator('.chart-readout');
  assert.match(await readout.textContent(), new RegExp(`^${url.searchParams.get('from')}: Created \\d+, Resolved \\d+$`));
  await page.keyboard.press('ArrowRight');
  assert.match(await readout.textContent(), /^\d{4}-\d{2}-\d{2}: Created \d+, Resolved \d+$/);

  // The chart's CSV holds the same figures as its table.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download created per day (CSV)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^helpdesk-created-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = csvRows(fs.readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(csv[0], ['date', 'created']);
  const table = await rows.evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
  assert.deepEqual(csv.slice(1), table);
  const created = csv.slice(1).reduce((n, r) => n + Number(r[1]), 0);
  assert.equal(await figure(page, 'Created'), String(created), 'the file adds up to the headline figure');
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('the dashboard in the dark theme and at phone width', async () => {
  for (const [name, viewport, colorScheme] of [
    ['reports-desktop-dark', { width: 1280, height: 900 }, 'dark'],
    ['reports-360-light', { width: 360, height: 780 }, 'light'],
    ['reports-360-dark', { width: 360, height: 780 }, 'dark'],
  ]) {
    const page = await personPage(browser, problems, name, { viewport, colorScheme });
    await signIn(page, server, 'admin@demo.test', PASSWORD);
    await page.goto(`${server.url}/reports`);
    await page.locator('#chart-agent svg').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    await shot(page, name);
    await page.context().close();
  }
  // An agent sees the team and their own row, never a colleague's.
  const agent = await personPage(browser, problems, 'agent');
  await signIn(agent, server, 'agent1@demo.test', PASSWORD);
  await agent.goto(`${server.url}/reports`);
  await agent.locator('#chart-agent svg').waitFor();
  const names = await agent.locator('#chart-agent .chart-table tbody th').allTextContents();
  assert.ok(names.length <= 2 && names.includes('Unassigned'), `agent sees: ${names}`);
  assert.deepEqual(problems, [], problems.join('\n'));
});
