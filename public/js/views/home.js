// views/home.js — a requester's start page: their own tickets and the ones they watch,
// each with its status, the last reply and when it last changed.

import { h, replace } from '../dom.js';
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
      h('section', { 'aria-labelledby': 'mine-heading' }, h('h2', { id: 'mine-heading', class: 'visually-hidden', text: 'Tickets I opened' }), this.mine),
      this.watchedSection,
    );
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
