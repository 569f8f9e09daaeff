// views/search.js — the results of the one search: articles first, then tickets, each
// with its kind (article, ticket, reply, internal note), a link, and the title and a
// snippet with the matched words marked. Snippets arrive as text parts from the server
// and are built with text nodes and <mark> elements (dom.js `marked`), never as HTML.

import { h, replace, marked } from '../dom.js';
import { statusBadge } from '../format.js';

const KIND = { article: 'Article', ticket: 'Ticket', reply: 'Reply', note: 'Internal note' };

function countText(c, one, many) {
  if (!c) return null;
  const n = c.capped ? `${c.count.toLocaleString()}+` : c.count.toLocaleString();
  return `${n} ${c.count === 1 && !c.capped ? one : many}`;
}

export class SearchView {
  constructor({ q }) {
    this.input = h('input', { type: 'search', name: 'q', value: q, 'aria-label': 'Search', placeholder: 'Words, or "a phrase"' });
    this.form = h('form', { class: 'inline-search', role: 'search' }, this.input, h('button', { type: 'submit', class: 'primary', text: 'Search' }));
    this.summary = h('p', { class: 'muted', 'aria-live': 'polite' });
    this.list = h('ol', { class: 'card-list search-hits' });
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Search' }),
      this.form,
      h('p', { class: 'hint', text: 'Every word must appear; the last one may be the start of a word; "quoted words" must appear together. Accents do not matter.' }),
      this.summary,
      this.list,
    );
  }

  bindSearch(handler) {
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      handler(this.input.value.trim());
    });
  }

  render(result) {
    const counts = result.counts || {};
    this.summary.textContent = [countText(counts.tickets, 'ticket', 'tickets'), countText(counts.articles, 'article', 'articles')].filter(Boolean).join(' · ');
    const hits = result.hits || [];
    if (!hits.length) {
      replace(this.list, h('li', { class: 'empty', text: 'Nothing matches those words.' }));
      return;
    }
    replace(this.list, hits.map((hit) => hitItem(hit)));
  }

  showMessage(text) {
    this.summary.textContent = '';
    replace(this.list, h('li', { class: 'empty', text }));
  }
}

function hitItem(hit) {
  const article = hit.type === 'article';
  const href = article ? `/articles/${hit.id}` : `/tickets/${hit.number}`;
  return h(
    'li',
    { class: `card search-hit hit-${hit.type}` },
    h(
      'div',
      { class: 'card-top' },
      h('h2', { class: 'card-title' }, h('a', { href }, article ? '' : `#${hit.number} `, marked(hit.title))),
      h('span', { class: 'badges' }, h('span', { class: `badge kind-${hit.type}`, text: KIND[hit.type] || hit.type }), article ? null : statusBadge(hit.status)),
    ),
    hit.snippet?.length ? h('p', { class: 'excerpt' }, marked(hit.snippet)) : null,
  );
}
