// views/bell.js — the bell in the header: a button with the unread count, and a panel
// listing the newest notifications grouped by ticket (the ticket with the newest news
// first), each linking to its ticket, with "Mark read" per line and "Mark all read".
//
// Keyboard: the button toggles the panel (aria-expanded); Escape closes it and puts
// focus back on the button; every line is a link and every action a button. On a phone
// the panel spans the screen's width. All text goes in through textContent.

import { h, replace } from '../dom.js';
import { timeEl } from '../format.js';

const SVG = 'http://www.w3.org/2000/svg';

/** A bell drawn as SVG (no emoji font needed), decorative: the button has its own name. */
function bellIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: '20', height: '20', fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', class: 'bell-icon', focusable: 'false' })) {
    svg.setAttribute(k, v);
  }
  for (const d of ['M18 8A6 6 0 0 0 6 8c0 7-3 9-3 9h18s-3-2-3-9', 'M13.73 21a2 2 0 0 1-3.46 0']) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

export class BellView {
  constructor() {
    this.handlers = {};
    this.count = h('span', { class: 'bell-count', hidden: true });
    this.label = h('span', { class: 'visually-hidden', text: 'Notifications' });
    this.button = h(
      'button',
      { type: 'button', class: 'bell', 'aria-expanded': 'false', 'aria-controls': 'bell-panel', on: { click: () => this.toggle() } },
      bellIcon(),
      this.label,
      this.count,
    );
    this.list = h('div', { class: 'bell-list' });
    this.markAll = h('button', { type: 'button', class: 'link-button', text: 'Mark all read', on: { click: () => this.handlers.readAll?.() } });
    this.panel = h(
      'section',
      { id: 'bell-panel', class: 'bell-panel', hidden: true, 'aria-label': 'Notifications' },
      h('div', { class: 'bell-head' }, h('h2', { text: 'Notifications' }), this.markAll),
      this.list,
    );
    this.el = h('div', { class: 'bell-wrap' }, this.button, this.panel);
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close(true);
    });
    this.button.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close(true);
    });
    // A click outside closes the panel; a click on one of its links navigates and closes.
    document.addEventListener('click', (e) => {
      if (!this.panel.hidden && !this.el.contains(e.target)) this.close(false);
    });
    this.list.addEventListener('click', (e) => {
      if (e.target.closest('a')) this.close(false);
    });
  }

  bindOpen(fn) { this.handlers.open = fn; }
  bindRead(fn) { this.handlers.read = fn; }
  bindReadAll(fn) { this.handlers.readAll = fn; }

  toggle() {
    if (this.panel.hidden) this.open();
    else this.close(true);
  }

  open() {
    this.panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.handlers.open?.();
  }

  close(focusButton) {
    if (this.panel.hidden) return;
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (focusButton) this.button.focus();
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  /** Shows the unread count on the button (hidden at zero). */
  setUnread(n) {
    this.count.hidden = !n;
    this.count.textContent = n > 99 ? '99+' : String(n);
    this.label.textContent = n ? `Notifications, ${n} unread` : 'Notifications';
    this.markAll.disabled = !n;
  }

  /** Renders the list: newest first, grouped by ticket. */
  render(notifications) {
    if (!notifications.length) {
      replace(this.list, h('p', { class: 'muted bell-empty', text: 'Nothing new. You will see replies, status changes and assignments here.' }));
      return;
    }
    const groups = new Map();
    for (const n of notifications) {
      if (!groups.has(n.ticket_number)) groups.set(n.ticket_number, []);
      groups.get(n.ticket_number).push(n);
    }
    replace(
      this.list,
      [...groups.values()].map((items) => {
        const first = items[0];
        return h(
          'section',
          { class: 'bell-group', 'aria-label': `Ticket ${first.ticket_number}` },
          h('h3', {}, h('a', { href: `/tickets/${first.ticket_number}`, text: `#${first.ticket_number} ${first.ticket_title}` })),
          h('ul', {}, items.map((n) => this.item(n))),
        );
      }),
    );
  }

  item(n) {
    const read = n.read ? null : h('button', { type: 'button', class: 'link-button small', text: 'Mark read', 'aria-label': `Mark read: ${n.text}`, on: { click: () => this.handlers.read?.(n) } });
    return h(
      'li',
      { class: n.read ? 'bell-item is-read' : 'bell-item' },
      h('a', { href: `/tickets/${n.ticket_number}`, text: n.text }),
      h('span', { class: 'muted bell-when' }, timeEl(n.created_at)),
      read,
    );
  }
}
