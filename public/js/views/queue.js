// views/queue.js — the staff queue: saved views as tabs, filters, a search box, a table
// with sortable column headers and pagination. Rows are coloured by state (in progress
// orange, escalated red, SLA at risk amber, overdue or breached red stripe) and also carry
// a text badge ("At risk", "Overdue"), so colour is never the only cue.
// The whole state lives in the URL (the controller keeps it there), so a queue view can
// be bookmarked and shared. Ticking rows shows the bulk bar (assignee, status, priority
// for all of them at once).

import { h, replace, nextId } from '../dom.js';
import { BulkBar } from './bulk-bar.js';
import { STATUSES, STATUS_LABELS, PRIORITIES, PRIORITY_LABELS, statusBadge, priorityBadge, escalatedBadge, timeEl, slaBadge } from '../format.js';

export const SAVED_VIEWS = [
  ['mine', 'My tickets', 'Assigned to you to work on (tickets you raised yourself are under My requests)'],
  ['unassigned', 'Unassigned', 'Nobody is working on these yet'],
  ['escalated', 'Escalated', 'Raised to a higher tier'],
  ['open', 'All open', 'Every ticket still being worked on'],
];

export const PER_PAGE = [10, 25, 50, 100];

const COLUMNS = [
  ['number', '#', 'number', 'Number'],
  ['title', 'Title', null],
  ['status', 'Status', null],
  ['priority', 'Priority', 'priority'],
  ['category', 'Category', null],
  ['requester', 'Requester', null],
  ['assignee', 'Assignee', null],
  ['due', 'Due', 'due', 'SLA due time'],
  ['updated', 'Updated', 'updated'],
];

/** Sort keys whose natural first click is ascending (soonest due first). */
const ASCENDING_FIRST = ['due'];

/** "3 tickets", "1 ticket"; a capped total (the server stopped counting) reads "1,000+ tickets". */
const countLabel = (total, capped) => (capped ? `${total.toLocaleString()}+ tickets` : `${total} ticket${total === 1 ? '' : 's'}`);

export class QueueView {
  constructor({ state, categories }) {
    this.state = { ...state };
    this.handlers = {};
    this.tabs = h('nav', { class: 'tabs', 'aria-label': 'Saved views' });
    const sel = (label, name, options) => {
      const id = nextId(name);
      const control = h('select', { id, name }, options.map(([v, t]) => h('option', { value: v, text: t })));
      control.value = this.state[name] || '';
      control.addEventListener('change', () => this.change({ [name]: control.value, page: 1 }));
      return h('div', { class: 'field' }, h('label', { for: id, text: label }), control);
    };
    const searchId = nextId('q');
    this.search = h('input', { id: searchId, type: 'search', name: 'q', value: this.state.q || '', placeholder: 'Title, description or replies' });
    const searchForm = h(
      'form',
      { class: 'field search', role: 'search' },
      h('label', { for: searchId, text: 'Search' }),
      h('div', { class: 'inline-form' }, this.search, h('button', { type: 'submit', text: 'Search' })),
    );
    searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.change({ q: this.search.value.trim(), page: 1 });
    });
    this.filters = h(
      'div',
      { class: 'filters' },
      searchForm,
      sel('Status', 'status', [['', 'Any open'], ...STATUSES.map((s) => [s, STATUS_LABELS[s]]), ['all', 'Any, including closed']]),
      sel('Priority', 'priority', [['', 'Any'], ...PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]])]),
      sel('Category', 'category', [['', 'Any'], ...categories.map((c) => [String(c.id), c.name])]),
      sel('SLA', 'sla', [['', 'Any'], ['at_risk', 'At risk'], ['breached', 'Breached or overdue']]),
      sel('Per page', 'per_page', PER_PAGE.map((n) => [String(n), String(n)])),
    );
    this.scope = h('p', { class: 'scope' });
    this.summary = h('p', { class: 'muted', role: 'status' });
    this.thead = h('thead');
    this.tbody = h('tbody');
    this.table = h('table', { class: 'queue-table' }, h('caption', { class: 'visually-hidden', text: 'Tickets' }), this.thead, this.tbody);
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
    // Ticked tickets, by number, for the bulk bar.
    this.selected = new Set();
    this.bulk = new BulkBar();
    this.bulk.bindClear(() => this.clearSelection());
    this.el = h(
      'div',
      { class: 'page wide' },
      h('div', { class: 'page-head' }, h('h1', { text: 'Queue' }), h('a', { href: '/tickets/new', class: 'button', text: 'New ticket' })),
      this.tabs,
      this.filters,
      this.scope,
      this.summary,
      this.bulk.el,
      h('div', { class: 'table-wrap' }, this.table),
      this.pager,
    );
    this.renderTabs();
    this.renderHead();
    this.renderScope();
  }

  bindChange(fn) { this.handlers.change = fn; }
  bindOpen(fn) { this.handlers.open = fn; }
  bindBulk(fn) { this.bulk.bindApply((change) => fn([...this.selected], change)); }

  clearSelection() {
    this.selected.clear();
    for (const box of this.tbody.querySelectorAll('input.pick')) box.checked = false;
    if (this.pickAll) this.pickAll.checked = false;
    this.bulk.show(0);
    this.bulk.reset();
  }

  change(patch) {
    this.state = { ...this.state, ...patch };
    this.renderTabs();
    this.renderHead();
    this.renderScope();
    this.handlers.change?.(this.state);
  }

  /** Says in words which tickets the list holds, above all when no status is chosen. */
  renderScope() {
    const { view, status } = this.state;
    const whose = { mine: 'tickets assigned to you', unassigned: 'unassigned tickets', escalated: 'escalated tickets' }[view] || 'all tickets';
    let which;
    if (!status) which = 'that are still open (New, Open, In progress or On hold). Resolved and closed tickets are left out; choose them under Status.';
    else if (status === 'all') which = 'in any status, including resolved and closed.';
    else which = `with the status ${STATUS_LABELS[status] || status}.`;
    this.scope.textContent = `Showing ${whose} ${which}`;
  }

  renderTabs() {
    const focused = this.tabs.contains(document.activeElement) ? document.activeElement.dataset.view : null;
    replace(
      this.tabs,
      SAVED_VIEWS.map(([key, label, meaning]) => {
        const count = this.counts?.[key];
        const shown = count === undefined ? null : count.capped ? `${count.total.toLocaleString()}+` : String(count.total);
        const a = h('a', { href: `/queue?view=${key}`, class: 'tab', title: meaning, dataset: { view: key }, 'aria-current': this.state.view === key ? 'page' : null },
          label, shown === null ? null : h('span', { class: 'tab-count', text: shown, 'aria-label': `${shown} tickets` }));
        a.addEventListener('click', (e) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          e.stopPropagation();
          this.change({ view: key, page: 1 });
        });
        return a;
      }),
    );
    if (focused) this.tabs.querySelector(`[data-view="${focused}"]`)?.focus();
  }

  renderHead() {
    const { sort = 'updated', dir = 'desc' } = this.state;
    // Re-drawing the header must not drop keyboard focus from the button just pressed.
    const focused = this.thead.contains(document.activeElement) ? document.activeElement.dataset.sort : null;
    replace(
      this.thead,
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'pick-cell' }, this.pickAllBox()),
        COLUMNS.map(([key, label, sortKey, spoken]) => {
          if (!sortKey) return h('th', { scope: 'col', text: label });
          const active = sort === sortKey;
          const name = spoken ? [h('span', { 'aria-hidden': 'true', text: label }), h('span', { class: 'visually-hidden', text: spoken })] : label;
          const b = h('button', { type: 'button', class: 'sort', dataset: { sort: sortKey } }, name, h('span', { class: 'sort-mark', 'aria-hidden': 'true', text: active ? (dir === 'asc' ? ' ▲' : ' ▼') : ' ↕' }));
          const first = ASCENDING_FIRST.includes(sortKey) ? 'asc' : 'desc';
          const flipped = first === 'asc' ? 'desc' : 'asc';
          b.addEventListener('click', () => this.change({ sort: sortKey, dir: active && dir === first ? flipped : first, page: 1 }));
          return h('th', { scope: 'col', 'aria-sort': active ? (dir === 'asc' ? 'ascending' : 'descending') : null }, b);
        }),
      ),
    );
    if (focused) this.thead.querySelector(`[data-sort="${focused}"]`)?.focus();
  }

  /** The header's "select every ticket on this page" box. */
  pickAllBox() {
    this.pickAll = h('input', { type: 'checkbox', class: 'pick-all', 'aria-label': 'Select every ticket on this page' });
    this.pickAll.addEventListener('change', () => {
      for (const box of this.tbody.querySelectorAll('input.pick')) {
        box.checked = this.pickAll.checked;
        const n = Number(box.dataset.number);
        if (box.checked) this.selected.add(n);
        else this.selected.delete(n);
      }
      this.bulk.show(this.selected.size);
    });
    return this.pickAll;
  }

  loading() {
    this.table.setAttribute('aria-busy', 'true');
    this.summary.textContent = 'Loading…';
  }

  /** `fresh`: ticket numbers a live event just changed; their rows flash once. */
  render({ tickets, total, total_capped: capped = false, page, per_page: perPage }, { fresh = null } = {}) {
    this.table.removeAttribute('aria-busy');
    // A new page or filter starts with nothing ticked: a hidden selection would surprise.
    // A live refresh (`fresh` given) keeps the ticks on the tickets still shown.
    if (fresh) {
      const shown = new Set(tickets.map((t) => Number(t.number)));
      for (const n of [...this.selected]) if (!shown.has(n)) this.selected.delete(n);
    } else {
      this.selected.clear();
      if (this.pickAll) this.pickAll.checked = false;
    }
    this.bulk.show(this.selected.size);
    // A live refresh must not drop keyboard focus from the row someone is on.
    const focusedRow = this.tbody.contains(document.activeElement) ? document.activeElement.closest('tr')?.dataset.number : null;
    // A capped total ("1,000+") has no last page: Next stays on while a page comes back full.
    const size = perPage || Number(this.state.per_page) || 25;
    const pages = capped ? null : Math.max(1, Math.ceil(total / size));
    const of = pages === null ? `page ${page}` : `page ${page} of ${pages}`;
    this.summary.textContent = total === 0 && !capped ? 'No tickets match.' : `${countLabel(total, capped)} · ${of}`;
    replace(
      this.tbody,
      tickets.length
        ? tickets.map((t) => {
            const tr = this.row(t);
            if (fresh?.has(Number(t.number))) tr.classList.add('row-fresh');
            return tr;
          })
        : h('tr', {}, h('td', { colspan: COLUMNS.length + 1, class: 'empty-cell', text: 'Nothing here. Try another view or clear the filters.' })),
    );
    if (focusedRow) this.tbody.querySelector(`tr[data-number="${focusedRow}"]`)?.focus({ preventScroll: true });
    const focused = this.pager.contains(document.activeElement) ? document.activeElement.dataset.go : null;
    const prev = h('button', { type: 'button', text: '← Previous', disabled: page <= 1, dataset: { go: 'prev' } });
    const last = pages === null ? tickets.length < size : page >= pages;
    const next = h('button', { type: 'button', text: 'Next →', disabled: last, dataset: { go: 'next' } });
    prev.addEventListener('click', () => this.change({ page: page - 1 }));
    next.addEventListener('click', () => this.change({ page: page + 1 }));
    replace(this.pager, prev, h('span', { text: of.charAt(0).toUpperCase() + of.slice(1) }), next);
    // Keep keyboard focus on the pager; at the first or last page, on the button still usable.
    if (focused) [focused === 'next' ? next : prev, next, prev].find((b) => !b.disabled)?.focus();
  }

  row(t) {
    const cls = ['ticket-row', `row-${t.status}`];
    if (t.escalated) cls.push('row-escalated');
    if (t.sla && t.sla.state !== 'on_track') cls.push(t.sla.overdue ? 'row-sla-overdue' : `row-sla-${t.sla.state}`);
    const tr = h(
      'tr',
      { class: cls.join(' '), tabindex: '0', dataset: { number: String(t.number) } },
      h('td', { class: 'pick-cell', dataset: { label: 'Select' } }, this.pickBox(t)),
      h('td', { dataset: { label: '#' }, class: 'num', text: `#${t.number}` }),
      h('td', { dataset: { label: 'Title' }, class: 'title-cell' }, h('a', { href: `/tickets/${t.number}`, tabindex: '-1', text: t.title })),
      h('td', { dataset: { label: 'Status' } }, statusBadge(t.status), t.escalated ? [' ', escalatedBadge(t.tier)] : null),
      h('td', { dataset: { label: 'Priority' } }, priorityBadge(t.priority)),
      h('td', { dataset: { label: 'Category' }, text: t.category?.name || '—' }),
      h('td', { dataset: { label: 'Requester' }, text: t.requester?.name || '—' }),
      h('td', { dataset: { label: 'Assignee' }, text: t.assignee?.name || 'Unassigned' }),
      h('td', { dataset: { label: 'Due' }, class: 'due-cell' }, t.sla?.due ? timeEl(t.sla.due) : h('span', { class: 'muted', text: '—' }), t.sla && t.sla.state !== 'on_track' ? [' ', slaBadge(t.sla)] : null),
      h('td', { dataset: { label: 'Updated' } }, timeEl(t.updated_at)),
    );
    tr.addEventListener('click', (e) => {
      if (e.target.closest('.pick-cell')) return;
      if (e.target.closest('a') && (e.metaKey || e.ctrlKey || e.shiftKey)) return;
      e.preventDefault();
      this.handlers.open?.(t.number);
    });
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.target.closest('.pick-cell')) {
        e.preventDefault();
        this.handlers.open?.(t.number);
      }
    });
    return tr;
  }

  pickBox(t) {
    const box = h('input', { type: 'checkbox', class: 'pick', checked: this.selected.has(Number(t.number)), 'aria-label': `Select #${t.number} ${t.title}`, dataset: { number: String(t.number) } });
    box.addEventListener('change', () => {
      if (box.checked) this.selected.add(t.number);
      else this.selected.delete(t.number);
      this.bulk.show(this.selected.size);
    });
    return box;
  }

  setAgents(agents) { this.bulk.setAgents(agents); }

  /** How many open tickets each saved view holds: `{mine: {total: 3, capped: false}, ...}`. */
  setCounts(counts) {
    this.counts = counts;
    this.renderTabs();
  }
}
