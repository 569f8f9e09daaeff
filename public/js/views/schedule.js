// views/schedule.js — one staff member's schedule: a week grid of working hours (several
// shifts a day; a shift that ends before it starts runs past midnight), the categories
// they take, a cap on open tickets, and their time off (a list with add and remove).
// Admins pick anyone from the "Person" list; agents see their own. The controller
// (controllers/schedule.js) does the talking to the server; this file only draws and reads.

import { h, replace, field, checkboxes, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';
import { adminTabs } from './admin-nav.js';

export const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

/** `<input type="time">` has no 24:00; midnight at the end of a shift is 00:00 there. */
const forInput = (t) => (t === '24:00' ? '00:00' : t);

export class ScheduleView {
  /**
   * people: [{id, name}] for an admin's person picker, or null on one's own page.
   * categories: [{id, name}] that can be ticked.
   */
  constructor({ people, categories }) {
    this.handlers = {};
    this.admin = !!people;
    this.heading = h('h2', { id: 'hours-heading' });
    this.zoneNote = h('p', { class: 'muted' });
    this.message = formMessage();
    this.days = h('div', { class: 'week' });
    this.categoryBoxes = checkboxes({ legend: 'Categories they take', name: 'categories', hint: 'None ticked: every category.', items: categories });
    this.cap = field({
      label: 'Most open tickets at once',
      name: 'cap',
      kind: 'number',
      hint: 'Automatic assignment stops giving them tickets at this many open ones. Empty: no limit.',
      attrs: { min: 0, step: 1, inputmode: 'numeric' },
    });
    this.save = h('button', { type: 'submit', class: 'primary', text: 'Save schedule' });
    this.form = h(
      'form',
      { class: 'stack', novalidate: true, 'aria-labelledby': 'hours-heading' },
      this.message.el,
      this.days,
      h('div', { class: 'grid-2' }, this.categoryBoxes.el, this.cap.el),
      h('div', { class: 'actions' }, this.save),
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.save, 'Saving…', async () => this.handlers.save?.(this.read()));
    });

    this.offList = h('ul', { class: 'time-off' });
    this.offMessage = formMessage();
    this.offStart = field({ label: 'From', name: 'start', kind: 'datetime-local', required: true });
    this.offEnd = field({ label: 'Until', name: 'end', kind: 'datetime-local', required: true });
    this.offReason = field({ label: 'Reason', name: 'reason', hint: 'Seen only by admins and by this person.', attrs: { maxlength: 200 } });
    this.offAdd = h('button', { type: 'submit', text: 'Add time off' });
    this.offForm = h(
      'form',
      { class: 'stack', novalidate: true, 'aria-label': 'Add time off' },
      this.offMessage.el,
      h('div', { class: 'grid-3' }, this.offStart.el, this.offEnd.el, this.offReason.el),
      h('div', { class: 'actions' }, this.offAdd),
    );
    this.offForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.offForm);
      this.offMessage.clear();
      const body = { start: this.offStart.control.value, end: this.offEnd.control.value, reason: this.offReason.control.value.trim() };
      busy(this.offAdd, 'Adding…', async () => this.handlers.addTimeOff?.(body));
    });

    let picker = null;
    if (people) {
      this.person = field({
        label: 'Person',
        name: 'person',
        kind: 'select',
        options: people.map((p) => [String(p.id), p.name]),
      });
      this.person.control.addEventListener('change', () => this.handlers.pick?.(Number(this.person.control.value)));
      picker = h('div', { class: 'person-picker' }, this.person.el);
    }
    this.el = h(
      'div',
      { class: 'page wide' },
      people ? h('h1', { text: 'Administration' }) : h('h1', { text: 'My schedule' }),
      people ? adminTabs('/admin/schedules') : null,
      picker,
      h('section', { class: 'card', 'aria-labelledby': 'hours-heading' }, this.heading, this.zoneNote, this.form),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'off-heading' },
        h('h2', { id: 'off-heading', text: 'Time off' }),
        h('p', { class: 'muted', text: 'Nobody is assigned tickets automatically while on time off, whatever their hours say.' }),
        this.offList,
        this.offForm,
      ),
    );
  }

  bindPick(fn) { this.handlers.pick = fn; }
  bindSave(fn) { this.handlers.save = fn; }
  bindAddTimeOff(fn) { this.handlers.addTimeOff = fn; }
  bindRemoveTimeOff(fn) { this.handlers.removeTimeOff = fn; }

  /** Draws `schedule` (the API's Schedule shape). */
  render(schedule) {
    this.schedule = schedule;
    if (this.person) this.person.control.value = String(schedule.user.id);
    this.heading.textContent = this.admin ? `Weekly hours of ${schedule.user.name}` : 'Weekly hours';
    this.zoneNote.textContent = `Times are in ${schedule.time_zone}. A shift that ends before it starts runs past midnight; several shifts a day are fine.`;
    replace(this.days, DAYS.map(([key, name]) => this.day(key, name, schedule.hours[key] || [])));
    this.categoryBoxes.set(schedule.categories);
    this.cap.control.value = schedule.cap ?? '';
    this.renderTimeOff(schedule.time_off);
  }

  day(key, name, shifts) {
    const list = h('div', { class: 'shifts' });
    const set = h(
      'fieldset',
      { class: 'day', dataset: { field: `hours.${key}` } },
      h('legend', { text: name }),
      list,
      h('p', { class: 'field-error', hidden: true }),
    );
    const add = h('button', { type: 'button', class: 'small', text: 'Add hours', 'aria-label': `Add hours on ${name}` });
    const renumber = () => {
      [...list.children].forEach((row, i) => {
        row.dataset.field = `hours.${key}.${i}`;
        const [start, end, remove] = row.querySelectorAll('input, button');
        start.setAttribute('aria-label', `${name} shift ${i + 1} starts`);
        end.setAttribute('aria-label', `${name} shift ${i + 1} ends`);
        remove.setAttribute('aria-label', `Remove ${name} shift ${i + 1}`);
      });
      set.classList.toggle('has-shifts', list.childElementCount > 0);
    };
    const addRow = ([from, to] = ['', ''], focus = false) => {
      const start = h('input', { type: 'time', value: forInput(from), step: 60 });
      const end = h('input', { type: 'time', value: forInput(to), step: 60 });
      const remove = h('button', { type: 'button', class: 'small', text: 'Remove' });
      const row = h('div', { class: 'shift field' }, h('div', { class: 'shift-times' }, start, h('span', { 'aria-hidden': 'true', text: '–' }), end, remove), h('p', { class: 'field-error', hidden: true }));
      remove.addEventListener('click', () => {
        row.remove();
        renumber();
        add.focus();
      });
      list.append(row);
      renumber();
      if (focus) start.focus();
    };
    add.addEventListener('click', () => addRow(['', ''], true));
    shifts.forEach((s) => addRow(s));
    set.append(add);
    return set;
  }

  /** The form as the API's PUT body. Rows with no times at all are left out. */
  read() {
    const hours = {};
    for (const set of this.days.querySelectorAll('fieldset.day')) {
      const key = set.dataset.field.split('.')[1];
      hours[key] = [...set.querySelectorAll('.shift')]
        .map((row) => [...row.querySelectorAll('input')].map((i) => i.value))
        .filter(([a, b]) => a || b);
    }
    const categories = this.categoryBoxes.checked();
    const capText = this.cap.control.value.trim();
    return { hours, categories, cap: capText === '' ? null : Number(capText) };
  }

  renderTimeOff(list) {
    if (!list.length) {
      replace(this.offList, h('li', { class: 'empty-line', text: 'No time off planned.' }));
      return;
    }
    replace(
      this.offList,
      list.map((t) => {
        const when = `${t.start_local.replace('T', ' ')} – ${t.end_local.replace('T', ' ')}`;
        const remove = h('button', { type: 'button', class: 'small', text: 'Remove', 'aria-label': `Remove time off ${when}` });
        remove.addEventListener('click', () => busy(remove, 'Removing…', async () => this.handlers.removeTimeOff?.(t)));
        return h('li', { class: 'time-off-item' }, h('span', {}, h('strong', { text: when }), t.reason ? h('span', { class: 'muted', text: ` · ${t.reason}` }) : null), remove);
      }),
    );
  }

  timeOffAdded() {
    this.offForm.reset();
  }

  showError(error) {
    showFormError(this.form, this.message, error);
  }

  showTimeOffError(error) {
    showFormError(this.offForm, this.offMessage, error);
  }
}
