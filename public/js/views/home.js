// views/home.js — a requester's start page: their own tickets and the ones they watch,
// each with its status, the last reply and when it last changed, and "Chat with IT now"
// (a category and a first message open a live chat).

import { h, replace, busy, formMessage, nextId, showFormError } from '../dom.js';
import { statusBadge, timeEl, escalatedBadge, isStaff as staff } from '../format.js';

export class HomeView {
  constructor({ user }) {
    this.user = user;
    this.mine = h('div', { class: 'ticket-cards', 'aria-busy': 'true' }, h('p', { class: 'loading', text: 'Loading your tickets…' }));
    this.watched = h('div', { class: 'ticket-cards' });
    this.watchedSection = h('section', { hidden: true, 'aria-labelledby': 'watched-heading' }, h('h2', { id: 'watched-heading', text: 'Tickets I watch' }), this.watched);
    this.el = h(
      'div',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', { text: staff(user) ? 'My requests' : 'My tickets' }),
        h('a', { href: '/tickets/new', class: 'button primary', text: 'New ticket' }),
      ),
      // Staff have two lists that sound alike: say which one this is.
      staff(user)
        ? h('p', { class: 'hint', text: 'Tickets you raised yourself, and the ones you watch. Tickets assigned to you to work on are in the Queue, under "My tickets".' })
        : null,
      this.chatSlot = h('div'),
      h('section', { 'aria-labelledby': 'mine-heading' }, h('h2', { id: 'mine-heading', class: 'visually-hidden', text: 'Tickets I opened' }), this.mine),
      this.watchedSection,
    );
  }

  /** The "Chat with IT now" card: a category and a first message. */
  showChatStarter(categories) {
    const catId = nextId('chat-cat');
    const msgId = nextId('chat-msg');
    this.chatMessage = formMessage();
    this.chatCategory = h('select', { id: catId, name: 'category_id', required: true }, categories.map((c) => h('option', { value: String(c.id), text: c.name })));
    this.chatText = h('textarea', { id: msgId, name: 'message', rows: 2, required: true, placeholder: 'What do you need help with?' });
    this.chatSubmit = h('button', { type: 'submit', class: 'primary', text: 'Start chat' });
    this.chatForm = h(
      'form',
      { class: 'chat-starter stack', novalidate: true },
      this.chatMessage.el,
      h('div', { class: 'field', dataset: { field: 'category_id' } }, h('label', { for: catId, text: 'About' }), this.chatCategory),
      h('div', { class: 'field', dataset: { field: 'message' } }, h('label', { for: msgId, text: 'Your first message' }), this.chatText),
      h('div', { class: 'actions' }, this.chatSubmit),
    );
    replace(
      this.chatSlot,
      h(
        'section',
        { class: 'card chat-start', 'aria-labelledby': 'chat-start-heading' },
        h('h2', { id: 'chat-start-heading', text: 'Chat with IT now' }),
        h('p', { class: 'muted', text: 'Talk to the help desk in a small chat window. Your chat is saved as a ticket, so nothing gets lost.' }),
        this.chatForm,
      ),
    );
  }

  bindStartChat(handler) {
    this.chatForm?.addEventListener('submit', (e) => {
      e.preventDefault();
      this.chatMessage.clear();
      const message = this.chatText.value.trim();
      if (!message) {
        this.chatMessage.show('Type your first message.');
        this.chatText.focus();
        return;
      }
      busy(this.chatSubmit, 'Starting…', async () => {
        const ok = await handler({ category_id: Number(this.chatCategory.value), message });
        if (ok) this.chatText.value = '';
      });
    });
  }

  showChatError(error) {
    showFormError(this.chatForm, this.chatMessage, error);
  }

  render(tickets) {
    const mine = tickets.filter((t) => t.requester?.id === this.user.id);
    const watched = tickets.filter((t) => t.requester?.id !== this.user.id);
    this.mine.removeAttribute('aria-busy');
    if (!mine.length) {
      replace(
        this.mine,
        h(
          'div',
          { class: 'empty' },
          h('p', { class: 'empty-title', text: 'No tickets yet.' }),
          h('p', { text: 'When something isn’t working, or you need something from IT, tell us here and we’ll take it from there.' }),
          h('a', { href: '/tickets/new', class: 'button primary', text: 'Ask IT for help' }),
        ),
      );
    } else {
      replace(this.mine, h('ul', { class: 'card-list' }, mine.map((t) => card(t))));
    }
    this.watchedSection.hidden = !watched.length;
    replace(this.watched, h('ul', { class: 'card-list' }, watched.map((t) => card(t))));
  }

  showError(message) {
    this.mine.removeAttribute('aria-busy');
    replace(this.mine, h('p', { class: 'form-message', role: 'alert', text: message }));
  }
}

function card(t) {
  const reply = t.last_reply;
  return h(
    'li',
    { class: `ticket-card status-${t.status}` },
    h(
      'div',
      { class: 'card-top' },
      h('a', { href: `/tickets/${t.number}`, class: 'card-title' }, h('span', { class: 'ticket-number', text: `#${t.number}` }), ' ', t.title),
      h('span', { class: 'badges' }, statusBadge(t.status), t.escalated ? escalatedBadge() : null),
    ),
    reply
      ? h('p', { class: 'last-reply' }, h('strong', { text: `${reply.author?.name || 'Someone'}: ` }), reply.excerpt, ' · ', timeEl(reply.created_at))
      : h('p', { class: 'last-reply muted', text: 'No replies yet.' }),
    h('p', { class: 'card-meta muted' }, t.category?.name || '', ' · updated ', timeEl(t.updated_at)),
  );
}
