// views/not-found.js — shown for an address the app does not know, or a ticket that is
// missing (or belongs to someone else: the API does not tell those apart); with another
// title, also the screen that could not load because the server is unreachable.

import { h } from '../dom.js';

export class NotFoundView {
  constructor({ title = 'Not found', message = 'There is nothing at this address.' } = {}) {
    this.el = h(
      'section',
      { class: 'page narrow' },
      h('h1', { text: title }),
      h('p', { text: message }),
      h('p', {}, h('a', { href: '/', class: 'button', text: 'Go to the start page' })),
    );
  }
}
