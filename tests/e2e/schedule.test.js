// schedule.test.js — who works when, in a real browser: the admin sets a week of hours
// for an agent on the Schedules page (a mistake first: overlapping shifts are refused
// beside the shift), adds time off; the agent sees "Who's on now" and flips the header
// switch to Away and back; a ticket waits while they are away. Setup goes through the API to keep the run short; the screens
// are driven like a person would, and shot at desktop and 360 px, light and dark.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launchBrowser, personPage, pageApi, signIn, shot, SETUP_TOKEN } = require('./support.js');

const PASSWORD = 'correct horse battery staple';
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

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

function noProblems() {
  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
}

const api = (page, method, path, data) => pageApi(page, server, method, path, data);

test('schedules and the Available / Away switch', async (t) => {
  const admin = await personPage(browser, problems, 'admin');
  const agent = await personPage(browser, problems, 'agent');
  let agentId;

  await t.test('setup through the API: a desk in Berlin with one agent', async () => {
    const setup = await api(admin, 'POST', '/api/setup', {
      token: SETUP_TOKEN,
      organization: { name: 'Acme Tools' },
      admin: { name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD },
    });
    const joined = await api(agent, 'POST', '/api/auth/register', {
      join_code: setup.organization.join_code, name: 'Sam Agent', email: 'sam@acme.test', password: PASSWORD,
    });
    agentId = joined.user.id;
    await api(admin, 'PATCH', `/api/users/${agentId}`, { role: 'agent' });
  });

  await t.test('the admin sets the time zone on the organization page', async () => {
    await admin.goto(`${server.url}/admin/org`);
    const zone = admin.getByRole('textbox', { name: 'Time zone' });
    await zone.fill('Mars/Olympus');
    await admin.getByRole('button', { name: 'Save assignment settings' }).click();
    await admin.locator('[data-field="time_zone"] .field-error', { hasText: 'Unknown time zone' }).waitFor();
    await zone.fill('Europe/Berlin');
    await admin.getByRole('button', { name: 'Save assignment settings' }).click();
    await admin.locator('.toast', { hasText: 'Assignment settings saved.' }).first().waitFor();
    assert.equal((await api(admin, 'GET', '/api/org')).organization.time_zone, 'Europe/Berlin');
    await shot(admin, 'admin-org-assignment');
    noProblems();
  });

  await t.test('the admin sets a week of hours for the agent, fixing an overlap first', async () => {
    await admin.goto(`${server.url}/admin/users`);
    await admin.getByRole('link', { name: 'Schedules' }).click();
    await admin.getByLabel('Person').selectOption({ label: 'Sam Agent' });
    await admin.getByRole('heading', { name: 'Weekly hours of Sam Agent' }).waitFor();
    await admin.getByText('Times are in Europe/Berlin').waitFor();
    for (const day of WEEKDAYS) {
      await admin.getByRole('button', { name: `Add hours on ${day}` }).click();
      await admin.getByLabel(`${day} shift 1 starts`).fill('08:00');
      await admin.getByLabel(`${day} shift 1 ends`).fill('17:00');
    }
    // A night shift from Saturday into Sunday, and a Monday shift that overlaps.
    await admin.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await admin.getByLabel('Saturday shift 1 starts').fill('22:00');
    await admin.getByLabel('Saturday shift 1 ends').fill('06:00');
    await admin.getByRole('button', { name: 'Add hours on Monday' }).click();
    await admin.getByLabel('Monday shift 2 starts').fill('16:00');
    await admin.getByLabel('Monday shift 2 ends').fill('18:00');
    await admin.getByLabel('Most open tickets at once').fill('5');
    await admin.getByRole('button', { name: 'Save schedule' }).click();
    const error = admin.locator('[data-field="hours.mon.1"] .field-error');
    await error.waitFor();
    assert.match(await error.innerText(), /overlaps/);
    await shot(admin, 'schedule-overlap-error');
    await admin.getByRole('button', { name: 'Remove Monday shift 2' }).click();
    await admin.getByRole('button', { name: 'Save schedule' }).click();
    await admin.locator('.toast', { hasText: 'Schedule saved.' }).first().waitFor();
    const { schedule } = await api(admin, 'GET', `/api/users/${agentId}/schedule`);
    assert.deepEqual(schedule.hours.mon, [['08:00', '17:00']]);
    assert.deepEqual(schedule.hours.fri, [['08:00', '17:00']]);
    assert.deepEqual(schedule.hours.sat, [['22:00', '06:00']]);
    assert.deepEqual(schedule.hours.sun, []);
    assert.equal(schedule.cap, 5);

    await admin.getByLabel('From').fill('2026-12-21T00:00');
    await admin.getByLabel('Until').fill('2027-01-04T00:00');
    await admin.getByLabel('Reason').fill('Winter leave');
    await admin.getByRole('button', { name: 'Add time off' }).click();
    await admin.locator('.time-off-item', { hasText: '2026-12-21 00:00 – 2027-01-04 00:00' }).waitFor();
    await shot(admin, 'schedules-desktop');
    await admin.setViewportSize({ width: 360, height: 800 });
    await shot(admin, 'schedules-360');
    noProblems();
  });

  await t.test('the agent sees who is on and flips to Away and back', async () => {
    await signIn(agent, server, 'sam@acme.test', PASSWORD);
    await agent.goto(`${server.url}/team`);
    await agent.getByRole('heading', { name: 'Who’s on now', level: 1 }).waitFor();
    await agent.locator('.person-card', { hasText: 'Sam Agent' }).waitFor();
    const toggle = agent.getByRole('switch');
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    assert.equal((await toggle.innerText()).trim(), 'Available');
    await shot(agent, 'team-desktop');
    await toggle.click();
    await agent.locator('.toast', { hasText: 'You are Away' }).first().waitFor();
    assert.equal(await toggle.getAttribute('aria-checked'), 'false');
    assert.equal((await toggle.innerText()).trim(), 'Away');
    assert.equal((await api(agent, 'GET', '/api/me')).available, false);
    await agent.getByRole('button', { name: 'Refresh' }).click();
    await agent.locator('.team-away .person-card', { hasText: 'Sam Agent' }).waitFor();
    await shot(agent, 'team-away');
    // The keyboard works it too, and focus stays on the switch.
    await toggle.focus();
    await agent.keyboard.press('Enter');
    await agent.locator('.toast', { hasText: 'You are Available' }).first().waitFor();
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    assert.equal(await agent.evaluate(() => document.activeElement?.getAttribute('role')), 'switch');
    assert.equal((await api(agent, 'GET', '/api/me')).available, true);
    noProblems();
  });

  await t.test('a ticket waits while the agent is Away and comes to them when they are back', async () => {
    const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
    await api(admin, 'PUT', `/api/users/${agentId}/schedule`, { hours: week });
    const { organization } = await api(admin, 'GET', '/api/org');
    const rita = await personPage(browser, problems, 'requester');
    await api(rita, 'POST', '/api/auth/register', { join_code: organization.join_code, name: 'Rita Requester', email: 'rita@acme.test', password: PASSWORD });
    const { categories } = await api(rita, 'GET', '/api/categories');
    const other = categories.find((c) => c.name === 'Other');
    await agent.getByRole('switch').click();
    await agent.locator('.toast', { hasText: 'You are Away' }).first().waitFor();
    const filed = await api(rita, 'POST', '/api/tickets', { category_id: other.id, title: 'Projector in room 2 is dark', description: 'It shows no picture.', answers: {} });
    const n = filed.ticket.number;
    await agent.goto(`${server.url}/tickets/${n}`);
    await agent.locator('.badge.waiting', { hasText: 'Waiting for an agent' }).waitFor();
    await agent.locator('.assignment-note', { hasText: 'Sam Agent: switched to Away' }).waitFor();
    await shot(agent, 'ticket-waiting');
    await agent.getByRole('switch').click();
    await agent.locator('.toast', { hasText: '1 waiting ticket was assigned to you' }).first().waitFor();
    await agent.reload();
    await agent.locator('.details', { hasText: '· assigned automatically' }).waitFor();
    await agent.locator('.assignment-note', { hasText: 'Assigned automatically to Sam Agent: on shift around the clock, 0 open.' }).waitFor();
    await shot(agent, 'ticket-assigned-automatically');
    noProblems();
  });

  await t.test('dark theme and phone width', async () => {
    const dark = await personPage(browser, problems, 'agent-dark', { colorScheme: 'dark', viewport: { width: 360, height: 800 } });
    await signIn(dark, server, 'sam@acme.test', PASSWORD);
    await dark.goto(`${server.url}/team`);
    await dark.locator('.person-card', { hasText: 'Sam Agent' }).waitFor();
    await shot(dark, 'team-dark-360');
    await dark.getByRole('button', { name: 'Menu' }).click();
    await dark.getByRole('switch').waitFor();
    await shot(dark, 'menu-switch-dark-360');
    await dark.goto(`${server.url}/schedule`);
    await dark.getByRole('heading', { name: 'My schedule', level: 1 }).waitFor();
    await shot(dark, 'my-schedule-dark-360');
    const darkAdmin = await personPage(browser, problems, 'admin-dark', { colorScheme: 'dark' });
    await signIn(darkAdmin, server, 'ada@acme.test', PASSWORD);
    await darkAdmin.goto(`${server.url}/admin/schedules?user=${agentId}`);
    await darkAdmin.getByRole('heading', { name: 'Weekly hours of Sam Agent' }).waitFor();
    await shot(darkAdmin, 'schedules-dark-desktop');
    noProblems();
  });
});
