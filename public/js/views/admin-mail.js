// views/admin-mail.js — Administration → E-mail: the SMTP relay (host, port, STARTTLS or
// TLS, user, password, sender), "Send a test e-mail", the relay's last failure in words
// and how many e-mails wait. The password is never shown: the field stays empty and
// saving it empty keeps the stored one.

import { h, field, formMessage, clearFieldErrors, busy, showFormError, replace } from '../dom.js';
import { adminTabs } from './admin-nav.js';
import { formatDateTime } from '../format.js';

export class MailSettingsView {
  constructor(state) {
    this.handlers = {};
    const s = state.smtp || {};
    this.message = formMessage();
    this.host = field({ label: 'SMTP host', name: 'host', value: s.host || '', hint: 'The relay that sends the help desk’s e-mail, such as smtp.example.com.', required: true });
    this.security = field({ label: 'Security', name: 'security', kind: 'select', value: s.security || 'starttls', options: [['starttls', 'STARTTLS (usually port 587)'], ['tls', 'TLS from the start (usually port 465)'], ['none', 'None (a relay on this machine or a trusted network only)']] });
    this.port = field({ label: 'Port', name: 'port', kind: 'number', value: s.port ? String(s.port) : '', hint: 'Empty: 587, 465 or 25 by the security chosen.', attrs: { min: 1, max: 65535, inputmode: 'numeric' } });
    this.username = field({ label: 'User name', name: 'username', value: s.username || '', hint: 'Empty when the relay needs no sign-in.', attrs: { autocomplete: 'off' } });
    this.password = field({ label: 'Password', name: 'password', kind: 'password', hint: s.password_set ? 'A password is saved. Leave this empty to keep it.' : 'Empty when the relay needs none.', attrs: { autocomplete: 'new-password' } });
    this.sender = field({ label: 'Sender', name: 'sender', value: s.sender || '', hint: 'The From of every e-mail: an address, or Name <address>.', required: true });
    this.save = h('button', { type: 'submit', class: 'primary', text: 'Save relay' });
    this.test = h('button', { type: 'button', text: 'Send a test e-mail', disabled: !state.smtp });
    this.off = h('button', { type: 'button', class: 'danger', text: 'Turn e-mail off', hidden: !state.smtp });
    this.status = h('div', { class: 'mail-status', role: 'status' });
    this.form = h(
      'form',
      { class: 'stack', novalidate: true },
      this.message.el,
      this.host.el,
      this.security.el,
      this.port.el,
      this.username.el,
      this.password.el,
      this.sender.el,
      h('div', { class: 'actions' }, this.save, this.test, this.off),
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      const body = {
        host: this.host.control.value.trim(),
        security: this.security.control.value,
        username: this.username.control.value.trim(),
        sender: this.sender.control.value.trim(),
      };
      const port = this.port.control.value.trim();
      if (port) body.port = Number(port);
      if (this.password.control.value) body.password = this.password.control.value;
      busy(this.save, 'Saving…', async () => this.handlers.save?.(body));
    });
    this.test.addEventListener('click', () => busy(this.test, 'Sending…', async () => this.handlers.test?.()));
    this.off.addEventListener('click', () => this.handlers.off?.());
    this.prefsSlot = h('div');
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/mail'),
      h('section', { class: 'card', 'aria-labelledby': 'smtp-heading' }, h('h2', { id: 'smtp-heading', text: 'E-mail relay (SMTP)' }), h('p', { class: 'muted', text: 'Optional. With a relay the help desk e-mails notifications, password resets and invitations. Without one, everything still shows in the bell, and you hand reset and invitation links over yourself.' }), this.status, this.form),
      this.prefsSlot,
    );
    this.showStatus(state);
  }

  bindSave(fn) { this.handlers.save = fn; }
  bindTest(fn) { this.handlers.test = fn; }
  bindOff(fn) { this.handlers.off = fn; }

  /** The relay's state: its last failure in words, and what waits in the outbox. */
  showStatus(state) {
    const s = state.smtp;
    const lines = [];
    if (!s) lines.push(h('p', { text: 'E-mail is off: no relay is set.' }));
    else if (s.last_error) {
      // Right after a failed test the box above the form already says why.
      const said = !this.message.el.hidden && this.message.el.textContent.includes(s.last_error);
      const why = said ? ['.'] : [': ', s.last_error];
      lines.push(h('p', { class: 'error-text' }, h('strong', { text: 'The relay failed' }), ` (${formatDateTime(s.last_error_at)})`, ...why, ' The help desk keeps trying.'));
    }
    else lines.push(h('p', { text: `E-mail goes through ${s.host}:${s.port}.` }));
    if (state.waiting) lines.push(h('p', { class: 'muted', text: `${state.waiting} e-mail${state.waiting === 1 ? '' : 's'} waiting to be sent.` }));
    replace(this.status, lines);
    this.test.disabled = !s;
    this.off.hidden = !s;
    this.password.control.value = '';
    const hint = this.password.el.querySelector('.hint');
    if (hint) hint.textContent = s?.password_set ? 'A password is saved. Leave this empty to keep it.' : 'Empty when the relay needs none.';
  }

  showError(error) { showFormError(this.form, this.message, error); }
}
