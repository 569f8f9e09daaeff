// views/articles.js — the knowledge base: the list (with a search box and, for staff, a
// status filter and "New article"), one article (its sanitised HTML, and for staff:
// edit, delete, the ticket it came from and its revisions with Restore), and the
// article form around the Markdown editor. Views expose bindX hooks; controllers call
// the API (controllers/articles.js).

import { h, replace, field, busy, formMessage, clearFieldErrors, showFormError, setSafeHtml, marked } from '../dom.js';
import { timeEl } from '../format.js';
import { MarkdownEditor } from './editor.js';

const AUDIENCE_LABELS = { everyone: 'Everyone', staff: 'Staff only' };

function articleBadges(a, staff) {
  if (!staff) return null;
  return h(
    'span',
    { class: 'badges' },
    h('span', { class: `badge article-${a.status}`, text: a.status === 'published' ? 'Published' : 'Draft' }),
    h('span', { class: `badge audience-${a.audience}`, text: AUDIENCE_LABELS[a.audience] || a.audience }),
  );
}

export class ArticleListView {
  constructor({ staff, q = '' }) {
    this.staff = staff;
    this.input = h('input', { type: 'search', name: 'q', value: q, 'aria-label': 'Search articles', placeholder: 'Search articles…' });
    this.form = h('form', { class: 'inline-search', role: 'search' }, this.input, h('button', { type: 'submit', text: 'Search' }));
    this.status = staff
      ? field({ label: 'Show', name: 'status', kind: 'select', options: [['', 'All articles'], ['published', 'Published'], ['draft', 'Drafts']] })
      : null;
    this.list = h('ul', { class: 'card-list article-list', 'aria-live': 'polite' });
    this.summary = h('p', { class: 'muted' });
    this.el = h(
      'div',
      { class: 'page' },
      h('div', { class: 'page-head' }, h('h1', { text: 'Knowledge base' }), staff ? h('a', { href: '/articles/new', class: 'button primary', text: 'New article' }) : null),
      h('div', { class: 'toolbar-row' }, this.form, this.status?.el),
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

  bindStatus(handler) {
    this.status?.control.addEventListener('change', () => handler(this.status.control.value));
  }

  render(articles, total) {
    this.summary.textContent = total === 1 ? '1 article' : `${total} articles`;
    if (!articles.length) {
      replace(this.list, h('li', { class: 'empty', text: this.staff ? 'No articles yet. Write one, or publish one from a resolved ticket.' : 'No articles yet.' }));
      return;
    }
    replace(
      this.list,
      articles.map((a) =>
        h(
          'li',
          { class: 'card' },
          h('div', { class: 'card-top' }, h('h2', { class: 'card-title' }, h('a', { href: `/articles/${a.id}`, text: a.title })), articleBadges(a, this.staff)),
          h('p', { class: 'excerpt', text: a.excerpt || '' }),
          h('p', { class: 'meta muted' }, a.category ? `${a.category.name} · ` : '', 'Updated ', timeEl(a.updated_at)),
        ),
      ),
    );
  }

  /** Search hits: titles and snippets with the matched words marked (text only). */
  renderHits(hits, count) {
    this.summary.textContent = count.capped ? `${count.count.toLocaleString()}+ articles match` : `${count.count} matching`;
    if (!hits.length) {
      replace(this.list, h('li', { class: 'empty', text: 'No article matches those words.' }));
      return;
    }
    replace(
      this.list,
      hits.map((a) =>
        h(
          'li',
          { class: 'card' },
          h('div', { class: 'card-top' }, h('h2', { class: 'card-title' }, h('a', { href: `/articles/${a.id}` }, marked(a.title))), articleBadges(a, this.staff)),
          h('p', { class: 'excerpt' }, marked(a.snippet)),
        ),
      ),
    );
  }

  showError(message) {
    replace(this.list, h('li', { class: 'empty', text: message }));
  }
}

export class ArticleView {
  constructor({ article, staff }) {
    this.article = article;
    this.handlers = {};
    this.revisions = h('ol', { class: 'revisions' });
    const a = article;
    const staffBar = a.can?.edit
      ? h(
          'div',
          { class: 'actions' },
          h('a', { href: `/articles/${a.id}/edit`, class: 'button', text: 'Edit' }),
          h('button', { type: 'button', class: 'danger', text: 'Delete', on: { click: () => this.handlers.delete?.() } }),
        )
      : null;
    this.solvedButton = h('button', { type: 'button', text: 'This solved my problem', on: { click: () => this.handlers.solved?.() } });
    this.el = h(
      'div',
      { class: 'page narrow article-page' },
      h('p', { class: 'crumbs' }, h('a', { href: '/articles', text: '← Knowledge base' })),
      h('div', { class: 'page-head' }, h('h1', { text: a.title }), articleBadges(a, staff)),
      h(
        'p',
        { class: 'meta muted' },
        a.category ? `${a.category.name} · ` : '',
        `By ${a.author?.name || 'staff'} · updated `,
        timeEl(a.updated_at),
        a.source_ticket ? h('span', {}, ' · from ', h('a', { href: `/tickets/${a.source_ticket.number}`, text: `ticket #${a.source_ticket.number}` })) : null,
      ),
      a.tags?.length ? h('p', { class: 'tags' }, a.tags.map((t) => h('span', { class: 'tag', text: t }))) : null,
      staffBar,
      setSafeHtml(h('div', { class: 'card prose article-body' }), a.html || ''),
      a.status === 'published' && !staff ? h('div', { class: 'actions solved-row' }, this.solvedButton) : null,
      staff ? h('section', { class: 'card', 'aria-labelledby': 'revisions-heading' }, h('h2', { id: 'revisions-heading', text: 'Revisions' }), this.revisions) : null,
    );
  }

  bindDelete(fn) { this.handlers.delete = fn; }
  bindSolved(fn) { this.handlers.solved = fn; }
  bindRestore(fn) { this.handlers.restore = fn; }

  solvedDone() {
    this.solvedButton.disabled = true;
    this.solvedButton.textContent = 'Thanks — glad it helped';
  }

  renderRevisions(revisions) {
    replace(
      this.revisions,
      revisions.map((r, i) =>
        h(
          'li',
          { class: 'revision' },
          h('span', {}, h('strong', { text: `Revision ${r.revision}` }), ` by ${r.editor?.name || 'someone'} `, timeEl(r.created_at)),
          r.restored_from ? h('span', { class: 'muted', text: ` (restored revision ${r.restored_from})` }) : null,
          h('span', { class: 'muted', text: ` — ${r.title}` }),
          i === 0
            ? h('span', { class: 'badge', text: 'Current' })
            : h('button', { type: 'button', class: 'small', text: 'Restore', 'aria-label': `Restore revision ${r.revision}`, on: { click: () => this.handlers.restore?.(r) } }),
        ),
      ),
    );
  }
}

export class ArticleFormView {
  /** article: the one being edited, or null for a new one. */
  constructor({ article, categories, orgKey }) {
    const a = article || { title: '', body: '', tags: [], audience: 'staff', status: 'draft', category: null };
    this.message = formMessage();
    this.title = field({ label: 'Title', name: 'title', value: a.title, required: true, attrs: { maxlength: 200 } });
    this.category = field({
      label: 'Category',
      name: 'category_id',
      kind: 'select',
      value: a.category ? String(a.category.id) : '',
      options: [['', 'No category'], ...categories.map((c) => [String(c.id), c.name])],
    });
    this.tags = field({ label: 'Tags', name: 'tags', value: (a.tags || []).join(', '), hint: 'Single words, separated by commas (vpn, wi-fi).' });
    this.audience = field({ label: 'Who can read it', name: 'audience', kind: 'select', value: a.audience, options: [['staff', 'Staff only'], ['everyone', 'Everyone in the organization']] });
    this.status = field({ label: 'Status', name: 'status', kind: 'select', value: a.status, options: [['draft', 'Draft'], ['published', 'Published']] });
    this.editor = new MarkdownEditor({ label: 'Article', name: 'body', value: a.body, rows: 16, draftKey: `${orgKey}:article:${article ? article.id : 'new'}` });
    this.submit = h('button', { type: 'submit', class: 'primary', text: article ? 'Save article' : 'Create article' });
    this.form = h(
      'form',
      { class: 'stack article-form', novalidate: true },
      this.message.el,
      this.title.el,
      h('div', { class: 'grid-3' }, this.category.el, this.audience.el, this.status.el),
      this.tags.el,
      this.editor.el,
      h('div', { class: 'actions' }, h('a', { href: article ? `/articles/${article.id}` : '/articles', class: 'button', text: 'Cancel' }), this.submit),
    );
    this.el = h(
      'div',
      { class: 'page article-edit' },
      h('p', { class: 'crumbs' }, h('a', { href: '/articles', text: '← Knowledge base' })),
      h('h1', { text: article ? 'Edit article' : 'New article' }),
      article?.source_ticket ? h('p', { class: 'muted' }, 'Drafted from ', h('a', { href: `/tickets/${article.source_ticket.number}`, text: `ticket #${article.source_ticket.number}` }), '.') : null,
      this.form,
    );
  }

  bindPreview(fn) {
    this.editor.bindPreview(fn);
  }

  bindSave(handler) {
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      const categoryId = this.category.control.value ? Number(this.category.control.value) : null;
      busy(this.submit, 'Saving…', () =>
        handler({
          title: this.title.control.value.trim(),
          body: this.editor.value,
          category_id: categoryId,
          tags: this.tags.control.value.split(',').map((t) => t.trim()).filter(Boolean),
          audience: this.audience.control.value,
          status: this.status.control.value,
        }),
      );
    });
  }

  saved() {
    this.editor.clearDraft();
  }

  showError(error) {
    showFormError(this.form, this.message, error, { allPlaced: 'Please correct the highlighted fields.' });
  }
}
