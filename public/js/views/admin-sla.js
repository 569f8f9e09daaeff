// views/admin-sla.js — business hours, holidays and SLA targets. Hours are typed per
// day as "08:00-12:00, 13:00-17:00" (empty: closed); holidays are rows of a date and a
// name; targets are business minutes per priority. Saving either form recomputes every
// open ticket's due times on the server. A category may override any of the targets
// (an empty box keeps the organization's); its row's Remove drops the override when
// the targets are saved.

import { h, replace, field, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';
import { adminTabs } from './admin-nav.js';
import { PRIORITIES, PRIORITY_LABELS, formatBusinessTime } from '../format.js';

const DAYS = [
  ['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'],
  ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday'],
];

const intervalsText = (list) => (list || []).map(([a, b]) => `${a}-${b}`).join(', ');

/** "08:00-12:00, 13:00-17:00" as [["08:00","12:00"], ...]; a malformed part is sent as typed, for the server to name. */
function parseIntervals(text) {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const [a, b] = part.split('-').map((x) => x.trim());
      return [a || '', b || ''];
    });
}

export class AdminSlaView {
  constructor({ hours, sla, categories = [] }) {
    this.allCategories = categories;
    this.handlers = {};
    this.hoursMessage = formMessage();
    this.days = DAYS.map(([key, label]) => [key, field({ label, name: `hours.${key}`, value: intervalsText(hours.hours[key]), attrs: { placeholder: 'Closed', inputmode: 'text' } })]);
    this.zone = field({ label: 'Time zone', name: 'time_zone', value: hours.time_zone_set ? hours.time_zone : '', hint: `An IANA name such as Europe/Berlin. Empty: the server's zone (${hours.time_zone}).` });
    this.holidayRows = h('div', { class: 'stack' });
    this.holidays = [];
    for (const hd of hours.holidays || []) this.addHoliday(hd);
    const add = h('button', { type: 'button', class: 'small', text: 'Add a holiday' });
    add.addEventListener('click', () => this.addHoliday({ date: '', name: '' }, true));
    this.saveHours = h('button', { type: 'submit', class: 'primary', text: 'Save hours and holidays' });
    this.hoursForm = h(
      'form',
      { class: 'stack', novalidate: true },
      this.hoursMessage.el,
      h('fieldset', { class: 'stack' }, h('legend', { text: 'Weekly hours' }), h('p', { class: 'hint', text: 'Intervals like 08:00-12:00, 13:00-17:00. An end before its start runs past midnight; 00:00-24:00 is the whole day.' }), this.days.map(([, f]) => f.el)),
      this.zone.el,
      h('fieldset', { class: 'stack' }, h('legend', { text: 'Holidays' }), h('p', { class: 'hint', text: 'Whole days the desk is closed; SLA clocks do not count them.' }), this.holidayRows, add),
      h('div', { class: 'actions' }, this.saveHours),
    );
    this.hoursForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.hoursForm);
      this.hoursMessage.clear();
      busy(this.saveHours, 'Saving…', async () => this.handlers.saveHours?.(this.hoursValue()));
    });

    this.targetsMessage = formMessage();
    this.targetFields = {};
    this.targetTable = h('div', { class: 'stack' });
    this.saveTargets = h('button', { type: 'submit', class: 'primary', text: 'Save targets' });
    this.overrideRows = h('div', { class: 'stack' });
    this.overrides = [];
    this.addOverride = h('button', { type: 'button', class: 'small', text: 'Add a category override' });
    this.addOverride.addEventListener('click', () => {
      const used = new Set(this.readOverrides().map((o) => o.category_id));
      const free = this.allCategories.find((c) => !used.has(c.id));
      if (!free) return;
      this.overrides = [...this.readOverrides(), { category_id: free.id, targets: {} }];
      this.renderOverrides(this.overrides.length - 1);
    });
    const perCategory = h('fieldset', { class: 'stack' }, h('legend', { text: 'Per category' }),
      h('p', { class: 'hint', text: 'Targets that differ for one category, in business minutes. An empty box keeps the target above.' }),
      this.overrideRows, this.addOverride);
    this.targetsForm = h('form', { class: 'stack', novalidate: true }, this.targetsMessage.el, this.targetTable, perCategory, h('div', { class: 'actions' }, this.saveTargets));
    this.targetsForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.targetsForm);
      this.targetsMessage.clear();
      busy(this.saveTargets, 'Saving…', async () => this.handlers.saveTargets?.(this.targetsValue()));
    });
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/sla'),
      h('section', { class: 'card', 'aria-labelledby': 'hours-heading' }, h('h2', { id: 'hours-heading', text: 'Business hours' }), this.hoursForm),
      h('section', { class: 'card', 'aria-labelledby': 'targets-heading' }, h('h2', { id: 'targets-heading', text: 'SLA targets' }),
        h('p', { class: 'hint', text: 'In business minutes: only time inside the hours above counts, and time on hold does not.' }),
        this.targetsForm),
    );
    this.renderTargets(sla);
  }

  bindSaveHours(fn) { this.handlers.saveHours = fn; }
  bindSaveTargets(fn) { this.handlers.saveTargets = fn; }

  addHoliday({ date, name }, focus = false) {
    const i = this.holidays.length;
    const d = field({ label: 'Date', name: `holidays.${i}.date`, kind: 'date', value: date });
    const n = field({ label: 'Name', name: `holidays.${i}.name`, value: name });
    const remove = h('button', { type: 'button', class: 'small', text: 'Remove', 'aria-label': `Remove holiday ${name || i + 1}` });
    const row = h('div', { class: 'inline-form holiday-row' }, d.el, n.el, remove);
    const entry = { row, d, n, removed: false };
    remove.addEventListener('click', () => {
      entry.removed = true;
      row.remove();
    });
    this.holidays.push(entry);
    this.holidayRows.append(row);
    if (focus) d.control.focus();
  }

  hoursValue() {
    const hours = {};
    for (const [key, f] of this.days) hours[key] = parseIntervals(f.control.value);
    const holidays = this.holidays.filter((e) => !e.removed).map((e) => ({ date: e.d.control.value, name: e.n.control.value.trim() }));
    const zone = this.zone.control.value.trim();
    return { hours, holidays, time_zone: zone || null };
  }

  renderHours(hours) {
    for (const [key, f] of this.days) f.control.value = intervalsText(hours.hours[key]);
    this.zone.control.value = hours.time_zone_set ? hours.time_zone : '';
    replace(this.holidayRows);
    this.holidays = [];
    for (const hd of hours.holidays || []) this.addHoliday(hd);
  }

  renderTargets(sla) {
    this.targetFields = {};
    const rows = PRIORITIES.map((p) => {
      const t = sla.targets[p];
      const cell = (kind, label) => {
        const f = field({ label: `${PRIORITY_LABELS[p]}: ${label} (minutes)`, name: `targets.${p}.${kind}`, kind: 'number', value: String(t[kind]), hint: formatBusinessTime(t[kind] * 60000), attrs: { min: 1, step: 1 } });
        this.targetFields[`${p}.${kind}`] = f;
        return f.el;
      };
      return h('div', { class: 'inline-form target-row' }, cell('first_response', 'first response'), cell('resolution', 'resolution'));
    });
    replace(this.targetTable, rows);
    this.orgTargets = sla.targets;
    this.overrides = (sla.categories || []).map((c) => ({ category_id: c.category_id, name: c.name, targets: c.targets || {} }));
    this.renderOverrides();
  }

  /** One row per overridden category: which category, and a box per priority and clock. */
  renderOverrides(focus = -1) {
    const names = new Map(this.allCategories.map((c) => [c.id, c.name]));
    this.overrideFields = this.overrides.map((o, i) => {
      // A category the list no longer offers (archived) still shows by its saved name.
      const options = this.allCategories.map((c) => [String(c.id), c.name]);
      if (!names.has(o.category_id)) options.push([String(o.category_id), o.name || `Category ${o.category_id}`]);
      const category = field({ label: 'Category', name: `categories.${i}.category_id`, kind: 'select', options, value: String(o.category_id) });
      const boxes = {};
      const cells = PRIORITIES.flatMap((p) => ['first_response', 'resolution'].map((kind) => {
        const own = o.targets?.[p]?.[kind];
        const f = field({
          label: `${PRIORITY_LABELS[p]}: ${kind === 'first_response' ? 'first response' : 'resolution'}`,
          name: `categories.${i}.targets.${p}.${kind}`,
          kind: 'number',
          value: own == null ? '' : String(own),
          attrs: { min: 1, step: 1, placeholder: String(this.orgTargets?.[p]?.[kind] ?? '') },
        });
        boxes[`${p}.${kind}`] = f;
        return f.el;
      }));
      const remove = h('button', { type: 'button', class: 'small', text: 'Remove', 'aria-label': `Remove the override for ${names.get(o.category_id) || o.name || 'this category'}` });
      remove.addEventListener('click', () => {
        const kept = this.readOverrides();
        kept.splice(i, 1);
        this.overrides = kept;
        this.renderOverrides();
        this.addOverride.focus();
      });
      const row = h('div', { class: 'stack category-override', dataset: { category: String(o.category_id) } },
        h('div', { class: 'inline-form' }, category.el, remove),
        h('div', { class: 'inline-form target-row' }, cells));
      return { row, category, boxes };
    });
    replace(this.overrideRows, this.overrideFields.length ? this.overrideFields.map((f) => f.row) : h('p', { class: 'muted', text: 'No category has targets of its own.' }));
    this.addOverride.disabled = this.overrides.length >= this.allCategories.length;
    if (focus >= 0) this.overrideFields[focus]?.category.control.focus();
  }

  /** The override rows as typed: `[{category_id, targets: {urgent: {first_response: 30}}}]`. */
  readOverrides() {
    return (this.overrideFields || []).map(({ category, boxes }) => {
      const targets = {};
      for (const [key, f] of Object.entries(boxes)) {
        const v = f.control.value.trim();
        if (v === '') continue;
        const [p, kind] = key.split('.');
        // A bad number is sent as typed (0 when not a number), for the server to name.
        targets[p] = { ...targets[p], [kind]: Number.isFinite(Number(v)) ? Number(v) : 0 };
      }
      return { category_id: Number(category.control.value), targets };
    });
  }

  targetsValue() {
    const targets = {};
    for (const p of PRIORITIES) {
      const num = (kind) => {
        const v = this.targetFields[`${p}.${kind}`].control.value.trim();
        return v === '' ? 0 : Number(v);
      };
      targets[p] = { first_response: num('first_response'), resolution: num('resolution') };
    }
    return { targets, categories: this.readOverrides() };
  }

  showHoursError(error) {
    // `hours.mon.1` (an interval) is shown on the day's field.
    const fields = {};
    for (const [k, m] of Object.entries(error.fields || {})) fields[k.replace(/^(hours\.[a-z]{3})\.\d+$/, '$1')] = m;
    showFormError(this.hoursForm, this.hoursMessage, { ...error, message: error.message, fields });
  }

  showTargetsError(error) {
    showFormError(this.targetsForm, this.targetsMessage, error);
  }
}
