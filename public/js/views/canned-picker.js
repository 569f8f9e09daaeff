// views/canned-picker.js — "Insert canned reply" beside the reply box: a button opens a
// filter box and the matching replies (title and a line of the text); typing filters,
// arrow keys and Enter or a click choose, Escape closes. The chosen reply's text (its
// placeholders already filled in by the server for this ticket) goes to `onPick`, which
// the reply box inserts at its cursor.

import { h, replace, nextId } from '../dom.js';

export class CannedPicker {
  constructor({ load, onPick }) {
    this.load = load;
    this.onPick = onPick;
    this.replies = null;
    const listId = nextId('canned');
    this.toggle = h('button', { type: 'button', class: 'small', text: 'Insert canned reply', 'aria-expanded': 'false', 'aria-controls': listId });
    this.filter = h('input', { type: 'search', 'aria-label': 'Filter canned replies', placeholder: 'Type to filter…', autocomplete: 'off' });
    this.list = h('ul', { class: 'canned-list', id: listId, role: 'listbox', 'aria-label': 'Canned replies' });
    this.panel = h('div', { class: 'canned-panel', hidden: true }, this.filter, this.list);
    this.el = h('div', { class: 'canned-picker' }, this.toggle, this.panel);
    this.toggle.addEventListener('click', () => (this.panel.hidden ? this.open() : this.close()));
    this.filter.addEventListener('input', () => this.render());
    this.filter.addEventListener('keydown', (e) => this.key(e));
  }

  async open() {
    this.panel.hidden = false;
    this.toggle.setAttribute('aria-expanded', 'true');
    this.filter.value = '';
    this.filter.focus();
    if (!this.replies) {
      replace(this.list, h('li', { class: 'muted', text: 'Loading…' }));
      try {
        this.replies = await this.load();
      } catch (error) {
        replace(this.list, h('li', { class: 'muted', text: error.message }));
        return;
      }
    }
    this.render();
  }

  close() {
    this.panel.hidden = true;
    this.toggle.setAttribute('aria-expanded', 'false');
  }

  matches() {
    const q = this.filter.value.trim().toLowerCase();
    return (this.replies || []).filter((r) => !q || r.title.toLowerCase().includes(q) || r.body.toLowerCase().includes(q));
  }

  render() {
    const found = this.matches();
    this.active = 0;
    if (!found.length) {
      replace(this.list, h('li', { class: 'muted', text: this.replies?.length ? 'No reply matches.' : 'No canned replies yet. Save some on your profile page.' }));
      return;
    }
    replace(this.list, found.map((r, i) => h(
      'li',
      { role: 'option', id: `${this.list.id}-${i}`, 'aria-selected': String(i === 0), on: { mousedown: (e) => e.preventDefault(), click: () => this.pick(r) } },
      h('strong', { text: r.title }),
      r.shared ? h('span', { class: 'role-tag', text: 'Shared' }) : null,
      h('span', { class: 'muted canned-excerpt', text: r.body.split('\n')[0].slice(0, 90) }),
    )));
  }

  key(e) {
    const options = [...this.list.querySelectorAll('[role=option]')];
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
      this.toggle.focus();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && options.length) {
      e.preventDefault();
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
      options.forEach((o, i) => o.setAttribute('aria-selected', String(i === this.active)));
      this.filter.setAttribute('aria-activedescendant', options[this.active].id);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = this.matches()[this.active];
      if (r) this.pick(r);
    }
  }

  pick(reply) {
    this.close();
    this.onPick(reply.body);
  }
}
