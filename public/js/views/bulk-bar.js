// views/bulk-bar.js — the queue's bulk actions: shown once tickets are ticked, it offers
// an assignee, a status and a priority and applies the chosen ones to every ticked
// ticket in one request. (Resolving needs a log per ticket, so it is not offered.)

import { h, replace, nextId } from '../dom.js';
import { STATUS_LABELS, PRIORITIES, PRIORITY_LABELS } from '../format.js';

const KEEP = '__keep__';
const BULK_STATUSES = ['open', 'in_progress', 'on_hold', 'closed'];

export class BulkBar {
  constructor() {
    this.handlers = {};
    this.count = h('strong', { role: 'status' });
    const sel = (label, options) => {
      const id = nextId('bulk');
      const control = h('select', { id }, [[KEEP, 'Keep as is'], ...options].map(([v, t]) => h('option', { value: v, text: t })));
      return { control, el: h('div', { class: 'field' }, h('label', { for: id, text: label }), control) };
    };
    this.assignee = sel('Set assignee', [['', 'Unassigned']]);
    this.status = sel('Set status', BULK_STATUSES.map((s) => [s, STATUS_LABELS[s]]));
    this.priority = sel('Set priority', PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]]));
    this.apply = h('button', { type: 'submit', class: 'primary', text: 'Apply' });
    this.clear = h('button', { type: 'button', text: 'Clear selection', on: { click: () => this.handlers.clear?.() } });
    this.el = h(
      'form',
      { class: 'bulk-bar', hidden: true, 'aria-label': 'Change the selected tickets' },
      this.count,
      this.assignee.el,
      this.status.el,
      this.priority.el,
      h('div', { class: 'actions' }, this.clear, this.apply),
    );
    this.el.addEventListener('submit', (e) => {
      e.preventDefault();
      const change = {};
      const a = this.assignee.control.value;
      if (a !== KEEP) change.assignee_id = a ? Number(a) : null;
      if (this.status.control.value !== KEEP) change.status = this.status.control.value;
      if (this.priority.control.value !== KEEP) change.priority = this.priority.control.value;
      if (!Object.keys(change).length) {
        this.count.textContent = 'Choose an assignee, a status or a priority first.';
        return;
      }
      this.handlers.apply?.(change);
    });
  }

  bindApply(fn) { this.handlers.apply = fn; }
  bindClear(fn) { this.handlers.clear = fn; }

  setAgents(agents) {
    replace(this.assignee.control, [[KEEP, 'Keep as is'], ['', 'Unassigned'], ...agents.map((a) => [String(a.id), `${a.name}${a.tier ? ` · tier ${a.tier}` : ''}`])]
      .map(([v, t]) => h('option', { value: v, text: t })));
  }

  /** Shows the bar for `n` ticked tickets (hides it at 0). */
  show(n) {
    this.el.hidden = n === 0;
    this.count.textContent = `${n} selected`;
    this.apply.textContent = `Apply to ${n} ticket${n === 1 ? '' : 's'}`;
  }

  reset() {
    for (const s of [this.assignee, this.status, this.priority]) s.control.value = KEEP;
  }
}
