// views/visits.js — a ticket's appointments in its side panel. Staff see each booking
// (when, who, cancelled ones struck through) and a "Schedule" link that opens the
// calendar's form prefilled with the ticket; a requester sees only "Visit scheduled: Tue
// 1 Dec, 10:00-10:30" lines for visits marked visible to them, and no calendar link.

import { h, replace } from '../dom.js';

export class VisitsView {
  constructor({ staff, number, title }) {
    this.staff = staff;
    this.list = h('ul', { class: 'visits' });
    const href = `/calendar?new=1&ticket=${encodeURIComponent(number)}&title=${encodeURIComponent(title || '')}`;
    this.el = h(
      'section',
      { class: 'card visits-card', 'aria-labelledby': 'visits-heading', hidden: !staff },
      h('h2', { id: 'visits-heading', text: staff ? 'Appointments' : 'Visits' }),
      this.list,
      staff ? h('a', { class: 'button', href, text: 'Schedule' }) : null,
    );
  }

  /** `data` is GET /api/tickets/:number/appointments: `appointments` (staff) or `visits`. */
  render(data, zone) {
    if (!this.staff) {
      const visits = data.visits || [];
      this.el.hidden = visits.length === 0;
      replace(this.list, visits.map((v) => h('li', { class: 'visit', text: v.text })));
      return;
    }
    const list = data.appointments || [];
    const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: zone || undefined, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    replace(
      this.list,
      list.length
        ? list.map((a) =>
            h(
              'li',
              { class: a.cancelled ? 'visit cancelled' : 'visit' },
              h('a', { href: `/calendar?view=week&date=${a.start_local.slice(0, 10)}&who=team`, text: `${fmt.format(new Date(a.start))}: ${a.title}` }),
              h('span', { class: 'muted', text: ` · ${a.participants.map((p) => p.name).join(', ')}${a.cancelled ? ' · cancelled' : ''}` }),
            ),
          )
        : h('li', { class: 'muted', text: 'None booked.' }),
    );
  }
}
