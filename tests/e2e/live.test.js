// live.test.js — live chat and live pages in a real browser, two people at once:
// a requester starts "Chat with IT now" from their home page, which files a ticket and
// opens the chat in its own small window; an agent opens the same chat; each sees the
// other typing and the other's messages without reloading; the requester's second tab
// (the ticket page) updates too, through the one stream the browser shares between its
// tabs. Screenshots of the chat window at phone width in the dark theme, and of the
// ticket page with the Chat button.

'use strict';

const { test, before, after } = require('node:test');
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

/** An organization with an admin, an agent (Alan) and a requester (Rita), by API. */
async function organization() {
  const [s1, setup, admin] = await call('POST', '/api/setup', {
    token: SETUP_TOKEN,
    organization: { name: 'Acme IT' },
    admin: { name: 'Ada Admin', email: 'ada@acme.test', password: PASSWORD },
  });
  assert.equal(s1, 201);
  const code = setup.organization.join_code;
  for (const [name, email] of [['Alan Agent', 'alan@acme.test'], ['Rita Requester', 'rita@acme.test']]) {
    const [s] = await call('POST', '/api/auth/register', { join_code: code, name, email, password: PASSWORD });
    assert.equal(s, 201);
  }
  const [, users] = await call('GET', '/api/users', undefined, admin);
  const alan = users.users.find((u) => u.email === 'alan@acme.test');
  const [s2] = await call('PATCH', `/api/users/${alan.id}`, { role: 'agent', tier: 1 }, admin);
  assert.equal(s2, 200);
}

test('a requester and an agent chat live, in its own window, and a second tab follows', async () => {
  await organization();
  const rita = await personPage(browser, problems, 'rita');
  const alan = await personPage(browser, problems, 'alan');
  await signIn(rita, server, 'rita@acme.test', PASSWORD);
  await signIn(alan, server, 'alan@acme.test', PASSWORD);
  await alan.goto(`${server.url}/queue`);
  await alan.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  await alan.getByText('No tickets match.').waitFor();

  // "Chat with IT now" files a ticket and opens the chat in a window of its own.
  await rita.getByRole('heading', { name: 'Chat with IT now' }).waitFor();
  await rita.getByLabel('About').selectOption({ label: 'Other' });
  await rita.getByLabel('Your first message').fill('My second monitor stays black since this morning.');
  const [chat] = await Promise.all([
    rita.context().waitForEvent('page'),
    rita.getByRole('button', { name: 'Start chat' }).click(),
  ]);
  chat.on('pageerror', (err) => problems.push(`[rita chat] uncaught: ${err.message}`));
  await chat.waitForURL(/\/tickets\/1\/chat\?popup=1$/);
  await chat.locator('.chat-message', { hasText: 'My second monitor stays black' }).waitFor();
  assert.equal(await chat.locator('.site-header').isVisible(), false, 'the chat window has no site navigation');

  // Rita's home, still open in the first tab, gains the new ticket by itself.
  await rita.locator('.ticket-card', { hasText: 'My second monitor stays black' }).waitFor();

  // The agent's queue gains the row by itself.
  await alan.locator('tr.ticket-row', { hasText: 'My second monitor stays black' }).waitFor();

  // The agent opens the same chat as an ordinary page.
  await alan.goto(`${server.url}/tickets/1/chat`);
  await alan.locator('.chat-message', { hasText: 'My second monitor stays black' }).waitFor();
  await chat.getByText('Here now: Alan Agent').waitFor();

  // Typing shows on the other side, then the message arrives, without a reload.
  await alan.getByRole('textbox', { name: 'Message' }).pressSequentially('On my way');
  await chat.getByText('Alan Agent is typing…').waitFor();
  await alan.getByRole('button', { name: 'Send' }).click();
  await chat.locator('.chat-message', { hasText: 'On my way' }).waitFor();
  await chat.getByText('Alan Agent is typing…').waitFor({ state: 'detached' }).catch(() => {});

  // Rita's first tab goes to the ticket page: the same stream serves both tabs.
  await rita.goto(`${server.url}/tickets/1`);
  await rita.locator('.comment', { hasText: 'On my way' }).waitFor();

  await chat.getByRole('textbox', { name: 'Message' }).pressSequentially('Thanks, I am at desk 4.');
  await alan.getByText('Rita Requester is typing…').waitFor();
  await chat.getByRole('textbox', { name: 'Message' }).press('Enter');
  await alan.locator('.chat-message', { hasText: 'Thanks, I am at desk 4.' }).waitFor();
  await rita.locator('.comment', { hasText: 'Thanks, I am at desk 4.' }).waitFor();

  await alan.getByRole('textbox', { name: 'Message' }).fill('Found a spare cable.');
  await alan.getByRole('textbox', { name: 'Message' }).press('Enter');
  await chat.locator('.chat-message', { hasText: 'Found a spare cable.' }).waitFor();
  await rita.locator('.comment', { hasText: 'Found a spare cable.' }).waitFor();

  // Staff turn a chat message into an internal note: it leaves the requester's chat.
  await alan.locator('.chat-message', { hasText: 'On my way' }).getByRole('button', { name: 'Make internal note' }).click();
  await alan.getByRole('dialog').getByRole('button', { name: 'Make internal', exact: true }).click();
  await alan.locator('.chat-message.comment-internal', { hasText: 'On my way' }).waitFor();
  await chat.locator('.chat-message', { hasText: 'On my way' }).waitFor({ state: 'detached' });
  await rita.locator('.comment', { hasText: 'On my way' }).waitFor({ state: 'detached' });

  // The agent's ticket page has the Chat button and typing from the reply box.
  await alan.goto(`${server.url}/tickets/1`);
  await alan.getByRole('link', { name: 'Chat' }).waitFor();
  // Typing signals are throttled (one per person and ticket every 2 s), so type for a while.
  await alan.getByRole('textbox', { name: 'Reply' }).pressSequentially('Swapping the cable now, one moment', { delay: 100 });
  await chat.getByText('Alan Agent is typing…').waitFor();
  await shot(alan, 'live-ticket-chat-button');

  // Phone width, dark theme: the chat window still fits.
  await chat.emulateMedia({ colorScheme: 'dark' });
  await chat.setViewportSize({ width: 360, height: 640 });
  await shot(chat, 'live-chat-360-dark');
  await rita.emulateMedia({ colorScheme: 'dark' });
  await rita.setViewportSize({ width: 360, height: 740 });
  await rita.goto(server.url);
  await rita.getByRole('heading', { name: 'Chat with IT now' }).waitFor();
  await rita.locator('.ticket-card', { hasText: 'Found a spare cable.' }).waitFor();
  await shot(rita, 'live-home-360-dark');
  await alan.setViewportSize({ width: 440, height: 640 });
  await alan.goto(`${server.url}/tickets/1/chat?popup=1`);
  await alan.locator('.chat-message', { hasText: 'Found a spare cable.' }).waitFor();
  await shot(alan, 'live-chat-agent-popup');

  // A reply written in the ticket page's Markdown editor reads as formatted text in
  // the chat too (the server's sanitised html), never as raw asterisks.
  await alan.goto(`${server.url}/tickets/1`);
  await alan.getByRole('textbox', { name: 'Reply' }).fill('Cable **swapped**, try again');
  await alan.getByRole('button', { name: 'Send reply' }).click();
  const formatted = chat.locator('.chat-message', { hasText: 'try again' });
  await formatted.locator('strong', { hasText: 'swapped' }).waitFor();
  assert.doesNotMatch(await formatted.textContent(), /\*\*/, 'no raw Markdown in the chat');

  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
});

test('a lost live connection shows a quiet banner; a session ended elsewhere sends the tab to sign-in', async () => {
  const page = await personPage(browser, problems, 'rita again');
  await signIn(page, server, 'rita@acme.test', PASSWORD);
  await page.getByRole('heading', { name: 'My tickets', level: 1 }).waitFor();
  await page.waitForFunction(() => !document.querySelector('.live-banner') || document.querySelector('.live-banner').hidden);
  // The session ends from elsewhere (a script signs it out): the server closes its
  // stream, and the browser cannot reconnect. The check of who is signed in is slowed
  // down here so the banner can be seen before the tab moves on.
  await page.route('**/api/me', async (route) => {
    await new Promise((r) => setTimeout(r, 2000));
    await route.continue();
  });
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const [status] = await call('POST', '/api/auth/logout', {}, cookie);
  assert.equal(status, 204);
  const banner = page.locator('.live-banner');
  await banner.waitFor({ state: 'visible' });
  assert.match(await banner.textContent(), /reconnecting/);
  await shot(page, 'live-banner');
  await page.waitForURL(/\/signin/);
  await page.getByText('Your session has ended').waitFor();
  assert.equal(await banner.isVisible(), false, 'the banner goes with the stream');
  assert.deepEqual(problems, [], `browser reported problems:\n${problems.join('\n')}`);
});
