// views/signin.js — the sign-in page.

import { h, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';

export class SignInView {
  constructor({ notice } = {}) {
    this.message = formMessage();
    this.email = field({ label: 'E-mail', name: 'email', kind: 'email', required: true, attrs: { autocomplete: 'username' } });
    this.password = field({ label: 'Password', name: 'password', kind: 'password', required: true, attrs: { autocomplete: 'current-password' } });
    this.submit = h('button', { type: 'submit', class: 'primary', text: 'Sign in' });
    this.form = h('form', { class: 'stack', novalidate: true }, this.message.el, this.email.el, this.password.el, this.submit);
    this.el = h(
      'section',
      { class: 'auth-card' },
      h('h1', { text: 'Sign in' }),
      notice ? h('p', { class: 'notice', text: notice }) : null,
      this.form,
      h('p', {}, h('a', { href: '/forgot', text: 'Forgot your password?' })),
      h('p', { class: 'muted' }, 'New here? ', h('a', { href: '/register', text: 'Create an account' }), ' with your organization’s join code.'),
    );
  }

  bindSubmit(handler) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.submit, 'Signing in…', () =>
        handler({ email: this.email.control.value.trim(), password: this.password.control.value }),
      );
    });
  }

  showError(error) {
    showFormError(this.form, this.message, error);
  }
}
