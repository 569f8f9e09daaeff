// views/canned-replies.js — the profile's "Canned replies" card for staff: the shared
// replies and one's own, a form to save a new one (admins may share it with everyone),
// and delete for the ones a person may change.

import { h, field, replace, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';

export class CannedRepliesView {
  constructor({ admin }) {
    this.admin = admin;
    this.handlers = {};
    this.message = formMessage();
    this.title = field({ label: 'Title', name: 'title', required: true, hint: 'What the picker shows, such as "Password reset done".' });
    this.body = field({ label: 'Reply text', name: 'body', kind: 'textarea', required: true, hint: 'Placeholders: {{requester.name}}, {{ticket.number}}, {{agent.name}} (whoever inserts it).' });
    this.shared = admin ? h('input', { type: 'checkbox', id: 'canned-shared', name: 'shared' }) : null;
    this.save = h('button', { type: 'submit', text: 'Save reply' });
    this.list = h('ul', { class: 'canned-manage' });
    this.form = h(
      'form',
      { class: 'stack', novalidate: true },
      this.message.el,
      this.title.el,
      this.body.el,
      this.shared ? h('div', { class: 'radio' }, this.shared, h('label', { for: 'canned-shared', text: 'Shared with every agent' })) : null,
      h('div', { class: 'actions' }, this.save),
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.save, 'Saving…', async () => {
        const ok = await this.handlers.create?.({ title: this.title.control.value.trim(), body: this.body.control.value, shared: !!this.shared?.checked });
        if (ok) {
          this.title.control.value = '';
          this.body.control.value = '';
        }
      });
    });
    this.el = h(
      'section',
      { class: 'card', 'aria-labelledby': 'canned-heading' },
      h('h2', { id: 'canned-heading', text: 'Canned replies' }),
      h('p', { class: 'hint', text: 'Saved replies you insert from any ticket\'s reply box with "Insert canned reply".' }),
      this.list,
      this.form,
    );
  }

  bindCreate(fn) { this.handlers.create = fn; }
  bindDelete(fn) { this.handlers.delete = fn; }

  render(replies) {
    if (!replies.length) {
      replace(this.list, h('li', { class: 'muted', text: 'None yet.' }));
      return;
    }
    replace(this.list, replies.map((r) => h(
      'li',
      {},
      h('strong', { text: r.title }),
      r.shared ? h('span', { class: 'role-tag', text: 'Shared' }) : null,
      !r.shared || this.admin
        ? h('button', { type: 'button', class: 'small', text: 'Delete', 'aria-label': `Delete ${r.title}`, on: { click: () => this.handlers.delete?.(r) } })
        : null,
    )));
  }

  showError(error) { showFormError(this.form, this.message, error); }
}
