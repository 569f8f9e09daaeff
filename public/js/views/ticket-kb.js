// views/ticket-kb.js — the knowledge base beside a ticket, for staff: articles suggested
// for the ticket's title and description (best first), and "Publish as article" once the
// ticket is resolved, which drafts an article from its resolution.

import { h, replace, marked } from '../dom.js';

export class TicketKnowledgeView {
  constructor() {
    this.list = h('ul', { class: 'suggestions-list' });
    this.publish = h('button', { type: 'button', hidden: true, text: 'Publish as article', on: { click: () => this.publishHandler?.() } });
    this.publishHint = h('p', { class: 'hint', hidden: true, text: 'Drafts an article from the title and the resolution, linked to this ticket.' });
    this.el = h(
      'section',
      { class: 'card ticket-kb', 'aria-labelledby': 'kb-heading' },
      h('h2', { id: 'kb-heading', text: 'Knowledge base' }),
      this.publish,
      this.publishHint,
      h('h3', { text: 'Suggested articles' }),
      this.list,
    );
  }

  bindPublish(handler) {
    this.publishHandler = handler;
  }

  /** Offers "Publish as article" only on a resolved or closed ticket. */
  update(ticket) {
    const done = ticket.status === 'resolved' || ticket.status === 'closed';
    this.publish.hidden = !done;
    this.publishHint.hidden = !done;
  }

  render(articles) {
    if (!articles.length) {
      replace(this.list, h('li', { class: 'muted', text: 'No article matches this ticket yet.' }));
      return;
    }
    replace(
      this.list,
      articles.map((a) =>
        h('li', { class: 'suggestion' }, h('a', { href: `/articles/${a.id}`, class: 'suggestion-title' }, marked(a.title)), h('p', { class: 'excerpt' }, marked(a.snippet))),
      ),
    );
  }
}
