// views/welcome.js — the page a one-time link opens: an invited person (or one whose
// password an admin reset) chooses a password and is signed in. A spent or expired
// link says so and points to the admin.

import { h, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';

export class WelcomeView {
  constructor({ name, purpose }) {
    this.message = formMessage();
    this.password = field({ label: 'New password', name: 'password', kind: 'password', required: true, hint: 'At least 10 characters.', attrs: { autocomplete: 'new-password' } });
    this.repeat = field({ label: 'Repeat the password', name: 'repeat', kind: 'password', required: true, attrs: { autocomplete: 'new-password' } });
    this.submit = h('button', { type: 'submit', class: 'primary', text: 'Set password and sign in' });
    this.form = h('form', { class: 'stack', novalidate: true }, this.message.el, this.password.el, this.repeat.el, this.submit);
    this.el = h(
      'section',
      { class: 'auth-card' },
      h('h1', { text: purpose === 'invite' ? `Welcome, ${name}` : `New password for ${name}` }),
      h('p', { class: 'lead', text: purpose === 'invite' ? 'Your help desk account is ready. Choose a password to start.' : 'Choose a new password. Other devices signed in to your account will be signed out.' }),
      this.form,
    );
  }

  bindSubmit(handler) {
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      if (this.password.control.value !== this.repeat.control.value) {
        showFormError(this.form, this.message, { status: 422, fields: { repeat: 'The two passwords differ.' }, message: 'The two passwords differ.' });
        return;
      }
      busy(this.submit, 'Saving…', () => handler(this.password.control.value));
    });
  }

  showError(error) { showFormError(this.form, this.message, error); }
}

/** A link that no longer works. */
export function spentLinkView() {
  return {
    el: h(
      'section',
      { class: 'auth-card' },
      h('h1', { text: 'This link no longer works' }),
      h('p', {}, 'It was already used, or it expired. ', h('a', { href: '/forgot', text: 'Ask for a new reset link' }), ', or ask your help desk admin for one.'),
      h('p', {}, h('a', { href: '/signin', class: 'button', text: 'Go to sign in' })),
    ),
  };
}
