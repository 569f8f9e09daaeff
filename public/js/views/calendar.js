// views/calendar.js — the staff calendar: month, week, day and agenda, for me, a
// colleague or the whole team, with working hours shaded, time off marked, today and a
// now-line. It draws what GET /api/calendar answered and never calls the API: the
// controller binds `bindNavigate`, `bindOpen` and `bindNew` (style rule 10).
//
// Keyboard: ← and → move a day, ↑ and ↓ a day too (a week in the month view); m, w, d
// and a switch views; t goes to today; n books a new appointment. The ‹ and › buttons
// move by the view's own span. Every title is set with textContent.

import { h, replace } from '../dom.js';
import { addDays, addMonths, dayLabel, local, clock, monday, monthLabel, WEEKDAYS } from '../calendar-dates.js';

export const VIEWS = [
  ['month', 'Month', 'm'],
  ['week', 'Week', 'w'],
  ['day', 'Day', 'd'],
  ['agenda', 'Agenda', 'a'],
];

/** The days a view shows around `anchor`: `[first, count]`. */
export function span(view, anchor) {
  if (view === 'month') return [monday(`${anchor.slice(0, 8)}01`), 42];
  if (view === 'week') return [monday(anchor), 7];
  if (view === 'agenda') return [anchor, 14];
  return [anchor, 1];
}

/** A day's stretch of [start, end) instants clipped to the day, as minutes of that day. */
function minutesOn(day, start, end, zone) {
  const s = local(start, zone);
  const e = local(end, zone);
  const from = s.day < day ? 0 : s.day > day ? null : s.minute;
  const to = e.day > day ? 1440 : e.day < day ? null : e.minute;
  if (from === null || to === null || to <= from) return null;
  return [from, to];
}

export class CalendarView {
  constructor({ people }) {
    this.handlers = {};
    this.people = people;
    this.title = h('h1', { class: 'cal-title', id: 'cal-title' });
    this.viewButtons = VIEWS.map(([id, label, key]) =>
      h('button', { type: 'button', class: 'cal-view-btn', dataset: { view: id }, 'aria-keyshortcuts': key, text: label, on: { click: () => this.go({ view: id }) } }),
    );
    this.who = h(
      'select',
      { id: 'cal-who', 'aria-label': 'Whose calendar', on: { change: () => this.go({ who: this.who.value }) } },
      h('option', { value: 'me', text: 'My calendar' }),
      h('option', { value: 'team', text: 'Whole team' }),
      people.map((p) => h('option', { value: String(p.id), text: p.name })),
    );
    this.grid = h('div', { class: 'cal-body', tabindex: '0', role: 'application', 'aria-label': 'Calendar; arrow keys move between days, m w d a switch views, t is today, n books' });
    this.grid.addEventListener('keydown', (e) => this.onKey(e));
    this.el = h(
      'div',
      { class: 'page calendar-page' },
      h(
        'div',
        { class: 'cal-toolbar' },
        this.title,
        h(
          'div',
          { class: 'cal-nav' },
          h('button', { type: 'button', 'aria-label': 'Earlier', text: '‹', on: { click: () => this.step(-1) } }),
          h('button', { type: 'button', text: 'Today', 'aria-keyshortcuts': 't', on: { click: () => this.go({ anchor: this.today }) } }),
          h('button', { type: 'button', 'aria-label': 'Later', text: '›', on: { click: () => this.step(1) } }),
        ),
        h('div', { class: 'cal-views', role: 'group', 'aria-label': 'View' }, this.viewButtons),
        this.who,
        h('button', { type: 'button', class: 'primary', text: 'New appointment', 'aria-keyshortcuts': 'n', on: { click: () => this.handlers.new?.({}) } }),
      ),
      this.grid,
    );
  }

  bindNavigate(fn) { this.handlers.navigate = fn; }
  bindOpen(fn) { this.handlers.open = fn; }
  bindNew(fn) { this.handlers.new = fn; }

  go(change) {
    this.handlers.navigate?.({ view: this.state.view, anchor: this.state.anchor, who: this.state.who, ...change });
  }

  step(dir) {
    const { view, anchor } = this.state;
    if (view === 'month') this.go({ anchor: addMonths(anchor, dir) });
    else if (view === 'week') this.go({ anchor: addDays(anchor, 7 * dir) });
    else if (view === 'agenda') this.go({ anchor: addDays(anchor, 14 * dir) });
    else this.go({ anchor: addDays(anchor, dir) });
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.closest('input, select, textarea')) return;
    const { view, anchor } = this.state;
    const keys = {
      ArrowLeft: () => this.go({ anchor: addDays(anchor, -1) }),
      ArrowRight: () => this.go({ anchor: addDays(anchor, 1) }),
      ArrowUp: () => this.go({ anchor: addDays(anchor, view === 'month' ? -7 : -1) }),
      ArrowDown: () => this.go({ anchor: addDays(anchor, view === 'month' ? 7 : 1) }),
      t: () => this.go({ anchor: this.today }),
      n: () => this.handlers.new?.({ day: anchor }),
    };
    for (const [id, , key] of VIEWS) keys[key] = () => this.go({ view: id });
    const fn = keys[e.key];
    if (!fn) return;
    e.preventDefault();
    fn();
  }

  /** Draws `data` (GET /api/calendar) for `state` = {view, anchor, who}. */
  render(data, state) {
    this.state = state;
    this.zone = data.time_zone;
    this.today = local(data.now, this.zone).day;
    this.who.value = state.who;
    for (const b of this.viewButtons) b.setAttribute('aria-pressed', String(b.dataset.view === state.view));
    const [first, count] = span(state.view, state.anchor);
    const days = Array.from({ length: count }, (_, i) => addDays(first, i));
    this.title.textContent =
      state.view === 'month' ? monthLabel(state.anchor) : state.view === 'day' ? dayLabel(state.anchor) : `${dayLabel(days[0])} – ${dayLabel(days[days.length - 1])}`;
    const team = state.who === 'team';
    const body =
      state.view === 'month' ? this.month(days, data, state.anchor) : state.view === 'agenda' ? this.agenda(days, data, team) : this.columns(days, data, team);
    replace(this.grid, body);
    this.grid.dataset.view = state.view;
    const now = this.grid.querySelector('.cal-now');
    now?.scrollIntoView?.({ block: 'center' });
  }

  appointment(a, { short = false } = {}) {
    const label = `${clock(a.start, this.zone)}–${clock(a.end, this.zone)} ${a.title}`;
    return h(
      'button',
      { type: 'button', class: 'cal-appt', dataset: { id: a.id }, title: label, on: { click: () => this.handlers.open?.(a) } },
      h('span', { class: 'cal-time', text: clock(a.start, this.zone) }),
      ' ',
      h('span', { class: 'cal-appt-title', text: a.title }),
      short || !a.ticket ? null : h('span', { class: 'cal-ticket', text: ` #${a.ticket.number}` }),
    );
  }

  offOn(day, data) {
    return data.people.flatMap((p) => p.time_off.filter((t) => minutesOn(day, t.start, t.end, this.zone)).map(() => p));
  }

  worksOn(day, data) {
    return data.people.some((p) => p.shifts.some((s) => minutesOn(day, s.start, s.end, this.zone)));
  }

  month(days, data, anchor) {
    const byDay = new Map();
    for (const a of data.appointments) {
      const d = local(a.start, this.zone).day;
      if (!byDay.has(d)) byDay.set(d, []);
      byDay.get(d).push(a);
    }
    const head = WEEKDAYS.map((w) => h('div', { class: 'cal-dow', text: w }));
    const cells = days.map((day) => {
      const list = byDay.get(day) || [];
      const off = this.offOn(day, data);
      const cls = ['cal-cell', day.slice(0, 7) !== anchor.slice(0, 7) && 'other-month', day === this.today && 'today', day === anchor && 'anchor', this.worksOn(day, data) && 'work'];
      return h(
        'div',
        { class: cls.filter(Boolean).join(' '), dataset: { day } },
        h('button', { type: 'button', class: 'cal-daynum', 'aria-label': dayLabel(day), text: String(Number(day.slice(8))), on: { click: () => this.go({ view: 'day', anchor: day }) } }),
        off.length ? h('span', { class: 'cal-off-tag', text: off.length === 1 && data.people.length === 1 ? 'Time off' : `Off: ${off.map((p) => p.name).join(', ')}` }) : null,
        list.slice(0, 3).map((a) => this.appointment(a, { short: true })),
        list.length > 3 ? h('button', { type: 'button', class: 'cal-more', text: `+${list.length - 3} more`, on: { click: () => this.go({ view: 'day', anchor: day }) } }) : null,
      );
    });
    return h('div', { class: 'cal-month' }, head, cells);
  }

  columns(days, data, team) {
    const hours = h('div', { class: 'cal-hours', 'aria-hidden': 'true' }, Array.from({ length: 24 }, (_, i) => h('div', { class: 'cal-hour', text: `${String(i).padStart(2, '0')}:00` })));
    const cols = days.map((day) => {
      const col = h('div', { class: `cal-col${day === this.today ? ' today' : ''}`, dataset: { day } });
      const place = (el, [from, to]) => {
        el.style.top = `${(from / 1440) * 100}%`;
        el.style.height = `${((to - from) / 1440) * 100}%`;
        col.append(el);
      };
      for (const p of data.people) {
        for (const s of p.shifts) {
          const m = minutesOn(day, s.start, s.end, this.zone);
          if (m) place(h('div', { class: 'cal-shift', 'aria-hidden': 'true' }), m);
        }
        for (const t of p.time_off) {
          const m = minutesOn(day, t.start, t.end, this.zone);
          if (m) place(h('div', { class: 'cal-timeoff', text: team ? `${p.name}: time off` : 'Time off' }), m);
        }
      }
      const list = data.appointments.map((a) => [a, minutesOn(day, a.start, a.end, this.zone)]).filter(([, m]) => m);
      // Overlapping blocks sit side by side: each takes the first lane free at its start,
      // and the day's lanes share the column's width.
      const laneEnds = [];
      const lanes = list.map(([, m]) => {
        let lane = laneEnds.findIndex((end) => end <= m[0]);
        if (lane < 0) lane = laneEnds.length;
        laneEnds[lane] = Math.max(m[1], m[0] + 20);
        return lane;
      });
      list.forEach(([a, m], i) => {
        const el = this.appointment(a);
        el.classList.add('cal-block');
        if (team && a.participants.length) el.append(h('span', { class: 'cal-people', text: a.participants.map((p) => p.name).join(', ') }));
        el.style.left = `${(lanes[i] / laneEnds.length) * 100}%`;
        el.style.width = `${100 / laneEnds.length}%`;
        place(el, [m[0], Math.max(m[1], m[0] + 20)]);
      });
      if (day === this.today) {
        const now = h('div', { class: 'cal-now', role: 'img', 'aria-label': `Now, ${clock(data.now, this.zone)}` });
        now.style.top = `${(local(data.now, this.zone).minute / 1440) * 100}%`;
        col.append(now);
      }
      return h(
        'div',
        { class: 'cal-day' },
        h('button', { type: 'button', class: `cal-dayhead${day === this.today ? ' today' : ''}`, text: dayLabel(day), on: { click: () => this.go({ view: 'day', anchor: day }) } }),
        col,
      );
    });
    return h('div', { class: `cal-columns days-${days.length}` }, hours, cols);
  }

  agenda(days, data, team) {
    const sections = days.map((day) => {
      const list = data.appointments.filter((a) => minutesOn(day, a.start, a.end, this.zone));
      const off = this.offOn(day, data);
      if (!list.length && !off.length && day !== this.today) return null;
      return h(
        'section',
        { class: `cal-agenda-day${day === this.today ? ' today' : ''}`, dataset: { day } },
        h('h2', { text: day === this.today ? `Today, ${dayLabel(day)}` : dayLabel(day) }),
        off.length ? h('p', { class: 'cal-off-tag', text: team || data.people.length > 1 ? `Time off: ${off.map((p) => p.name).join(', ')}` : 'Time off' }) : null,
        list.length
          ? h('ul', {}, list.map((a) => h('li', {}, this.appointment(a), a.location ? h('span', { class: 'muted', text: ` · ${a.location}` }) : null, team ? h('span', { class: 'muted', text: ` · ${a.participants.map((p) => p.name).join(', ')}` }) : null)))
          : h('p', { class: 'muted', text: 'Nothing booked.' }),
      );
    });
    const shown = sections.filter(Boolean);
    return h('div', { class: 'cal-agenda' }, shown.length ? shown : h('p', { class: 'muted', text: 'Nothing booked in these two weeks.' }));
  }
}
