// views/register.js — creating a requester account with the organization's join code.

import { h, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';

export class RegisterView {
  constructor({ joinCode = '' } = {}) {
    this.message = formMessage();
    this.code = field({
      label: 'Join code',
      name: 'join_code',
      value: joinCode,
      required: true,
      hint: 'Ask your IT team for the join code.',
      attrs: { autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' },
    });
    this.name = field({ label: 'Your name', name: 'name', required: true, attrs: { autocomplete: 'name' } });
    this.email = field({ label: 'Work e-mail', name: 'email', kind: 'email', required: true, attrs: { autocomplete: 'email' } });
    this.password = field({
      label: 'Password',
      name: 'password',
      kind: 'password',
      required: true,
      hint: 'At least 10 characters.',
      attrs: { autocomplete: 'new-password' },
    });
    this.submit = h('button', { type: 'submit', class: 'primary', text: 'Create account' });
    this.form = h(
      'form',
      { class: 'stack', novalidate: true },
      this.message.el,
      this.code.el,
      this.name.el,
      this.email.el,
      this.password.el,
      this.submit,
    );
    this.el = h(
      'section',
      { class: 'auth-card' },
      h('h1', { text: 'Create your account' }),
      h('p', { class: 'lead', text: 'With an account you can ask IT for help and follow your requests.' }),
      this.form,
      h('p', { class: 'muted' }, 'Already have an account? ', h('a', { href: '/signin', text: 'Sign in' }), '.'),
    );
  }

  bindSubmit(handler) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.submit, 'Creating account…', () =>
        handler({
          join_code: this.code.control.value.trim(),
          name: this.name.control.value.trim(),
          email: this.email.control.value.trim(),
          password: this.password.control.value,
        }),
      );
    });
  }

  showError(error) {
    showFormError(this.form, this.message, error);
  }
}
