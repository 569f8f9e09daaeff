// views/admin-tokens.js — every API token in the organization, with its owner, for an
// admin to see what scripts act for whom and revoke any of them.

import { h, replace } from '../dom.js';
import { adminTabs } from './admin-nav.js';
import { tokenTable } from './tokens.js';

export class AdminTokensView {
  constructor() {
    this.handlers = {};
    this.list = h('div', { class: 'table-wrap' }, h('p', { class: 'muted', text: 'Loading…' }));
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/tokens'),
      h('p', { class: 'hint', text: 'Personal API tokens people made on their profile. Revoking one stops it at once.' }),
      this.list,
    );
  }

  bindRevoke(fn) { this.handlers.revoke = fn; }

  render(tokens) {
    replace(this.list, tokenTable(tokens, { showOwner: true, onRevoke: (t) => this.handlers.revoke?.(t) }));
  }
}
