// story.test.js — the help desk's whole story in a real browser, in order:
// first-run setup -> the admin adds a category question and makes a registered user an
// agent -> a requester registers with the join code and files a ticket through the
// questionnaire -> the agent finds it in the queue, takes it, adds a task, writes an
// internal note and a public reply, escalates -> the admin re-assigns it -> the agent
// resolves it with a resolution log -> the requester sees the reply and the resolution,
// never the internal note, and reopens it. Then the requester's part again at 360 px.
// Any console error, uncaught exception or CSP violation fails the run.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launchBrowser, personPage, signIn, shot, focused, tabTo, SETUP_TOKEN } = require('./support.js');

const PASSWORD = 'correct horse battery staple';
const CATEGORY = 'Laptops and PCs';
const QUESTION = 'Which device is affected?';
const INTERNAL = 'Warranty ran out in March; check spare pool before ordering.';
const REPLY = 'Thanks for the report. We are swapping the power adapter today.';
const CAUSE = 'Faulty power adapter.';
const STEPS = 'Replaced the adapter with a spare from the pool and tested charging.';

let server;
let browser;
const problems = [];
const people = {};

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

async function expectToast(page, text) {
  await page.locator('.toast', { hasText: text }).first().waitFor();
}

async function register(page, joinCode, name, email) {
  await page.goto(`${server.url}/register`);
  await page.getByText('Ask your IT team for the join code').waitFor();
  await page.getByLabel('Join code').fill(joinCode);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Work e-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'My tickets', level: 1 }).waitFor();
}

async function fileTicket(page, title, shots) {
  await page.getByRole('link', { name: 'New ticket' }).first().click();
  await page.getByRole('heading', { name: 'New ticket', level: 1 }).waitFor();
  await page.getByLabel('What do you need help with?').selectOption({ label: CATEGORY });
  await page.getByText('Say which device and what you already tried.').waitFor();
  // Submitting without a title shows the error next to the title field.
  await page.getByRole('radio', { name: 'Laptop' }).check();
  await page.getByLabel('Description').fill('It stopped charging this morning. The light on the adapter is off.');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  await page.locator('[data-field="title"] .field-error').waitFor();
  if (shots) await shot(page, `${shots}-new-ticket-error`);
  await page.getByLabel('Title').fill(title);
  const contact = page.locator('.contact');
  assert.notEqual(await contact.getByLabel('E-mail').inputValue(), '', 'contact e-mail is pre-filled from the profile');
  await contact.getByLabel('Phone').fill('+49 30 1234567');
  if (shots) await shot(page, `${shots}-new-ticket`);
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  await page.waitForURL(/\/tickets\/\d+$/);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  return Number(new URL(page.url()).pathname.split('/').pop());
}

async function openFromQueue(page, title) {
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'All open' }).click();
  await page.getByLabel('Search').fill(title);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const row = page.locator('tr.ticket-row', { hasText: title });
  await row.waitFor();
  return row;
}

/** The agent's and admin's part on one ticket; shared by the desktop and phone runs. */
async function workTicket(number, title, shots) {
  const agent = people.agent;
  const row = await openFromQueue(agent, title);
  if (shots) await shot(agent, 'queue');
  await row.focus();
  await agent.keyboard.press('Enter');
  await agent.waitForURL(new RegExp(`/tickets/${number}$`));
  await agent.getByRole('button', { name: 'Take it' }).click();
  await expectToast(agent, 'You took this ticket.');
  await agent.locator('.details').getByText('Sam Agent').waitFor();

  // Staff add watchers through the search-as-you-type picker, by keyboard.
  // On the phone run the watcher is a requester, whom only GET /api/people can find.
  const [typed, watcher] = shots ? ['ada', 'Ada Admin'] : ['RITA@acme', 'Rita Requester'];
  const picker = agent.getByRole('combobox', { name: 'Add a watcher' });
  await picker.fill(typed);
  await agent.getByRole('listbox', { name: 'Add a watcher' }).getByRole('option', { name: new RegExp(watcher) }).waitFor();
  if (shots) await shot(agent, 'ticket-watcher-picker');
  await picker.press('Enter');
  await agent.locator('.watchers li', { hasText: watcher }).waitFor();

  await agent.getByLabel('New task').fill('Fetch a spare adapter');
  await agent.getByRole('button', { name: 'Add task' }).click();
  await agent.getByRole('checkbox', { name: 'Fetch a spare adapter' }).check();

  await agent.getByRole('radio', { name: 'Internal note' }).check();
  await agent.getByText('Internal note — not visible to the requester').first().waitFor();
  await agent.getByRole('textbox', { name: 'Internal note' }).fill(INTERNAL);
  await agent.getByRole('button', { name: 'Add internal note' }).click();
  await agent.locator('.comment-internal', { hasText: INTERNAL }).waitFor();

  await agent.getByRole('radio', { name: 'Public reply' }).check();
  await agent.getByRole('textbox', { name: 'Reply' }).fill(REPLY);
  await agent.getByRole('button', { name: 'Send reply' }).click();
  await agent.locator('.comment:not(.comment-internal)', { hasText: REPLY }).waitFor();

  await agent.getByText('Escalate…').click();
  await agent.getByLabel('Reason for escalating').fill('Needs a hardware order, tier 2 approves.');
  await agent.getByRole('button', { name: 'Escalate', exact: true }).click();
  await expectToast(agent, 'Ticket escalated.');
  await agent.locator('.ticket-head .badge.escalated').waitFor();
  if (shots) await shot(agent, 'ticket-agent');

  // The admin sees it among the escalated tickets and hands it back to Sam.
  const admin = people.admin;
  await admin.goto(`${server.url}/queue?view=escalated`);
  const escalatedRow = admin.locator('tr.ticket-row.row-escalated', { hasText: title });
  await escalatedRow.waitFor();
  if (shots) await shot(admin, 'queue-escalated');
  await escalatedRow.click();
  await admin.waitForURL(new RegExp(`/tickets/${number}$`));
  const assignee = admin.getByLabel('Assignee');
  const adaId = await assignee.locator('option', { hasText: 'Ada Admin' }).getAttribute('value');
  await assignee.selectOption(adaId);
  await admin.getByRole('button', { name: 'Apply changes' }).click();
  await admin.locator('.details').getByText('Ada Admin').waitFor();

  // Sam resolves it with the resolution log.
  await agent.reload();
  await agent.locator('.details').getByText('Ada Admin').waitFor();
  await agent.getByText('Resolve…').click();
  await agent.getByLabel('Cause').fill(CAUSE);
  await agent.getByLabel('Steps taken').fill(STEPS);
  await agent.getByRole('button', { name: 'Resolve ticket' }).click();
  await agent.locator('.resolution', { hasText: CAUSE }).waitFor();
  await agent.locator('.ticket-head .badge', { hasText: 'Resolved' }).waitFor();
  if (shots) await shot(agent, 'ticket-resolved-agent');
}

/** The requester reads the outcome and reopens. */
async function requesterReopens(page, number, title, prefix) {
  await page.goto(`${server.url}/`);
  const card = page.locator('.ticket-card', { hasText: title });
  await card.waitFor();
  await card.locator('.badge', { hasText: 'Resolved' }).waitFor();
  await shot(page, `${prefix}-home`);
  await card.getByRole('link').click();
  await page.waitForURL(new RegExp(`/tickets/${number}$`));
  await page.locator('.comment', { hasText: REPLY }).waitFor();
  await page.locator('.resolution', { hasText: STEPS }).waitFor();
  assert.equal(await page.locator('.comment-internal').count(), 0, 'requester sees no internal note');
  const text = await page.locator('body').innerText();
  assert.ok(!text.includes(INTERNAL), 'the internal note text never reaches the requester');
  assert.equal(await page.getByRole('radio', { name: 'Internal note' }).count(), 0, 'no internal note switch for requesters');
  assert.equal(await page.getByRole('combobox', { name: 'Add a watcher' }).count(), 0, 'requesters cannot add other watchers');
  assert.equal(await page.getByRole('button', { name: 'Edit ticket' }).count(), 0, 'no editing once the help desk acted');
  await shot(page, `${prefix}-ticket-resolved`);
  await page.getByRole('button', { name: 'Reopen ticket' }).click();
  await page.locator('.ticket-head .badge', { hasText: 'Open' }).waitFor();
  // The server may keep the log of a reopened ticket; then it must not read as current.
  if (await page.locator('.resolution').isVisible()) {
    await page.locator('.resolution h2', { hasText: 'Earlier resolution' }).waitFor();
  }
  // Reload and back/forward keep the screen.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.goBack();
  await page.locator('.ticket-card', { hasText: title }).waitFor();
  await page.goForward();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

test('the help desk story', async (t) => {
  let joinCode;
  let number;
  // When a step fails, the last screen of each person shows why.
  t.afterEach(async () => {
    for (const [who, page] of Object.entries(people)) await shot(page, `last-${who}`).catch(() => {});
  });

  await t.test('first-run setup creates the organization and its admin', async () => {
    const admin = (people.admin = await personPage(browser, problems, 'admin'));
    await admin.goto(`${server.url}/`);
    await admin.waitForURL(/\/setup/);
    await admin.goto(`${server.url}/setup?token=${SETUP_TOKEN}`);
    await admin.getByLabel('Organization name').fill('Acme Tools');
    await admin.getByLabel('Your name').fill('Ada Admin');
    await admin.getByLabel('Your e-mail').fill('ada@acme.test');
    await admin.getByLabel('Password').fill(PASSWORD);
    await shot(admin, 'setup');
    await admin.getByRole('button', { name: 'Create the help desk' }).click();
    await admin.waitForURL(/\/admin\/org$/);
    joinCode = (await admin.locator('#join-code').innerText()).trim();
    assert.ok(joinCode.length >= 4 && joinCode !== '—', `join code shown: ${joinCode}`);
    await shot(admin, 'admin-org');
    noProblems();
  });

  await t.test('the admin makes a category and adds a question to it', async () => {
    const admin = people.admin;
    await admin.getByRole('link', { name: 'Categories' }).click();
    await admin.getByRole('link', { name: 'New category' }).click();
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill(CATEGORY);
    await admin.getByLabel('Guidance').fill('Say which device and what you already tried.');
    await admin.getByRole('button', { name: 'Create category' }).click();
    await admin.getByRole('link', { name: CATEGORY }).click();
    await admin.getByRole('button', { name: 'Add question' }).click();
    await admin.getByRole('textbox', { name: 'Question 1' }).fill(QUESTION);
    await admin.getByLabel('Kind').selectOption('choice');
    await admin.getByLabel('Options, one per line').fill('Laptop\nDesktop\nDocking station');
    await admin.getByRole('checkbox', { name: 'Required' }).check();
    await shot(admin, 'admin-category-editor');
    await admin.getByRole('button', { name: 'Save category' }).click();
    await expectToast(admin, 'saved');
    await admin.locator('.ticket-card', { hasText: CATEGORY }).getByText('1 question').waitFor();
    noProblems();
  });

  await t.test('a registered user is made an agent by the admin', async () => {
    const agent = (people.agent = await personPage(browser, problems, 'agent'));
    await register(agent, joinCode, 'Sam Agent', 'sam@acme.test');
    const admin = people.admin;
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByLabel('Search people').fill('Sam');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await admin.getByLabel('Role of Sam Agent').selectOption('agent');
    await expectToast(admin, 'Sam Agent is now Agent');
    await shot(admin, 'admin-users');
    // A role change ends Sam's sessions (accounts rule); signing in again lands on the queue.
    await agent.goto(`${server.url}/queue`);
    await agent.waitForURL(/\/signin\?next=/);
    await agent.getByLabel('E-mail').fill('sam@acme.test');
    await agent.getByLabel('Password').fill(PASSWORD);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
    noProblems();
  });

  await t.test('a requester registers with the join code and files a ticket', async () => {
    const req = (people.requester = await personPage(browser, problems, 'requester'));
    await register(req, joinCode, 'Rita Requester', 'rita@acme.test');
    await req.getByText('No tickets yet.').waitFor();
    await shot(req, 'desktop-home-empty');
    number = await fileTicket(req, 'Laptop charges slowly', 'desktop');
    await req.locator('.answers').getByText('Laptop').waitFor();
    await shot(req, 'desktop-ticket-new');
    noProblems();
  });

  await t.test('the requester edits the ticket before the help desk acts', async () => {
    const req = people.requester;
    await req.getByRole('button', { name: 'Edit ticket' }).click();
    const title = req.getByRole('textbox', { name: 'Title' });
    // Cancel puts the request back unchanged.
    await title.fill('Something else');
    await req.getByRole('button', { name: 'Cancel' }).click();
    await req.getByRole('heading', { level: 1, name: 'Laptop charges slowly' }).waitFor();
    await req.getByRole('button', { name: 'Edit ticket' }).click();
    // An empty title is refused beside the field, and the answers are editable too.
    await title.fill('');
    await req.getByRole('button', { name: 'Save changes' }).click();
    await req.locator('.ticket-edit [data-field="title"] .field-error').waitFor();
    await title.fill('Laptop does not charge');
    await req.locator('.ticket-edit').getByRole('radio', { name: 'Docking station' }).check();
    await shot(req, 'desktop-ticket-edit');
    await req.getByRole('button', { name: 'Save changes' }).click();
    await expectToast(req, 'Ticket updated.');
    await req.getByRole('heading', { level: 1, name: 'Laptop does not charge' }).waitFor();
    await req.locator('.answers').getByText('Docking station').waitFor();
    noProblems();
  });

  await t.test('the agent works the ticket, the admin re-assigns, the agent resolves', async () => {
    await workTicket(number, 'Laptop does not charge', true);
    noProblems();
  });

  await t.test('the queue by keyboard: every control reachable, sorting, per page in the URL', async () => {
    const agent = people.agent;
    await agent.goto(`${server.url}/queue?view=open`);
    await agent.getByText('Showing all tickets that are still open').waitFor();
    // The story's ticket is resolved by now: only "any status" lists it.
    await agent.getByLabel('Status', { exact: true }).selectOption('all');
    await agent.getByText('Showing all tickets in any status').waitFor();
    await agent.locator('tr.ticket-row').first().waitFor();
    await agent.getByRole('link', { name: 'All open' }).focus();
    const walk = await tabTo(agent, (f) => f.what.startsWith('tr'));
    const stops = walk.map((f) => f.what).join(' | ');
    for (const want of ['Search', 'Status', 'Priority', 'Category', 'Per page', 'Number', 'button Updated']) {
      assert.ok(stops.includes(want), `Tab reaches ${want}: ${stops}`);
    }
    // Sortable headers are buttons; Enter and Space flip the order and focus stays put.
    await agent.getByRole('button', { name: 'Priority' }).focus();
    await agent.keyboard.press('Enter');
    await agent.locator('th[aria-sort="descending"]', { hasText: 'Priority' }).waitFor();
    assert.match((await focused(agent)).what, /button Priority/);
    await agent.keyboard.press('Space');
    await agent.locator('th[aria-sort="ascending"]', { hasText: 'Priority' }).waitFor();
    await agent.waitForURL(/sort=priority&dir=asc/);
    await agent.getByLabel('Per page').selectOption('10');
    await agent.waitForURL(/per_page=10/);
    await agent.reload();
    await agent.getByText('Showing all tickets in any status').waitFor();
    assert.equal(await agent.getByLabel('Per page').inputValue(), '10', 'per page survives a reload');
    await agent.locator('th[aria-sort="ascending"]', { hasText: 'Priority' }).waitFor();
    noProblems();
  });

  await t.test('the requester sees reply and resolution, not the note, and reopens', async () => {
    await requesterReopens(people.requester, number, 'Laptop does not charge', 'desktop');
    noProblems();
  });

  await t.test('a ticket filed with the keyboard alone, focus always visible', async () => {
    const kim = await personPage(browser, problems, 'keyboard');
    await register(kim, joinCode, 'Kim Keys', 'kim@acme.test');
    const is = (text) => (f) => f.what.includes(text);
    await tabTo(kim, is('Ask IT for help'));
    await kim.keyboard.press('Enter');
    await kim.getByRole('heading', { name: 'New ticket', level: 1 }).waitFor();
    await tabTo(kim, is('What do you need help with?'));
    await kim.keyboard.type('Laptops'); // type-ahead picks the category in a closed select
    await kim.getByText('Say which device and what you already tried.').waitFor();
    await tabTo(kim, (f) => f.what.startsWith('input') && f.what.includes('Laptop'));
    await kim.keyboard.press('Space');
    await tabTo(kim, is('Title'));
    await kim.keyboard.type('Keyboard only: laptop will not wake');
    await tabTo(kim, is('Description'));
    await kim.keyboard.type('Closing and opening the lid does nothing.');
    await tabTo(kim, is('Submit ticket'));
    await kim.keyboard.press('Enter');
    await kim.waitForURL(/\/tickets\/\d+$/);
    await kim.getByRole('heading', { level: 1, name: 'Keyboard only: laptop will not wake' }).waitFor();
    await kim.locator('.answers').getByText('Laptop').waitFor();
    await kim.context().close();
    noProblems();
  });

  await t.test('errors people understand: server unreachable, then a session that ends', async () => {
    const page = await personPage(browser, problems, 'errors', { offline: true });
    await signIn(page, server, 'rita@acme.test', PASSWORD);
    const card = page.locator('.ticket-card', { hasText: 'Laptop does not charge' });
    await card.waitFor();
    // Cut the API off: the screen that cannot load says why, and a banner stays up.
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await card.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Cannot reach the help desk' }).waitFor();
    await page.locator('.offline-banner', { hasText: 'The help desk server cannot be reached' }).waitFor();
    await shot(page, 'offline');
    // Back again: the page notices by itself and shows the ticket.
    await page.unroute('**/api/**');
    await page.getByRole('heading', { level: 1, name: 'Laptop does not charge' }).waitFor();
    await page.locator('.offline-banner').waitFor({ state: 'hidden' });
    // The session ends mid-visit (cookie gone): the next action leads to sign-in and back here.
    const here = new URL(page.url()).pathname;
    await page.context().clearCookies();
    await page.getByRole('textbox', { name: 'Reply' }).fill('Is anyone there?');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.waitForURL(/\/signin\?next=/);
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    await page.getByLabel('E-mail').fill('rita@acme.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === here);
    await page.getByRole('heading', { level: 1, name: 'Laptop does not charge' }).waitFor();
    await page.context().close();
    noProblems();
  });

  await t.test('the dark theme: home, queue and ticket page', async () => {
    // Screenshots for a person to look at; the checks are the page loading without
    // console errors and the internal note keeping its own look.
    const dark = { colorScheme: 'dark' };
    const req = await personPage(browser, problems, 'dark-requester', dark);
    await signIn(req, server, 'rita@acme.test', PASSWORD);
    await req.locator('.ticket-card').first().waitFor();
    await shot(req, 'dark-home');
    await req.goto(`${server.url}/tickets/${number}`);
    await req.locator('.comment', { hasText: REPLY }).waitFor();
    await shot(req, 'dark-ticket-requester');
    const agent = await personPage(browser, problems, 'dark-agent', dark);
    await signIn(agent, server, 'sam@acme.test', PASSWORD);
    await agent.goto(`${server.url}/queue?status=all`);
    await agent.locator('tr.ticket-row').first().waitFor();
    await shot(agent, 'dark-queue');
    await agent.goto(`${server.url}/tickets/${number}`);
    await agent.locator('.comment-internal', { hasText: INTERNAL }).waitFor();
    await agent.getByRole('radio', { name: 'Internal note' }).check();
    await agent.getByRole('textbox', { name: 'Internal note' }).focus();
    await agent.keyboard.press('Shift+Tab');
    await shot(agent, 'dark-ticket-agent');
    // A close look at a focus ring on a form control and on a primary button.
    await agent.getByLabel('Assignee').focus();
    assert.ok((await focused(agent)).ring, 'the focused select shows a ring in the dark theme');
    await agent.locator('.actions-card').screenshot({ path: `${__dirname}/screenshots/dark-focus-select.png` });
    await agent.getByRole('button', { name: 'Add internal note' }).focus();
    assert.ok((await focused(agent)).ring, 'the focused button shows a ring in the dark theme');
    await agent.locator('.reply-box').screenshot({ path: `${__dirname}/screenshots/dark-focus-button.png` });
    const bg = await agent.locator('.comment-internal').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    const plain = await agent.locator('.comment:not(.comment-internal)').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(bg, plain, 'the internal note looks different in the dark theme too');
    await req.context().close();
    await agent.context().close();
    noProblems();
  });

  await t.test('the requester part again at 360 px wide', async () => {
    const phone = await personPage(browser, problems, 'phone', { viewport: { width: 360, height: 740 } });
    await register(phone, joinCode, 'Pat Phone', 'pat@acme.test');
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'My tickets' }).waitFor();
    await shot(phone, 'phone-menu');
    await phone.getByRole('button', { name: 'Menu' }).click();
    const phoneNumber = await fileTicket(phone, 'Docking station flickers', null);
    await shot(phone, 'phone-ticket-new');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 360, `no sideways scrolling at 360 px (page is ${overflow} px wide)`);
    await workTicket(phoneNumber, 'Docking station flickers', false);
    await requesterReopens(phone, phoneNumber, 'Docking station flickers', 'phone');
    noProblems();
  });
});
