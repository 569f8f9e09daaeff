// views/team.js — "Who's on now": every agent and admin grouped as on shift, away (switched
// to Away or on time off) and off shift, each with why in words ("on shift until 17:00",
// "time off until 3 Dec") and their open tickets, plus how many tickets wait for an agent.

import { h, replace } from '../dom.js';

const GROUPS = [
  ['on', 'On shift', ['available', 'full']],
  ['away', 'Away', ['away', 'time_off']],
  ['off', 'Off shift', ['off_shift', 'inactive']],
];

const STATE_LABELS = {
  available: 'Available',
  full: 'At cap',
  away: 'Away',
  time_off: 'Time off',
  off_shift: 'Off',
  inactive: 'Inactive',
};

export class TeamView {
  constructor({ isAdmin }) {
    this.handlers = {};
    this.summary = h('p', { class: 'lead' });
    this.groups = h('div', { class: 'team-groups' });
    const refresh = h('button', { type: 'button', text: 'Refresh' });
    refresh.addEventListener('click', () => this.handlers.refresh?.());
    this.el = h(
      'div',
      { class: 'page wide' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', { text: 'Who’s on now' }),
        h('div', { class: 'actions' }, h('a', { href: isAdmin ? '/admin/schedules' : '/schedule', text: isAdmin ? 'Edit schedules' : 'My schedule' }), refresh),
      ),
      this.summary,
      this.groups,
    );
  }

  bindRefresh(fn) { this.handlers.refresh = fn; }

  render(board) {
    const waiting = board.waiting === 1 ? '1 ticket waits' : `${board.waiting} tickets wait`;
    this.summary.textContent = `${waiting} for an agent. Times are in ${board.time_zone}.`;
    replace(
      this.groups,
      GROUPS.map(([key, title, states]) => {
        const people = board.staff.filter((s) => states.includes(s.state));
        const id = `team-${key}`;
        return h(
          'section',
          { class: `team-group team-${key}`, 'aria-labelledby': id },
          h('h2', { id }, title, h('span', { class: 'count', text: ` ${people.length}` })),
          people.length
            ? h('ul', { class: 'card-list people' }, people.map((p) => this.person(p)))
            : h('p', { class: 'empty-line', text: 'Nobody.' }),
        );
      }),
    );
  }

  person(p) {
    const open = p.cap === null ? `${p.open_tickets} open` : `${p.open_tickets} of ${p.cap} open`;
    return h(
      'li',
      { class: `person-card state-${p.state}` },
      h('div', { class: 'card-top' }, h('strong', { class: 'card-title', text: p.name }), h('span', { class: `badge state-${p.state}`, text: STATE_LABELS[p.state] || p.state })),
      h('p', { class: 'muted', text: p.text }),
      h('p', { class: 'card-meta', text: `Tier ${p.tier} · ${open}` }),
    );
  }
}
