// kb.test.js — the knowledge base's story in a real browser: an agent resolves a
// ticket, publishes it as an article from the ticket page (editor with toolbar and live
// preview), then a requester types a similar problem into a new ticket, sees the article
// suggested, and presses "This solved it" (no ticket is filed). The header search finds
// the ticket and the article. Screenshots at desktop and 360 px, light and dark. Any
// console error, uncaught exception or CSP violation fails the run.
//
// The accounts and the first ticket are made through the API (the main story covers
// those screens); everything the issue is about happens on screen.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launchBrowser, personPage, pageApi, shot, SETUP_TOKEN } = require('./support.js');

const PASSWORD = 'correct horse battery staple';
const TITLE = 'Outlook keeps asking for my password';
const CAUSE = 'A stale mail profile on the old phone kept failing sign-ins.';
const STEPS = 'Removed the old phone profile, unlocked the account, signed in again.';

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

const call = (page, method, path, data) => pageApi(page, server, method, path, data);

async function person(who, opts) {
  const page = await personPage(browser, problems, who, opts);
  await page.goto(`${server.url}/signin`);
  return page;
}

async function login(page, email) {
  await call(page, 'POST', '/api/auth/login', { email, password: PASSWORD });
}

test('an article published from a resolved ticket is suggested to a requester typing a similar problem', async () => {
  // Setup through the API: an admin, an agent, a requester, one ticket.
  const admin = await person('admin');
  const setup = await call(admin, 'POST', '/api/setup', {
    token: SETUP_TOKEN,
    organization: { name: 'Acme IT' },
    admin: { name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD },
  });
  const joinCode = setup.organization.join_code;
  const agent = await person('agent');
  const { user: sam } = await call(agent, 'POST', '/api/auth/register', { join_code: joinCode, name: 'Sam Agent', email: 'sam@acme.test', password: PASSWORD });
  await call(admin, 'PATCH', `/api/users/${sam.id}`, { role: 'agent', tier: 1 });
  await login(agent, 'sam@acme.test');
  const rita = await person('requester');
  await call(rita, 'POST', '/api/auth/register', { join_code: joinCode, name: 'Rita Requester', email: 'rita@acme.test', password: PASSWORD });
  const { categories } = await call(rita, 'GET', '/api/categories');
  const other = categories.find((c) => c.name === 'Other');
  const { ticket } = await call(rita, 'POST', '/api/tickets', {
    category_id: other.id, title: TITLE, description: 'Every few minutes Outlook shows the password prompt again.', priority: 'normal', answers: {},
  });

  // The agent resolves the ticket on screen, then publishes it as an article.
  await agent.goto(`${server.url}/tickets/${ticket.number}`);
  await agent.getByRole('heading', { name: 'Knowledge base' }).waitFor();
  assert.equal(await agent.getByRole('button', { name: 'Publish as article' }).isVisible(), false, 'only a resolved ticket can be published');
  await agent.getByText('Resolve…').click();
  await agent.getByLabel('Cause').fill(CAUSE);
  await agent.getByLabel('Steps taken').fill(STEPS);
  await agent.getByRole('button', { name: 'Resolve ticket' }).click();
  await agent.locator('.ticket-head .badge', { hasText: 'Resolved' }).waitFor();
  await agent.getByRole('button', { name: 'Publish as article' }).click();
  await agent.waitForURL(/\/articles\/\d+\/edit$/);
  await agent.getByRole('heading', { name: 'Edit article', level: 1 }).waitFor();
  assert.equal(await agent.getByLabel('Title').inputValue(), TITLE);
  const body = agent.getByRole('textbox', { name: 'Article' });
  assert.match(await body.inputValue(), /## Cause\n\nA stale mail profile/);
  // The preview is rendered by the server beside the text.
  await agent.locator('.md-preview h2', { hasText: 'Cause' }).waitFor();
  // The toolbar wraps a selection; the shortcut does the same.
  await body.press('End');
  await body.press('Control+End');
  await body.pressSequentially('\nCall the desk if it comes back. ');
  await agent.getByRole('button', { name: /^Bold/ }).click();
  await agent.locator('.md-preview strong', { hasText: 'bold text' }).waitFor();
  await agent.getByLabel('Who can read it').selectOption('everyone');
  await agent.getByLabel('Status').selectOption('published');
  await shot(agent, 'kb-editor-desktop-light');
  await agent.getByRole('button', { name: 'Save article' }).click();
  await agent.waitForURL(/\/articles\/\d+$/);
  await agent.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
  await agent.locator('.article-body strong', { hasText: 'bold text' }).waitFor();
  await agent.locator('.revision', { hasText: 'Revision 2' }).waitFor();
  await shot(agent, 'kb-article-desktop-light');

  // The header search finds the ticket and the article, words marked.
  await agent.getByRole('searchbox', { name: 'Find tickets and articles' }).fill('outlook passw');
  await agent.getByRole('searchbox', { name: 'Find tickets and articles' }).press('Enter');
  await agent.waitForURL(/\/search\?q=/);
  await agent.locator('.search-hit.hit-article mark', { hasText: 'Outlook' }).first().waitFor();
  await agent.locator('.search-hit.hit-ticket', { hasText: `#${ticket.number}` }).waitFor();
  await shot(agent, 'kb-search-desktop-light');

  // The requester types a similar problem and sees the article suggested.
  await rita.goto(`${server.url}/tickets/new`);
  await rita.getByRole('heading', { name: 'New ticket', level: 1 }).waitFor();
  await rita.getByLabel('Title').pressSequentially('outlook asks for the password', { delay: 20 });
  const suggestion = rita.locator('.suggestions .suggestion', { hasText: TITLE });
  await suggestion.waitFor();
  assert.equal(await rita.locator('.suggestions .suggestion').count(), 1);
  await shot(rita, 'kb-suggest-desktop-light');
  const before = (await call(rita, 'GET', '/api/tickets')).total;
  await suggestion.getByRole('button', { name: 'This solved it' }).click();
  await rita.locator('.toast', { hasText: 'No ticket was filed.' }).first().waitFor();
  await rita.waitForURL(/\/articles\/\d+$/);
  await rita.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
  assert.equal((await call(rita, 'GET', '/api/tickets')).total, before, 'no ticket was filed');
  const { articles } = await call(rita, 'GET', '/api/articles');
  assert.equal(articles[0].solved_count, 1);

  // At phone width, in the dark theme: the suggestion and the stacked editor.
  const phone = await person('requester-phone', { viewport: { width: 360, height: 800 }, colorScheme: 'dark' });
  await login(phone, 'rita@acme.test');
  await phone.goto(`${server.url}/tickets/new`);
  await phone.getByLabel('Description').pressSequentially('my outlook password prompt', { delay: 10 });
  await phone.locator('.suggestions .suggestion', { hasText: TITLE }).waitFor();
  await shot(phone, 'kb-suggest-360-dark');
  const agentPhone = await person('agent-phone', { viewport: { width: 360, height: 800 }, colorScheme: 'dark' });
  await login(agentPhone, 'sam@acme.test');
  await agentPhone.goto(`${server.url}/articles/new`);
  await agentPhone.getByRole('textbox', { name: 'Article' }).fill('# Heading\n\n- one\n- two\n\n> a quote');
  await agentPhone.locator('.md-preview li', { hasText: 'two' }).waitFor();
  const [input, preview] = await Promise.all([
    agentPhone.locator('.md-input').boundingBox(),
    agentPhone.locator('.md-preview-pane').boundingBox(),
  ]);
  assert.ok(preview.y >= input.y + input.height - 1, 'the preview is stacked under the text at phone width');
  await shot(agentPhone, 'kb-editor-360-dark');
  // The draft survives a reload.
  await agentPhone.waitForTimeout(500);
  await agentPhone.reload();
  await agentPhone.getByText('Your unsaved draft was restored.').waitFor();
  assert.match(await agentPhone.getByRole('textbox', { name: 'Article' }).inputValue(), /a quote/);
  const desktopDark = await person('agent-dark', { colorScheme: 'dark' });
  await login(desktopDark, 'sam@acme.test');
  await desktopDark.goto(`${server.url}/search?q=${encodeURIComponent('"mail profile"')}`);
  await desktopDark.locator('.search-hit mark').first().waitFor();
  await shot(desktopDark, 'kb-search-desktop-dark');
  const ritaPhone = phone;
  await ritaPhone.goto(`${server.url}/articles`);
  await ritaPhone.getByRole('link', { name: TITLE }).waitFor();
  await shot(ritaPhone, 'kb-list-360-dark');

  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
});
