// views/ticket-edit.js — the editor that takes the place of a ticket's request while the
// person changes it. A requester may fix the title, description and questionnaire answers
// until the help desk acts (`ticket.can.edit`); staff (`can.edit_all`) may also move the
// ticket to another category, which asks that category's questions, and change the
// contact. Server errors land beside their fields (`title`, `answers.<id>`, `contact.email`…).

import { h, replace, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';
import { questionField, readAnswers } from './questions.js';

export class TicketEditView {
  /** `categories`: the active ones; the ticket's own is kept even when it was retired. */
  constructor({ ticket, categories, staff }) {
    this.ticket = ticket;
    this.staff = staff && ticket.can?.edit_all;
    this.categories = categories;
    this.handlers = {};
    this.readers = [];
    this.message = formMessage();
    this.title = field({ label: 'Title', name: 'title', required: true, value: ticket.title, attrs: { maxlength: 200 } });
    this.description = field({ label: 'Description', name: 'description', kind: 'textarea', required: true, value: ticket.description });
    this.description.control.rows = 6;
    this.questions = h('div', { class: 'questions' });
    const parts = [this.message.el];
    if (this.staff) {
      const options = categories.map((c) => [String(c.id), c.name]);
      if (!categories.some((c) => c.id === ticket.category?.id)) options.unshift([String(ticket.category?.id ?? ''), ticket.category?.name || '—']);
      this.category = field({ label: 'Category', name: 'category_id', kind: 'select', value: String(ticket.category?.id ?? ''), options });
      this.category.control.addEventListener('change', () => this.showQuestions());
      parts.push(this.category.el);
    }
    parts.push(this.title.el, this.description.el, h('fieldset', { class: 'questions-set' }, h('legend', { text: 'Answers' }), this.questions));
    if (this.staff) {
      const c = ticket.contact || {};
      this.contact = {
        name: field({ label: 'Name', name: 'contact.name', value: c.name || '', attrs: { autocomplete: 'off' } }),
        email: field({ label: 'E-mail', name: 'contact.email', kind: 'email', value: c.email || '', attrs: { autocomplete: 'off' } }),
        phone: field({ label: 'Phone', name: 'contact.phone', kind: 'tel', value: c.phone || '', attrs: { autocomplete: 'off' } }),
      };
      parts.push(h('fieldset', { class: 'contact' }, h('legend', { text: 'Contact' }), h('div', { class: 'grid-3' }, this.contact.name.el, this.contact.email.el, this.contact.phone.el)));
    }
    this.save = h('button', { type: 'submit', class: 'primary', text: 'Save changes' });
    this.cancel = h('button', { type: 'button', text: 'Cancel' });
    this.cancel.addEventListener('click', () => this.handlers.cancel?.());
    parts.push(h('div', { class: 'actions' }, this.save, this.cancel));
    this.form = h('form', { class: 'stack ticket-edit', novalidate: true, 'aria-labelledby': 'edit-heading' }, h('h2', { id: 'edit-heading', text: 'Edit ticket' }), parts);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.save, 'Saving…', async () => this.handlers.save?.(this.read()));
    });
    this.form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.handlers.cancel?.();
    });
    this.el = this.form;
    this.showQuestions();
  }

  bindSave(fn) { this.handlers.save = fn; }
  bindCancel(fn) { this.handlers.cancel = fn; }

  categoryId() {
    return this.category ? Number(this.category.control.value) : this.ticket.category?.id;
  }

  /** The chosen category's questions, pre-filled with the answers given so far. */
  showQuestions() {
    const cat = this.categories.find((c) => c.id === this.categoryId());
    const given = new Map((this.ticket.answers || []).map((a) => [a.question_id, a.value]));
    this.readers = [];
    // A retired category's questions are not listed any more; its answers stay as they are.
    this.answersKnown = Boolean(cat);
    const set = this.questions.parentElement;
    const questions = cat?.questions || [];
    set.hidden = !questions.length;
    replace(
      this.questions,
      questions.map((q) => {
        const { el, read } = questionField(q, given.has(q.id) ? given.get(q.id) : null);
        this.readers.push([q, read]);
        return el;
      }),
    );
  }

  read() {
    const body = { title: this.title.control.value.trim(), description: this.description.control.value.trim() };
    if (this.answersKnown) body.answers = readAnswers(this.readers);
    if (this.staff) {
      if (this.categoryId() !== this.ticket.category?.id) body.category_id = this.categoryId();
      body.contact = Object.fromEntries(Object.entries(this.contact).map(([k, f]) => [k, f.control.value.trim()]));
    }
    return body;
  }

  focus() {
    this.title.control.focus();
  }

  /** Shows a refused save: field errors beside their fields, anything else on top. */
  showError(error) {
    showFormError(this.form, this.message, error, { allPlaced: 'Please correct the highlighted fields.' });
  }
}
