// views/profile.js — a person's own details (name, phone; e-mail is shown, not edited)
// and the password change form.

import { h, field, formMessage, showFieldErrors, clearFieldErrors, busy, showFormError } from '../dom.js';
import { ROLE_LABELS } from '../format.js';

export class ProfileView {
  constructor({ user, organization }) {
    this.handlers = {};
    this.profileMessage = formMessage();
    this.name = field({ label: 'Name', name: 'name', value: user.name, required: true, attrs: { autocomplete: 'name' } });
    this.phone = field({ label: 'Phone', name: 'phone', kind: 'tel', value: user.phone || '', hint: 'Used to pre-fill new tickets, so IT can call you back.', attrs: { autocomplete: 'tel' } });
    this.saveProfile = h('button', { type: 'submit', class: 'primary', text: 'Save profile' });
    this.profileForm = h(
      'form',
      { class: 'stack', novalidate: true },
      this.profileMessage.el,
      h('p', {}, h('span', { class: 'muted', text: 'E-mail: ' }), user.email),
      h('p', {}, h('span', { class: 'muted', text: 'Role: ' }), ROLE_LABELS[user.role] || user.role, user.tier ? ` · tier ${user.tier}` : '', organization ? ` · ${organization.name}` : ''),
      this.name.el,
      this.phone.el,
      h('div', { class: 'actions' }, this.saveProfile),
    );
    this.profileForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.profileForm);
      this.profileMessage.clear();
      busy(this.saveProfile, 'Saving…', async () => this.handlers.save?.({ name: this.name.control.value.trim(), phone: this.phone.control.value.trim() }));
    });

    this.passwordMessage = formMessage();
    this.current = field({ label: 'Current password', name: 'current_password', kind: 'password', required: true, attrs: { autocomplete: 'current-password' } });
    this.next = field({ label: 'New password', name: 'new_password', kind: 'password', required: true, hint: 'At least 10 characters. Other signed-in devices will be signed out.', attrs: { autocomplete: 'new-password' } });
    this.repeat = field({ label: 'Repeat new password', name: 'repeat', kind: 'password', required: true, attrs: { autocomplete: 'new-password' } });
    this.savePassword = h('button', { type: 'submit', text: 'Change password' });
    this.passwordForm = h('form', { class: 'stack', novalidate: true }, this.passwordMessage.el, this.current.el, this.next.el, this.repeat.el, h('div', { class: 'actions' }, this.savePassword));
    this.passwordForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.passwordForm);
      this.passwordMessage.clear();
      if (this.next.control.value !== this.repeat.control.value) {
        showFieldErrors(this.passwordForm, { repeat: 'The two new passwords differ.' });
        return;
      }
      busy(this.savePassword, 'Changing…', async () => {
        const ok = await this.handlers.password?.({ current_password: this.current.control.value, new_password: this.next.control.value });
        if (ok) for (const f of [this.current, this.next, this.repeat]) f.control.value = '';
      });
    });

    this.el = h(
      'div',
      { class: 'page narrow' },
      h('h1', { text: 'Your profile' }),
      h('section', { class: 'card', 'aria-labelledby': 'p-heading' }, h('h2', { id: 'p-heading', text: 'Details' }), this.profileForm),
      h('section', { class: 'card', 'aria-labelledby': 'pw-heading' }, h('h2', { id: 'pw-heading', text: 'Password' }), this.passwordForm),
    );
  }

  bindSave(fn) { this.handlers.save = fn; }
  bindPassword(fn) { this.handlers.password = fn; }

  showProfileError(error) {
    showFormError(this.profileForm, this.profileMessage, error);
  }

  showPasswordError(error) {
    showFormError(this.passwordForm, this.passwordMessage, error);
  }
}
