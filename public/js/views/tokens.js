// views/tokens.js — personal API tokens on the profile page: make one (name, scope,
// expiry), see its secret once, see each token's last use, revoke. The same list, with
// owners, serves the admin's view of everyone's tokens.

import { h, field, replace, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';
import { timeEl } from '../format.js';

const SCOPES = [['read', 'Read only'], ['write', 'Read and write']];
const EXPIRY = [['30', '30 days'], ['90', '90 days'], ['365', 'One year'], ['', 'Never']];

/** A table of tokens; `showOwner` adds the person column (admins). */
export function tokenTable(tokens, { showOwner = false, onRevoke }) {
  if (!tokens.length) return h('p', { class: 'muted', text: 'No API tokens yet.' });
  return h(
    'table',
    { class: 'users-table tokens' },
    h('thead', {}, h('tr', {},
      h('th', { text: 'Name' }),
      showOwner ? h('th', { text: 'Person' }) : null,
      h('th', { text: 'Scope' }),
      h('th', { text: 'Expires' }),
      h('th', { text: 'Last used' }),
      h('th', { text: '' }),
    )),
    h('tbody', {}, tokens.map((t) => h('tr', { dataset: { token: String(t.id) } },
      h('td', { text: t.name, 'data-label': 'Name' }),
      showOwner ? h('td', { text: t.user.name, 'data-label': 'Person' }) : null,
      h('td', { text: t.scope === 'write' ? 'Read and write' : 'Read only', 'data-label': 'Scope' }),
      h('td', { 'data-label': 'Expires' }, t.expires_at ? timeEl(t.expires_at) : 'Never'),
      h('td', { 'data-label': 'Last used' }, t.last_used_at ? timeEl(t.last_used_at) : 'Not yet'),
      h('td', {}, t.revoked_at
        ? h('span', { class: 'muted', text: 'Revoked' })
        : h('button', { type: 'button', class: 'small danger', text: 'Revoke', 'aria-label': `Revoke ${t.name}`, on: { click: (e) => onRevoke(t, e.currentTarget) } })),
    ))),
  );
}

/** The profile's API token card. */
export class TokensView {
  constructor() {
    this.handlers = {};
    this.message = formMessage();
    this.name = field({ label: 'Token name', name: 'name', required: true, hint: 'What the token is for, such as "inventory sync".' });
    this.scope = field({ label: 'Scope', name: 'scope', kind: 'select', options: SCOPES, value: 'read' });
    this.expiry = field({ label: 'Expires after', name: 'expires_in_days', kind: 'select', options: EXPIRY, value: '90' });
    this.createButton = h('button', { type: 'submit', text: 'Make token' });
    this.secret = h('div', { class: 'token-secret', hidden: true, role: 'status' });
    this.list = h('div', {});
    this.form = h('form', { class: 'stack', novalidate: true }, this.message.el, this.name.el, this.scope.el, this.expiry.el, h('div', { class: 'actions' }, this.createButton));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      const days = this.expiry.control.value;
      busy(this.createButton, 'Making…', async () => this.handlers.create?.({
        name: this.name.control.value.trim(),
        scope: this.scope.control.value,
        expires_in_days: days ? Number(days) : null,
      }));
    });
    this.el = h(
      'section',
      { class: 'card', 'aria-labelledby': 'tok-heading' },
      h('h2', { id: 'tok-heading', text: 'API tokens' }),
      h('p', { class: 'hint', text: 'Scripts send a token as "Authorization: Bearer …" to use the API as you. A read-only token cannot change anything.' }),
      this.list,
      this.secret,
      this.form,
    );
  }

  bindCreate(fn) { this.handlers.create = fn; }
  bindRevoke(fn) { this.handlers.revoke = fn; }

  showTokens(tokens) {
    replace(this.list, tokenTable(tokens, { onRevoke: (t, button) => this.handlers.revoke?.(t, button) }));
  }

  /** The secret, shown once with a copy button. */
  showSecret(secret) {
    const code = h('code', { text: secret });
    const copy = h('button', { type: 'button', class: 'small', text: 'Copy', on: { click: async () => {
      try { await navigator.clipboard.writeText(secret); copy.textContent = 'Copied'; } catch { copy.textContent = 'Select and copy'; }
    } } });
    replace(this.secret, h('p', { text: 'Copy this token now: it will not be shown again.' }), h('p', {}, code, ' ', copy));
    this.secret.hidden = false;
    this.name.control.value = '';
  }

  showError(error) { showFormError(this.form, this.message, error); }
}
