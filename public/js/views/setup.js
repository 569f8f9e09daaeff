// views/setup.js — the first-run page opened from the link the server prints on its
// console: it names the organization and creates the first admin.

import { h, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';

export class SetupView {
  constructor({ token, needed }) {
    this.message = formMessage();
    if (!needed) {
      this.el = h(
        'section',
        { class: 'auth-card' },
        h('h1', { text: 'This help desk is already set up' }),
        h('p', {}, 'Setup has been completed. ', h('a', { href: '/signin', text: 'Sign in' }), ' to continue.'),
      );
      return;
    }
    this.token = field({
      label: 'Setup token',
      name: 'token',
      value: token || '',
      required: true,
      hint: 'Printed on the server console when it starts. The link from the console fills it in.',
      attrs: { autocomplete: 'off' },
    });
    this.org = field({ label: 'Organization name', name: 'organization.name', required: true, attrs: { autocomplete: 'organization' } });
    this.name = field({ label: 'Your name', name: 'admin.name', required: true, attrs: { autocomplete: 'name' } });
    this.email = field({ label: 'Your e-mail', name: 'admin.email', kind: 'email', required: true, attrs: { autocomplete: 'email' } });
    this.password = field({
      label: 'Password',
      name: 'admin.password',
      kind: 'password',
      required: true,
      hint: 'At least 10 characters.',
      attrs: { autocomplete: 'new-password' },
    });
    this.submit = h('button', { type: 'submit', class: 'primary', text: 'Create the help desk' });
    this.form = h(
      'form',
      { class: 'stack', novalidate: true },
      this.message.el,
      token ? null : this.token.el,
      h('fieldset', {}, h('legend', { text: 'Organization' }), this.org.el),
      h('fieldset', {}, h('legend', { text: 'First administrator' }), this.name.el, this.email.el, this.password.el),
      this.submit,
    );
    this.el = h(
      'section',
      { class: 'auth-card' },
      h('h1', { text: 'Set up your help desk' }),
      h('p', { class: 'lead', text: 'Name your organization and create the administrator account. You can invite everyone else afterwards with a join code.' }),
      this.form,
    );
  }

  bindSubmit(handler) {
    if (!this.form) return;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.submit, 'Creating…', () =>
        handler({
          token: this.token.control.value.trim(),
          organization: { name: this.org.control.value.trim() },
          admin: {
            name: this.name.control.value.trim(),
            email: this.email.control.value.trim(),
            password: this.password.control.value,
          },
        }),
      );
    });
  }

  showError(error) {
    showFormError(this.form, this.message, error);
  }
}
