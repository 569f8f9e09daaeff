// views/admin-org.js — organization settings: its name, and the join code people use to
// register (shown, as a ready-to-copy join link, and rotated after a confirmation, which
// makes the old code stop working).

import { h, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';
import { adminTabs } from './admin-nav.js';

export class AdminOrgView {
  constructor({ organization }) {
    this.handlers = {};
    this.message = formMessage();
    this.name = field({ label: 'Organization name', name: 'name', value: organization.name, required: true });
    this.save = h('button', { type: 'submit', class: 'primary', text: 'Save name' });
    this.form = h('form', { class: 'stack', novalidate: true }, this.message.el, this.name.el, h('div', { class: 'actions' }, this.save));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.save, 'Saving…', async () => this.handlers.rename?.(this.name.control.value.trim()));
    });
    this.code = h('code', { class: 'join-code', id: 'join-code', text: organization.join_code || '—' });
    // The link people open to register, ready to paste into an e-mail or chat.
    this.link = h('input', { type: 'text', readonly: true, id: 'join-link', 'aria-label': 'Join link', class: 'join-link' });
    this.copy = h('button', { type: 'button', text: 'Copy link', on: { click: () => this.copyLink() } });
    this.rotate = h('button', { type: 'button', class: 'danger', text: 'Rotate join code' });
    this.rotate.addEventListener('click', () => busy(this.rotate, 'Rotating…', async () => this.handlers.rotate?.()));
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/org'),
      h('section', { class: 'card', 'aria-labelledby': 'org-heading' }, h('h2', { id: 'org-heading', text: 'Organization' }), this.form),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'code-heading' },
        h('h2', { id: 'code-heading', text: 'Join code' }),
        h('p', { text: 'People register at the sign-up page with this code. Share it inside your organization only.' }),
        h('p', { class: 'join-code-line' }, h('span', { class: 'label', text: 'Current code: ' }), this.code),
        h('label', { for: 'join-link', class: 'label', text: 'Join link (the code filled in):' }),
        h('div', { class: 'copy-row' }, this.link, this.copy),
        h('p', { class: 'muted', text: 'Rotating makes a new code at once; the old one stops working. Existing accounts are not affected.' }),
        this.rotate,
      ),
    );
    this.render(organization);
  }

  bindRename(fn) { this.handlers.rename = fn; }
  bindRotate(fn) { this.handlers.rotate = fn; }

  render(organization) {
    this.name.control.value = organization.name;
    this.code.textContent = organization.join_code || '—';
    this.link.value = organization.join_code ? `${location.origin}/register?code=${encodeURIComponent(organization.join_code)}` : '';
  }

  async copyLink() {
    try {
      await navigator.clipboard.writeText(this.link.value);
      this.copy.textContent = 'Copied';
    } catch {
      // No clipboard permission (plain http on a LAN name): select it for Ctrl+C.
      this.link.select();
      this.copy.textContent = 'Press Ctrl+C';
    }
  }

  showError(error) {
    showFormError(this.form, this.message, error);
  }
}
