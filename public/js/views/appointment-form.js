// views/appointment-form.js — booking, changing, moving and cancelling one appointment.
// When the server answers 409 with conflicts, the form lists them and offers "Book
// anyway", which sends the same body with `force: true`. Times are the organization's
// local times (datetime-local), which the server reads in its zone.

import { h, field, checkboxes, formMessage, showFormError, clearFieldErrors, busy } from '../dom.js';

export class AppointmentForm {
  constructor({ people }) {
    this.handlers = {};
    this.heading = h('h2', { id: 'appt-heading' });
    this.title = field({ label: 'Title', name: 'title', required: true, attrs: { maxlength: 200 } });
    this.start = field({ label: 'Starts', name: 'start', kind: 'datetime-local', required: true });
    this.end = field({ label: 'Ends', name: 'end', kind: 'datetime-local', required: true });
    this.location = field({ label: 'Location', name: 'location', attrs: { maxlength: 200 } });
    this.ticket = field({ label: 'Ticket number', name: 'ticket', kind: 'number', attrs: { min: 1 } });
    this.people = checkboxes({ legend: 'Staff taking part', name: 'participants', items: people });
    this.notes = field({ label: 'Notes', name: 'notes', kind: 'textarea' });
    this.visible = h('input', { type: 'checkbox', id: 'appt-visible', name: 'visible_to_requester' });
    this.message = formMessage();
    this.conflicts = h('div', { class: 'appt-conflicts', role: 'alert', hidden: true });
    this.save = h('button', { type: 'submit', class: 'primary', text: 'Save' });
    this.cancelButton = h('button', { type: 'button', class: 'danger', text: 'Cancel appointment', on: { click: () => this.cancel() } });
    this.form = h(
      'form',
      { class: 'card appt-form', 'aria-labelledby': 'appt-heading', novalidate: true, on: { submit: (e) => (e.preventDefault(), this.submit(false)) } },
      this.heading,
      this.message.el,
      this.conflicts,
      this.title.el,
      h('div', { class: 'appt-times' }, this.start.el, this.end.el),
      this.location.el,
      this.ticket.el,
      this.people.el,
      h(
        'div',
        { class: 'field', dataset: { field: 'visible_to_requester' } },
        h('div', { class: 'checkbox' }, this.visible, h('label', { for: 'appt-visible', text: 'The requester sees the date and time on their ticket' })),
        h('p', { class: 'field-error', hidden: true }),
      ),
      this.notes.el,
      h('div', { class: 'form-actions' }, this.save, this.cancelButton, h('button', { type: 'button', text: 'Close', on: { click: () => this.close() } })),
    );
    this.el = h('div', { class: 'appt-form-wrap', hidden: true }, this.form);
  }

  bindSave(fn) { this.handlers.save = fn; }
  bindCancel(fn) { this.handlers.cancel = fn; }

  /** Opens for a new appointment (`a` has no id) or an existing one. */
  open(a) {
    this.current = a;
    clearFieldErrors(this.form);
    this.message.clear();
    this.conflicts.hidden = true;
    this.heading.textContent = a.id ? 'Appointment' : 'New appointment';
    this.title.control.value = a.title || '';
    this.start.control.value = a.start_local || '';
    this.end.control.value = a.end_local || '';
    this.location.control.value = a.location || '';
    this.ticket.control.value = a.ticket ? String(a.ticket.number) : '';
    this.people.set((a.participants || []).map((p) => p.id));
    this.notes.control.value = a.notes || '';
    this.visible.checked = !!a.visible_to_requester;
    this.cancelButton.hidden = !a.id;
    this.el.hidden = false;
    this.title.control.focus();
  }

  close() {
    this.el.hidden = true;
    this.current = null;
  }

  body(force) {
    const ticket = this.ticket.control.value.trim();
    return {
      title: this.title.control.value,
      start: this.start.control.value,
      end: this.end.control.value,
      location: this.location.control.value,
      ticket: ticket ? Number(ticket) : null,
      participants: this.people.checked(),
      notes: this.notes.control.value,
      visible_to_requester: this.visible.checked,
      force,
    };
  }

  async submit(force) {
    clearFieldErrors(this.form);
    this.message.clear();
    this.conflicts.hidden = true;
    await busy(this.save, 'Saving…', async () => {
      try {
        await this.handlers.save?.(this.body(force), this.current?.id);
        this.close();
      } catch (error) {
        if (error.code === 'scheduling_conflict') this.showConflicts(error.conflicts || []);
        else showFormError(this.form, this.message, error);
      }
    });
  }

  showConflicts(list) {
    this.conflicts.replaceChildren(
      h('p', { text: 'This clashes with:' }),
      h('ul', {}, list.map((c) => h('li', { text: c.message }))),
      h('button', { type: 'button', class: 'primary', text: 'Book anyway', on: { click: () => this.submit(true) } }),
    );
    this.conflicts.hidden = false;
    this.conflicts.querySelector('button').focus();
  }

  async cancel() {
    if (!this.current?.id) return;
    try {
      if ((await this.handlers.cancel?.(this.current)) !== false) this.close();
    } catch (error) {
      showFormError(this.form, this.message, error);
    }
  }
}
