// views/chat.js — a ticket's conversation as a live chat: messages as bubbles (mine on
// the right), who is here now, "Alan is typing…", and a composer where Enter sends and
// Shift+Enter starts a new line. The messages are the ticket's comments, so this view
// and the ticket page always show the same conversation. Staff see internal notes
// marked as such and can turn a chat message into one.

import { h, replace, formMessage, nextId, setSafeHtml } from '../dom.js';
import { timeEl, statusBadge } from '../format.js';
import { INTERNAL_LABEL } from './conversation.js';
import { TypingLine } from './typing.js';

export class ChatView {
  constructor({ ticket, me, staff }) {
    this.me = me;
    this.staff = staff;
    this.presence = h('p', { class: 'chat-presence muted', 'aria-live': 'polite' });
    this.list = h('ol', { class: 'chat-messages', 'aria-live': 'polite', 'aria-busy': 'true' });
    this.typing = new TypingLine('chat-typing');
    this.message = formMessage();
    const id = nextId('chat');
    this.input = h('textarea', { id, rows: 2, 'aria-label': 'Message', placeholder: 'Write a message… (Enter sends, Shift+Enter for a new line)' });
    this.send = h('button', { type: 'submit', class: 'primary', text: 'Send' });
    this.form = h('form', { class: 'chat-composer', novalidate: true }, this.message.el, this.input, this.send);
    this.title = h('h1', { class: 'chat-title', text: ticket.title });
    this.badge = h('span', { class: 'chat-status' }, statusBadge(ticket.status));
    this.el = h(
      'section',
      { class: 'chat', 'aria-label': `Chat on ticket ${ticket.number}` },
      h(
        'header',
        { class: 'chat-head' },
        h('a', { href: `/tickets/${ticket.number}`, class: 'chat-ticket-link', text: `#${ticket.number}` }),
        this.title,
        this.badge,
        this.presence,
      ),
      this.list,
      this.typing.el,
      this.form,
    );
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.form.requestSubmit();
      }
    });
  }

  setTicket(ticket) {
    this.title.textContent = ticket.title;
    replace(this.badge, statusBadge(ticket.status));
    this.setCanSend(ticket.status !== 'closed');
  }

  setCanSend(allowed) {
    this.input.disabled = !allowed;
    this.send.disabled = !allowed;
    if (!allowed) this.message.show('This ticket is closed; open a new ticket to continue.');
  }

  render(comments) {
    this.list.removeAttribute('aria-busy');
    replace(this.list, comments.length ? comments.map((c) => this.bubble(c)) : h('li', { class: 'muted empty-line', text: 'No messages yet. Say hello.' }));
    this.scrollToEnd();
  }

  /** Adds a message unless it is already shown (an event may repeat what a POST returned). */
  add(comment) {
    if (this.list.querySelector(`[data-id="${comment.id}"]`)) return;
    this.list.querySelector('.empty-line')?.remove();
    const stick = this.nearEnd();
    this.list.append(this.bubble(comment));
    this.typing.clear(comment.author?.id);
    if (stick || comment.author?.id === this.me.id) this.scrollToEnd();
  }

  /** A message became an internal note: staff see it marked, others lose it. */
  markInternal(id) {
    const item = this.list.querySelector(`[data-id="${id}"]`);
    if (!item) return;
    if (!this.staff) item.remove();
    else {
      item.classList.add('comment-internal');
      item.querySelector('.chat-make-internal')?.remove();
      item.prepend(h('p', { class: 'internal-label', text: INTERNAL_LABEL }));
    }
  }

  setPresence(people) {
    const others = people.filter((p) => p.id !== this.me.id).map((p) => p.name);
    this.presence.textContent = others.length ? `Here now: ${others.join(', ')}` : 'Nobody else has this ticket open.';
  }

  showTyping(user, ms) {
    if (user.id !== this.me.id) this.typing.show(user, ms);
  }

  nearEnd() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
  }

  scrollToEnd() {
    this.list.scrollTop = this.list.scrollHeight;
  }

  bubble(c) {
    const mine = c.author?.id === this.me.id;
    const staffAuthor = c.author?.role && c.author.role !== 'requester';
    const item = h(
      'li',
      { class: `chat-message${mine ? ' mine' : ''}${c.internal ? ' comment-internal' : ''}${staffAuthor ? ' comment-staff' : ''}`, dataset: { id: c.id } },
      c.internal ? h('p', { class: 'internal-label', text: INTERNAL_LABEL }) : null,
      h('p', { class: 'chat-meta' }, h('strong', { text: mine ? 'You' : c.author?.name || 'Someone' }), ' ', timeEl(c.created_at)),
      // A Markdown reply carries `html`, rendered and sanitised on the server, shown as
      // the conversation shows it; older plain-text replies go in as text.
      c.html ? setSafeHtml(h('div', { class: 'prose markdown' }), c.html) : h('div', { class: 'prose', text: c.body }),
    );
    if (this.staff && !c.internal && !c.opening && this.onMakeInternal) {
      item.append(h('button', { type: 'button', class: 'link-button chat-make-internal', text: 'Make internal note', on: { click: () => this.onMakeInternal(c.id) } }));
    }
    return item;
  }

  bindSend(handler) {
    this.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      this.message.clear();
      const body = this.input.value.trim();
      if (!body) return;
      this.input.value = '';
      const ok = await handler(body);
      if (!ok) this.input.value = body; // nothing typed is lost on a failed send
      this.input.focus();
    });
  }

  bindTyping(handler) {
    this.input.addEventListener('input', () => {
      if (this.input.value.trim()) handler();
    });
  }

  bindMakeInternal(handler) {
    this.onMakeInternal = handler;
  }

  showError(error) {
    this.message.show(error.message);
  }
}
