// views/admin-users.js — the people in the organization: search, role, tier, and
// deactivate / reactivate (the controller asks for confirmation first), adding people
// directly and making password-reset links (one-time links the admin hands over), paged.

import { h, replace, nextId, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';
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
    this.pager = h('nav', { class: 'pager', 'aria-label': 'Pages of people' });
    this.page = 1;
    // A one-time link just made (for a new person, or a reset), ready to hand over.
    this.linkBox = h('div', { class: 'token-secret', hidden: true, role: 'status' });
    this.addForm = this.buildAddForm();
    this.el = h(
      'div',
      { class: 'page wide' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/users'),
      h('h2', { text: 'Users' }),
      h('p', { class: 'muted', text: 'Changing someone’s role or deactivating them signs them out everywhere; they sign in again to continue.' }),
      this.linkBox,
      h('details', { class: 'disclosure add-person' }, h('summary', { text: 'Add a person…' }), this.addForm),
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
      this.pager,
    );
  }

  buildAddForm() {
    this.addMessage = formMessage();
    const name = field({ label: 'Name', name: 'name', required: true });
    const email = field({ label: 'E-mail', name: 'email', kind: 'email', required: true });
    const role = field({ label: 'Role', name: 'role', kind: 'select', value: 'requester', options: Object.entries(ROLE_LABELS) });
    const tier = field({ label: 'Tier', name: 'tier', kind: 'select', value: '1', options: [['1', 'Tier 1'], ['2', 'Tier 2'], ['3', 'Tier 3']], hint: 'For agents and admins.' });
    const submit = h('button', { type: 'submit', class: 'primary', text: 'Add person' });
    const form = h('form', { class: 'stack', novalidate: true }, this.addMessage.el, name.el, email.el, role.el, tier.el, h('div', { class: 'actions' }, submit));
    const syncTier = () => { tier.el.hidden = role.control.value === 'requester'; };
    role.control.addEventListener('change', syncTier);
    syncTier();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      this.addMessage.clear();
      const body = { name: name.control.value.trim(), email: email.control.value.trim(), role: role.control.value };
      if (body.role !== 'requester') body.tier = Number(tier.control.value);
      busy(submit, 'Adding…', async () => {
        const ok = await this.handlers.add?.(body);
        if (ok) { name.control.value = ''; email.control.value = ''; }
      });
    });
    return form;
  }

  showAddError(error) { showFormError(this.addForm, this.addMessage, error); }

  /** Shows a one-time link to hand over, with a copy button. */
  showLink(text, link) {
    const url = `${location.origin}${link.path}`;
    const input = h('input', { type: 'text', readonly: true, value: url, 'aria-label': 'One-time link', class: 'join-link' });
    const copy = h('button', { type: 'button', text: 'Copy link', on: { click: async () => {
      try { await navigator.clipboard.writeText(url); copy.textContent = 'Copied'; } catch { input.select(); copy.textContent = 'Press Ctrl+C'; }
    } } });
    replace(this.linkBox, h('p', { text }), h('div', { class: 'copy-row' }, input, copy), h('p', { class: 'muted', text: 'It works once. Hand it over in person or by chat.' }));
    this.linkBox.hidden = false;
    this.linkBox.scrollIntoView?.({ block: 'nearest' });
  }

  bindAdd(fn) { this.handlers.add = fn; }
  bindResetLink(fn) { this.handlers.resetLink = fn; }
  bindPage(fn) { this.handlers.page = fn; }

  renderPager({ total, page, per_page: perPage }) {
    const pages = Math.max(1, Math.ceil(total / perPage));
    this.page = page;
    replace(
      this.pager,
      h('button', { type: 'button', text: '← Previous', disabled: page <= 1, on: { click: () => this.handlers.page?.(page - 1) } }),
      h('span', { text: `${total} people · page ${page} of ${pages}` }),
      h('button', { type: 'button', text: 'Next →', disabled: page >= pages, on: { click: () => this.handlers.page?.(page + 1) } }),
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
    const reset = h('button', { type: 'button', class: 'small', text: 'Reset link', 'aria-label': `Password reset link for ${u.name}`, disabled: !u.active || self, on: { click: () => this.handlers.resetLink?.(u) } });
    return h(
      'tr',
      { dataset: { user: String(u.id) }, class: u.active ? '' : 'inactive' },
      h('td', { dataset: { label: 'Name' } }, h('strong', { text: u.name }), self ? h('span', { class: 'muted', text: ' (you)' }) : null),
      h('td', { dataset: { label: 'E-mail' }, text: u.email }),
      h('td', { dataset: { label: 'Role' } }, role),
      h('td', { dataset: { label: 'Tier' } }, tier),
      h('td', { dataset: { label: 'Status' } }, h('span', { class: `badge ${u.active ? 'active' : 'inactive'}`, text: u.active ? 'Active' : 'Deactivated' }), ' ', toggle, ' ', reset),
      h('td', { dataset: { label: 'Joined' } }, timeEl(u.created_at)),
    );
  }
}
