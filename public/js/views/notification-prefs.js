// views/notification-prefs.js — per kind of notification, in the bell and/or by e-mail:
// a person's own choices on the profile page, or (admins) the organization's defaults.

import { h, formMessage, busy, showFormError } from '../dom.js';

export class NotificationPrefsView {
  /** `settings`: [{kind, label, in_app, email, default}]; `defaults`: the admins' form. */
  constructor({ settings, emailAvailable, defaults = false }) {
    this.handlers = {};
    this.message = formMessage();
    this.rows = settings.map((s) => {
      const inApp = h('input', { type: 'checkbox', checked: defaults ? s.default.in_app : s.in_app, 'aria-label': `${s.label}: in the bell` });
      const email = h('input', { type: 'checkbox', checked: defaults ? s.default.email : s.email, 'aria-label': `${s.label}: by e-mail` });
      return { kind: s.kind, inApp, email, el: h('tr', {}, h('th', { scope: 'row', text: s.label }), h('td', {}, inApp), h('td', {}, email)) };
    });
    this.save = h('button', { type: 'submit', class: 'primary', text: defaults ? 'Save defaults' : 'Save notifications' });
    this.form = h(
      'form',
      { class: 'stack', novalidate: true },
      this.message.el,
      emailAvailable ? null : h('p', { class: 'muted', text: 'E-mail is off until an admin sets up the SMTP relay; your e-mail choices take effect then.' }),
      h(
        'div',
        { class: 'table-wrap', dataset: { field: 'settings' } },
        h('table', { class: 'prefs-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'When' }), h('th', { scope: 'col', text: 'Bell' }), h('th', { scope: 'col', text: 'E-mail' }))), h('tbody', {}, this.rows.map((r) => r.el))),
        h('p', { class: 'field-error', hidden: true }),
      ),
      h('div', { class: 'actions' }, this.save),
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.message.clear();
      const body = {};
      for (const r of this.rows) body[r.kind] = { in_app: r.inApp.checked, email: r.email.checked };
      busy(this.save, 'Saving…', async () => this.handlers.save?.(body));
    });
    const title = defaults ? 'Default notifications' : 'Notifications';
    const id = defaults ? 'np-defaults' : 'np-heading';
    this.el = h(
      'section',
      { class: 'card', 'aria-labelledby': id },
      h('h2', { id, text: title }),
      defaults ? h('p', { class: 'muted', text: 'What people get until they choose for themselves on their profile.' }) : null,
      this.form,
    );
  }

  bindSave(fn) { this.handlers.save = fn; }

  showError(error) { showFormError(this.form, this.message, error); }
}
