// views/calendar-feed.js — the profile's "Calendar feed" card: the personal iCalendar
// address that Thunderbird, Outlook and phone calendars subscribe to. The address holds
// a secret, shown once when made; making a new one ends the old one at once.

import { h, replace } from '../dom.js';

export class CalendarFeedView {
  constructor() {
    this.handlers = {};
    this.status = h('p', { class: 'muted' });
    this.secret = h('div', { class: 'feed-secret' });
    this.rotate = h('button', { type: 'button', class: 'primary', on: { click: () => this.handlers.rotate?.() } });
    this.off = h('button', { type: 'button', text: 'Turn off', on: { click: () => this.handlers.off?.() } });
    this.el = h(
      'section',
      { class: 'card', 'aria-labelledby': 'feed-heading' },
      h('h2', { id: 'feed-heading', text: 'Calendar feed' }),
      h('p', { text: 'Subscribe to your appointments from Thunderbird, Outlook or your phone. Anyone with the address can read them: keep it private, and make a new one if it leaks.' }),
      this.status,
      this.secret,
      h('div', { class: 'form-actions' }, this.rotate, this.off),
    );
  }

  bindRotate(fn) { this.handlers.rotate = fn; }
  bindOff(fn) { this.handlers.off = fn; }

  render(feed) {
    this.status.textContent = feed.active ? `Your feed is on (address made ${new Date(feed.created_at).toLocaleString()}).` : 'Your feed is off.';
    this.rotate.textContent = feed.active ? 'Make a new address' : 'Make an address';
    this.off.hidden = !feed.active;
    if (!feed.path) replace(this.secret);
  }

  /** The address, this once. */
  showAddress(url) {
    const input = h('input', { type: 'text', readonly: true, value: url, 'aria-label': 'Calendar feed address', class: 'feed-url' });
    replace(this.secret, h('p', { text: 'Copy this address now; it is not shown again:' }), input);
    input.select();
  }
}
