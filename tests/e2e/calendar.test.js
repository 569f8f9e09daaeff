// calendar.test.js — the staff calendar in a real browser: an agent schedules a visit
// from a ticket (the form comes prefilled), sees it in the week view, moves it, meets a
// clash and books anyway, and cancels it; the requester sees only "Visit scheduled" on
// their ticket. Setup goes through the API; screens are shot at desktop and 360 px,
// light and dark.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launchBrowser, personPage, pageApi, shot, SETUP_TOKEN } = require('./support.js');

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

function noProblems() {
  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
}

const api = (page, method, path, data) => pageApi(page, server, method, path, data);

/** Tomorrow in Berlin as YYYY-MM-DD (the desk's zone, whatever the machine's). */
function tomorrow() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test('scheduling a visit from a ticket, moving it and cancelling it', async (t) => {
  const agent = await personPage(browser, problems, 'agent');
  const requester = await personPage(browser, problems, 'requester');
  const day = tomorrow();
  let number;

  await t.test('setup through the API: a desk in Berlin, an agent who works every day, a ticket', async () => {
    const setup = await api(agent, 'POST', '/api/setup', {
      token: SETUP_TOKEN,
      organization: { name: 'Acme Tools' },
      admin: { name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD },
    });
    await api(agent, 'PATCH', '/api/org', { time_zone: 'Europe/Berlin' });
    const every = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((k) => [k, [['07:00', '20:00']]]));
    await api(agent, 'PUT', `/api/users/${setup.user.id}/schedule`, { hours: every });
    await api(requester, 'POST', '/api/auth/register', {
      join_code: setup.organization.join_code, name: 'Rita Requester', email: 'rita@acme.test', password: PASSWORD,
    });
    const cats = await api(requester, 'GET', '/api/categories');
    const other = cats.categories.find((c) => c.name === 'Other');
    const { ticket } = await api(requester, 'POST', '/api/tickets', {
      category_id: other.id, title: 'Printer on floor 3 jams', description: 'Every page.', priority: 'normal', answers: {},
    });
    number = ticket.number;
  });

  await t.test('the agent schedules a visit from the ticket; the form comes prefilled', async () => {
    await agent.goto(`${server.url}/tickets/${number}`);
    await agent.getByRole('heading', { name: 'Appointments' }).waitFor();
    await agent.getByRole('link', { name: 'Schedule' }).click();
    await agent.getByRole('heading', { name: 'New appointment' }).waitFor();
    assert.equal(await agent.getByLabel('Title').inputValue(), 'Printer on floor 3 jams');
    assert.equal(await agent.getByLabel('Ticket number').inputValue(), String(number));
    assert.ok(await agent.getByLabel('The requester sees the date and time on their ticket').isChecked());
    await agent.getByLabel('Starts').fill(`${day}T10:00`);
    await agent.getByLabel('Ends').fill(`${day}T10:30`);
    await agent.getByLabel('Location').fill('Floor 3, by the window');
    await agent.getByRole('button', { name: 'Save' }).click();
    await agent.locator('.toast', { hasText: 'Appointment booked.' }).first().waitFor();
    noProblems();
  });

  await t.test('it shows in the week view, and keys switch views', async () => {
    await agent.getByRole('button', { name: 'Week' }).click();
    const block = agent.locator(`.cal-col[data-day="${day}"] .cal-block`, { hasText: 'Printer on floor 3 jams' });
    await block.waitFor();
    assert.match(await block.innerText(), /10:00/);
    await shot(agent, 'calendar-week-desktop-light');
    await agent.locator('.cal-body').focus();
    await agent.keyboard.press('m');
    await agent.locator('.cal-month').waitFor();
    await agent.keyboard.press('a');
    await agent.locator('.cal-agenda').waitFor();
    await agent.keyboard.press('w');
    await agent.locator('.cal-columns.days-7').waitFor();
    noProblems();
  });

  await t.test('the agent moves it to the afternoon', async () => {
    await agent.locator('.cal-block', { hasText: 'Printer on floor 3 jams' }).click();
    await agent.getByRole('heading', { name: 'Appointment', exact: true }).waitFor();
    await agent.getByLabel('Starts').fill(`${day}T14:00`);
    await agent.getByLabel('Ends').fill(`${day}T14:30`);
    await agent.getByRole('button', { name: 'Save' }).click();
    await agent.locator('.toast', { hasText: 'Appointment saved.' }).first().waitFor();
    const block = agent.locator(`.cal-col[data-day="${day}"] .cal-block`, { hasText: 'Printer on floor 3 jams' });
    await agent.waitForFunction((d) => document.querySelector(`.cal-col[data-day="${d}"] .cal-block .cal-time`)?.textContent === '14:00', day);
    assert.match(await block.innerText(), /14:00/);
  });

  await t.test('a clashing booking lists the conflict and can be booked anyway', async () => {
    await agent.getByRole('button', { name: 'New appointment' }).click();
    await agent.getByLabel('Title').fill('Team call');
    await agent.getByLabel('Starts').fill(`${day}T14:15`);
    await agent.getByLabel('Ends').fill(`${day}T15:00`);
    await agent.getByRole('button', { name: 'Save' }).click();
    await agent.locator('.appt-conflicts', { hasText: 'already has “Printer on floor 3 jams” then' }).waitFor();
    await shot(agent, 'calendar-conflict-desktop-light');
    await agent.getByRole('button', { name: 'Book anyway' }).click();
    await agent.locator('.cal-block', { hasText: 'Team call' }).waitFor();
    noProblems();
  });

  await t.test('the requester sees only when the visit is', async () => {
    await requester.goto(`${server.url}/tickets/${number}`);
    const visit = requester.locator('.visit');
    await visit.waitFor();
    assert.match(await visit.innerText(), /^Visit scheduled: \w{3} \d{1,2} \w{3}, 14:00-14:30$/);
    assert.equal(await requester.getByRole('link', { name: 'Calendar' }).count(), 0, 'no calendar link');
    assert.equal(await requester.getByText('Floor 3, by the window').count(), 0, 'nothing else of it');
    await shot(requester, 'ticket-visit-requester');
    noProblems();
  });

  await t.test('shots at phone width and in the dark theme', async () => {
    for (const [name, viewport, colorScheme, view] of [
      ['calendar-week-desktop-dark', { width: 1280, height: 900 }, 'dark', 'week'],
      ['calendar-day-phone-light', { width: 360, height: 780 }, 'light', 'day'],
      ['calendar-day-phone-dark', { width: 360, height: 780 }, 'dark', 'day'],
      ['calendar-agenda-phone-dark', { width: 360, height: 780 }, 'dark', 'agenda'],
      ['calendar-month-desktop-dark', { width: 1280, height: 900 }, 'dark', 'month'],
    ]) {
      await agent.setViewportSize(viewport);
      await agent.emulateMedia({ colorScheme });
      await agent.goto(`${server.url}/calendar?view=${view}&date=${day}&who=me`);
      await agent.locator('.cal-appt', { hasText: 'Team call' }).first().waitFor();
      const overflow = await agent.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
      await shot(agent, name);
    }
    await agent.setViewportSize({ width: 1280, height: 900 });
    await agent.emulateMedia({ colorScheme: 'light' });
    noProblems();
  });

  await t.test('the agent turns on the calendar feed on the profile and a calendar app can read it', async () => {
    await agent.goto(`${server.url}/profile`);
    await agent.getByRole('heading', { name: 'Calendar feed' }).waitFor();
    await agent.getByRole('button', { name: 'Make an address' }).click();
    const address = agent.getByRole('textbox', { name: 'Calendar feed address' });
    await address.waitFor();
    const url = await address.inputValue();
    assert.match(url, /\/cal\/hdc_[0-9a-f]{64}\.ics$/);
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type'), /^text\/calendar/);
    const text = await feed.text();
    assert.match(text, /SUMMARY:Printer on floor 3 jams\r\n/);
    await shot(agent, 'profile-calendar-feed');
    await agent.getByRole('button', { name: 'Make a new address' }).click();
    await agent.waitForFunction((old) => document.querySelector('.feed-url')?.value !== old, url);
    assert.equal((await fetch(url)).status, 404, 'the old address ends');
    noProblems();
  });

  await t.test('the agent cancels it; it leaves the calendar and the requester’s ticket', async () => {
    await agent.goto(`${server.url}/calendar?view=week&date=${day}&who=me`);
    await agent.locator('.cal-block', { hasText: 'Printer on floor 3 jams' }).click();
    await agent.locator('.appt-form').getByRole('button', { name: 'Cancel appointment' }).click();
    await agent.getByRole('dialog').getByRole('button', { name: 'Cancel appointment' }).click();
    await agent.locator('.toast', { hasText: 'Appointment cancelled.' }).first().waitFor();
    await agent.waitForFunction(() => ![...document.querySelectorAll('.cal-block')].some((b) => b.textContent.includes('Printer on floor 3 jams')));
    await requester.reload();
    await requester.getByRole('heading', { name: 'Printer on floor 3 jams' }).waitFor();
    assert.equal(await requester.locator('.visit').count(), 0);
    await agent.goto(`${server.url}/tickets/${number}`);
    await agent.locator('.visit.cancelled').waitFor();
    await shot(agent, 'ticket-appointments-staff');
    noProblems();
  });
});
