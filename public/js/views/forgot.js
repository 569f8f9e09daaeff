// views/forgot.js — "Forgot password": asks for the e-mail address and always answers the
// same way, so the page never says whether an address has an account.

import { h, field, formMessage, clearFieldErrors, busy, showFormError, replace } from '../dom.js';

export class ForgotView {
  constructor() {
    this.message = formMessage();
    this.email = field({ label: 'E-mail', name: 'email', kind: 'email', required: true, attrs: { autocomplete: 'username' } });
    this.submit = h('button', { type: 'submit', class: 'primary', text: 'Send me a link' });
    this.form = h('form', { class: 'stack', novalidate: true }, this.message.el, this.email.el, this.submit);
    this.body = h('div', {}, h('p', { class: 'lead', text: 'Enter the address you sign in with. If it has an account, we e-mail it a link to choose a new password; the link works once, for one hour.' }), this.form);
    this.el = h(
      'section',
      { class: 'auth-card' },
      h('h1', { text: 'Forgot your password?' }),
      this.body,
      h('p', { class: 'muted' }, 'No e-mail? Your help desk admin can make you a reset link. ', h('a', { href: '/signin', text: 'Back to sign in' })),
    );
  }

  bindSubmit(handler) {
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.submit, 'Sending…', () => handler(this.email.control.value.trim()));
    });
  }

  showSent(email) {
    replace(this.body, h('p', { class: 'notice', role: 'status', text: `If ${email} has an account, a link is on its way. Check your inbox (and the spam folder) in a few minutes.` }));
  }

  showError(error) { showFormError(this.form, this.message, error); }
}
