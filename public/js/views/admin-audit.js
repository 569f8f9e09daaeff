// views/admin-audit.js — the audit log for admins: who did what, when, from where;
// filtered by action and date; paged; exported as CSV with the same filters.

import { h, replace, field } from '../dom.js';
import { adminTabs } from './admin-nav.js';
import { timeEl } from '../format.js';

const ACTIONS = [
  ['', 'All actions'],
  ['sign_in', 'Signed in'],
  ['sign_in_failed', 'Failed sign-in'],
  ['user_role_changed', 'Role changed'],
  ['user_tier_changed', 'Tier changed'],
  ['user_deactivated', 'Deactivated'],
  ['user_reactivated', 'Reactivated'],
  ['ticket_deleted', 'Ticket deleted'],
  ['org_renamed', 'Organization renamed'],
  ['join_code_rotated', 'Join code rotated'],
  ['token_created', 'API token made'],
  ['token_revoked', 'API token revoked'],
  ['token_used', 'API token used (first each day)'],
  ['smtp_changed', 'E-mail relay changed'],
];
const LABELS = Object.fromEntries(ACTIONS);

/** 'YYYY-MM-DD' in local time -> ms at the start (or end) of that day. */
function dayMs(value, end) {
  if (!value) return undefined;
  const d = new Date(`${value}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return end ? d.getTime() - 1 : d.getTime();
}

export class AdminAuditView {
  constructor() {
    this.handlers = {};
    this.page = 1;
    this.action = field({ label: 'Action', name: 'action', kind: 'select', options: ACTIONS });
    this.from = field({ label: 'From', name: 'from', kind: 'date' });
    this.to = field({ label: 'To', name: 'to', kind: 'date' });
    this.exportLink = h('a', { class: 'button', text: 'Export CSV', href: '/api/audit.csv', download: 'audit-log.csv' });
    this.form = h('form', { class: 'filters audit-filters' }, this.action.el, this.from.el, this.to.el, h('button', { type: 'submit', text: 'Filter' }), this.exportLink);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.page = 1;
      this.changed();
    });
    this.list = h('div', { class: 'table-wrap' }, h('p', { class: 'muted', text: 'Loading…' }));
    this.pager = h('div', { class: 'actions pager' });
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/audit'),
      h('p', { class: 'hint', text: 'Sign-ins, changes to people and settings, deletions and API token use, with who, when and from which address.' }),
      this.form,
      this.list,
      this.pager,
    );
  }

  bindLoad(fn) { this.handlers.load = fn; }

  filter() {
    return {
      action: this.action.control.value,
      from: dayMs(this.from.control.value, false),
      to: dayMs(this.to.control.value, true),
      page: this.page,
    };
  }

  changed() {
    const { page, ...rest } = this.filter();
    const q = new URLSearchParams(Object.entries(rest).filter(([, v]) => v !== undefined && v !== ''));
    this.exportLink.href = `/api/audit.csv${q.toString() ? `?${q}` : ''}`;
    this.handlers.load?.({ ...rest, page });
  }

  render({ entries, total, page, per_page: perPage }) {
    if (!entries.length) {
      replace(this.list, h('p', { class: 'muted', text: 'Nothing recorded for these filters.' }));
    } else {
      replace(this.list, h(
        'table',
        { class: 'users-table audit-table' },
        h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Target', 'Detail', 'Address'].map((t) => h('th', { text: t })))),
        h('tbody', {}, entries.map((e) => h('tr', {},
          h('td', { 'data-label': 'When' }, timeEl(e.created_at, { full: true })),
          h('td', { 'data-label': 'Who', text: e.actor ? e.actor.name : '—' }),
          h('td', { 'data-label': 'What', text: LABELS[e.action] || e.action }),
          h('td', { 'data-label': 'Target', text: e.target }),
          h('td', { 'data-label': 'Detail', text: e.detail }),
          h('td', { 'data-label': 'Address', text: e.address }),
        ))),
      ));
    }
    const pages = Math.max(1, Math.ceil(total / perPage));
    const go = (p) => () => { this.page = p; this.changed(); };
    replace(
      this.pager,
      h('span', { class: 'muted', text: `${total} entries · page ${page} of ${pages}` }),
      h('button', { type: 'button', text: 'Newer', disabled: page <= 1, on: { click: go(page - 1) } }),
      h('button', { type: 'button', text: 'Older', disabled: page >= pages, on: { click: go(page + 1) } }),
    );
  }
}
