// views/admin-users.js — the people in the organization: search, role, tier, and
// deactivate / reactivate (the controller asks for confirmation first).

import { h, replace, nextId } from '../dom.js';
import { ROLE_LABELS, timeEl } from '../format.js';
import { adminTabs } from './admin-nav.js';

export class AdminUsersView {
  constructor({ me, q = '', role = '' }) {
    this.me = me;
    this.handlers = {};
    const qid = nextId('q');
    const rid = nextId('role');
    this.search = h('input', { id: qid, type: 'search', value: q, placeholder: 'Name or e-mail' });
    this.roleFilter = h('select', { id: rid }, [['', 'Everyone'], ...Object.entries(ROLE_LABELS)].map(([v, t]) => h('option', { value: v, text: t })));
    this.roleFilter.value = role;
    const form = h(
      'form',
      { class: 'filters', role: 'search' },
      h('div', { class: 'field search' }, h('label', { for: qid, text: 'Search people' }), h('div', { class: 'inline-form' }, this.search, h('button', { type: 'submit', text: 'Search' }))),
      h('div', { class: 'field' }, h('label', { for: rid, text: 'Role' }), this.roleFilter),
    );
    const fire = () => this.handlers.search?.({ q: this.search.value.trim(), role: this.roleFilter.value });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      fire();
    });
    this.roleFilter.addEventListener('change', fire);
    this.tbody = h('tbody', {}, h('tr', {}, h('td', { colspan: 6, class: 'loading', text: 'Loading people…' })));
    this.el = h(
      'div',
      { class: 'page wide' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/users'),
      h('h2', { text: 'Users' }),
      h('p', { class: 'muted', text: 'Changing someone’s role or deactivating them signs them out everywhere; they sign in again to continue.' }),
      form,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'users-table' },
          h('caption', { class: 'visually-hidden', text: 'Users' }),
          h('thead', {}, h('tr', {}, ['Name', 'E-mail', 'Role', 'Tier', 'Status', 'Joined'].map((t) => h('th', { scope: 'col', text: t })))),
          this.tbody,
        ),
      ),
    );
  }

  bindSearch(fn) { this.handlers.search = fn; }
  bindUpdate(fn) { this.handlers.update = fn; }
  bindToggleActive(fn) { this.handlers.toggleActive = fn; }

  render(users) {
    this.users = users;
    replace(
      this.tbody,
      users.length ? users.map((u) => this.row(u)) : h('tr', {}, h('td', { colspan: 6, class: 'empty-cell', text: 'Nobody matches.' })),
    );
  }

  /** Replaces one user's row after a change, keeping focus where it was. */
  update(user) {
    const old = this.tbody.querySelector(`tr[data-user="${user.id}"]`);
    if (!old) return;
    const focusedClass = document.activeElement?.dataset?.control;
    const row = this.row(user);
    old.replaceWith(row);
    if (focusedClass) row.querySelector(`[data-control="${focusedClass}"]`)?.focus();
  }

  row(u) {
    const self = u.id === this.me.id;
    const role = h('select', { 'aria-label': `Role of ${u.name}`, dataset: { control: 'role' }, disabled: self }, Object.entries(ROLE_LABELS).map(([v, t]) => h('option', { value: v, text: t })));
    role.value = u.role;
    role.addEventListener('change', () => this.handlers.update?.(u, { role: role.value, ...(role.value === 'requester' ? {} : { tier: u.tier || 1 }) }));
    const staff = u.role !== 'requester';
    const tier = h('select', { 'aria-label': `Tier of ${u.name}`, dataset: { control: 'tier' }, disabled: !staff }, [['', '—'], ['1', 'Tier 1'], ['2', 'Tier 2'], ['3', 'Tier 3']].map(([v, t]) => h('option', { value: v, text: t })));
    tier.value = u.tier ? String(u.tier) : '';
    tier.addEventListener('change', () => tier.value && this.handlers.update?.(u, { tier: Number(tier.value) }));
    const toggle = h('button', {
      type: 'button',
      class: u.active ? 'small danger-text' : 'small',
      dataset: { control: 'active' },
      disabled: self,
      text: u.active ? 'Deactivate' : 'Reactivate',
      'aria-label': `${u.active ? 'Deactivate' : 'Reactivate'} ${u.name}`,
    });
    toggle.addEventListener('click', () => this.handlers.toggleActive?.(u));
    return h(
      'tr',
      { dataset: { user: String(u.id) }, class: u.active ? '' : 'inactive' },
      h('td', { dataset: { label: 'Name' } }, h('strong', { text: u.name }), self ? h('span', { class: 'muted', text: ' (you)' }) : null),
      h('td', { dataset: { label: 'E-mail' }, text: u.email }),
      h('td', { dataset: { label: 'Role' } }, role),
      h('td', { dataset: { label: 'Tier' } }, tier),
      h('td', { dataset: { label: 'Status' } }, h('span', { class: `badge ${u.active ? 'active' : 'inactive'}`, text: u.active ? 'Active' : 'Deactivated' }), ' ', toggle),
      h('td', { dataset: { label: 'Joined' } }, timeEl(u.created_at)),
    );
  }
}
