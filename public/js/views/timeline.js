// views/timeline.js — a ticket's watchers (staff add anyone through a person picker; others
// only watch or stop watching themselves) and its history: every change, who made it and
// when, newest first.

import { h, replace, busy } from '../dom.js';
import { timeEl, statusLabel, priorityLabel } from '../format.js';
import { PersonPicker } from './person-picker.js';

export class WatchersView {
  constructor({ me, staff }) {
    this.me = me;
    this.staff = staff;
    this.handlers = {};
    this.watchers = [];
    this.list = h('ul', { class: 'watchers' });
    this.tools = h('div', { class: 'watch-tools' });
    // Staff may add anyone in the organization; one picker lives for the page so focus
    // stays in it between additions.
    if (staff) {
      this.picker = new PersonPicker({ label: 'Add a watcher', exclude: (p) => this.watchers.some((w) => w.id === p.id) });
      this.picker.bindSearch((q) => this.handlers.search?.(q));
      this.picker.bindPick((p) => this.handlers.add?.(p.id));
    }
    this.el = h('section', { class: 'card', 'aria-labelledby': 'watchers-heading' }, h('h2', { id: 'watchers-heading', text: 'Watchers' }), this.list, this.tools);
  }

  bindAdd(fn) { this.handlers.add = fn; }
  bindRemove(fn) { this.handlers.remove = fn; }
  /** `fn(q)` resolves to [{id, name, email?}] matching the typed text. */
  bindSearch(fn) { this.handlers.search = fn; }

  /** `ownerId`: the requester, who follows the ticket anyway and needs no watch button. */
  render(watchers, ownerId = null) {
    this.watchers = watchers;
    const watching = watchers.some((w) => w.id === this.me.id);
    replace(
      this.list,
      watchers.length
        ? watchers.map((w) => {
            const li = h('li', {}, h('span', { text: w.name }));
            if (this.staff || w.id === this.me.id) {
              const b = h('button', { type: 'button', class: 'small', text: 'Remove', 'aria-label': `Stop ${w.name} watching` });
              b.addEventListener('click', () => busy(b, '…', async () => this.handlers.remove?.(w)));
              li.append(b);
            }
            return li;
          })
        : h('li', { class: 'muted', text: 'Nobody is watching this ticket.' }),
    );
    const toggle = h('button', { type: 'button', class: 'small', text: watching ? 'Stop watching' : 'Watch this ticket' });
    toggle.addEventListener('click', () =>
      busy(toggle, '…', async () => (watching ? this.handlers.remove?.(this.me) : this.handlers.add?.(this.me.id))),
    );
    const parts = this.staff || ownerId !== this.me.id ? [toggle] : [];
    if (this.picker) parts.push(this.picker.el);
    replace(this.tools, parts);
  }
}

export class HistoryView {
  constructor() {
    this.list = h('ol', { class: 'timeline' }, h('li', { class: 'loading', text: 'Loading history…' }));
    this.el = h('section', { class: 'card', 'aria-labelledby': 'history-heading' }, h('h2', { id: 'history-heading', text: 'History' }), this.list);
  }

  render(items) {
    // Newest first; changes in the same millisecond (a ticket filed and assigned at once) by id.
    const sorted = [...items].sort((a, b) => b.created_at - a.created_at || b.id - a.id);
    replace(
      this.list,
      sorted.length
        ? sorted.map((item) =>
            h('li', {}, h('p', {}, h('strong', { text: item.actor?.name || 'System' }), ' ', describe(item)), item.detail ? h('p', { class: 'detail', text: item.detail }) : null, h('p', { class: 'muted small' }, timeEl(item.created_at, { full: true }))),
          )
        : h('li', { class: 'muted', text: 'No changes yet.' }),
    );
  }
}

const VERBS = {
  created: 'opened the ticket',
  escalated: 'escalated the ticket',
  resolved: 'resolved the ticket',
  reopened: 'reopened the ticket',
  commented: 'replied',
  replied: 'replied',
  internal_note: 'added an internal note',
  made_internal: 'made a message an internal note',
  task_added: 'added a task',
  task_done: 'completed a task',
  task_deleted: 'deleted a task',
  task_removed: 'deleted a task',
  watcher_added: 'added a watcher',
  watcher_removed: 'removed a watcher',
  waiting: 'found nobody available: the ticket waits for an agent',
};

const FIELD_NAMES = { assignee: 'the assignee', category: 'the category', contact: 'the contact details', answers: 'the answers', task: 'a task' };

function show(field, v) {
  if (v === null || v === undefined || v === '') return 'nothing';
  if (typeof v === 'object') return v.name ?? Object.values(v).filter(Boolean).join(', ');
  if (field === 'status') return statusLabel(v);
  if (field === 'priority') return priorityLabel(v);
  return String(v);
}

/** Turns one history item into words; unknown actions fall back to their own name. */
function describe(item) {
  const { field } = item;
  const from = show(field, item.old);
  const to = show(field, item.new);
  if (field === 'assignee') {
    if (item.new == null) return `unassigned ${from}`;
    return item.old == null ? `assigned ${to}` : `re-assigned from ${from} to ${to}`;
  }
  if (field === 'tier') return `escalated: tier ${from} → ${to}`;
  const verb = VERBS[item.action];
  if (!field) return verb || String(item.action || 'changed something').replace(/_/g, ' ');
  if (field === 'description' || field === 'answers' || field === 'contact' || field === 'position') {
    return verb || `changed ${FIELD_NAMES[field] || `the ${field}`}`;
  }
  return `${verb || `changed ${FIELD_NAMES[field] || `the ${field.replace(/_/g, ' ')}`}`}: ${from} → ${to}`;
}
