// views/person-picker.js — a search-as-you-type combobox for choosing one person (ARIA
// 1.2 combobox pattern: the text box owns a listbox; arrows move the active option,
// Enter picks it, Escape closes). It asks its `search` handler for matches after a short
// pause in typing, so the controller decides where people come from.

import { h, replace, nextId } from '../dom.js';

const PAUSE_MS = 200;

export class PersonPicker {
  /** `exclude(person)` hides people already chosen (e.g. current watchers). */
  constructor({ label, placeholder = 'Type a name or e-mail', exclude = () => false }) {
    this.exclude = exclude;
    this.handlers = {};
    this.results = [];
    this.active = -1;
    this.seq = 0;
    const id = nextId('picker');
    this.listId = `${id}-list`;
    this.input = h('input', {
      id, type: 'text', role: 'combobox', autocomplete: 'off', placeholder,
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': this.listId,
    });
    this.list = h('ul', { id: this.listId, role: 'listbox', class: 'picker-list', 'aria-label': label, hidden: true });
    this.status = h('p', { class: 'visually-hidden', role: 'status' });
    this.el = h('div', { class: 'field picker' }, h('label', { for: id, text: label }), this.input, this.list, this.status);
    let timer;
    this.input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.lookup(), PAUSE_MS);
    });
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
  }

  bindSearch(fn) { this.handlers.search = fn; }
  bindPick(fn) { this.handlers.pick = fn; }

  async lookup() {
    const q = this.input.value.trim();
    if (!q) return this.close();
    const mine = ++this.seq;
    let people;
    try {
      people = (await this.handlers.search?.(q)) || [];
    } catch {
      people = null;
    }
    if (mine !== this.seq) return; // an older answer after a newer question
    if (people === null) return this.show([], 'The search failed. Try again.');
    this.show(people.filter((p) => !this.exclude(p)).slice(0, 20), 'Nobody matches.');
  }

  show(people, emptyText) {
    this.results = people;
    this.active = people.length ? 0 : -1;
    replace(
      this.list,
      people.length
        ? people.map((p, i) => {
            const li = h('li', { id: `${this.listId}-${i}`, role: 'option', class: 'picker-option', 'aria-selected': 'false' }, h('span', { text: p.name }), p.email ? h('span', { class: 'muted small', text: ` ${p.email}` }) : null);
            // mousedown, not click: it fires before the text box loses focus.
            li.addEventListener('mousedown', (e) => {
              e.preventDefault();
              this.pick(i);
            });
            return li;
          })
        : h('li', { class: 'picker-empty muted', text: emptyText }),
    );
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.status.textContent = people.length ? `${people.length} ${people.length === 1 ? 'person' : 'people'} found. Use the arrow keys and Enter to choose.` : emptyText;
    this.highlight();
  }

  highlight() {
    [...this.list.querySelectorAll('[role="option"]')].forEach((li, i) => li.setAttribute('aria-selected', String(i === this.active)));
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `${this.listId}-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  key(e) {
    const open = !this.list.hidden && this.results.length;
    if (e.key === 'ArrowDown' && open) this.active = (this.active + 1) % this.results.length;
    else if (e.key === 'ArrowUp' && open) this.active = (this.active - 1 + this.results.length) % this.results.length;
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (open && this.active >= 0) this.pick(this.active);
      return;
    } else if (e.key === 'Escape' && !this.list.hidden) {
      e.stopPropagation();
      this.close();
      return;
    } else return;
    e.preventDefault();
    this.highlight();
  }

  async pick(i) {
    const person = this.results[i];
    if (!person) return;
    this.close();
    this.input.value = '';
    this.input.disabled = true;
    try {
      await this.handlers.pick?.(person);
    } finally {
      this.input.disabled = false;
      this.input.focus();
    }
  }

  close() {
    this.seq += 1;
    this.list.hidden = true;
    this.results = [];
    this.active = -1;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}
