// views/typing.js — the "Alan is typing…" line under a conversation (the ticket page's
// and the chat window's). Each signal shows its person for `ms` (the server's
// `expires_in_ms`); a message from them clears it at once.

import { h } from '../dom.js';

export class TypingLine {
  constructor(className) {
    this.el = h('p', { class: `${className} muted`, 'aria-live': 'polite' });
    this.names = new Map(); // user id -> {name, until}
  }

  show(user, ms) {
    this.names.set(user.id, { name: user.name, until: Date.now() + ms });
    this.render();
    setTimeout(() => this.render(), ms + 50);
  }

  clear(userId) {
    if (this.names.delete(userId)) this.render();
  }

  render() {
    const now = Date.now();
    for (const [id, t] of this.names) if (t.until <= now) this.names.delete(id);
    const names = [...this.names.values()].map((t) => t.name);
    this.el.textContent = names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
  }
}
