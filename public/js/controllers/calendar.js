// controllers/calendar.js — the staff calendar page (`/calendar?view=&date=&who=`) and
// the "Schedule" form opened from a ticket (`/calendar?new=1&ticket=N&title=…`). Loads
// the window a view shows, wires the views to the API, and redraws when anyone's
// appointment changes (the `appointment.changed` live event).

import { CalendarView, span, VIEWS } from '../views/calendar.js';
import { AppointmentForm } from '../views/appointment-form.js';
import { addDays, local, inputValue } from '../calendar-dates.js';
import { onLive } from '../live.js';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export async function calendarPage(ctx, { query, token }) {
  const { api, shell } = ctx;
  const me = ctx.session.user;
  const { agents } = await api.agents();
  if (!ctx.current(token)) return;
  const people = agents.filter((a) => a.id !== me.id);
  const view = new CalendarView({ people });
  const form = new AppointmentForm({ people: [{ id: me.id, name: `${me.name} (me)` }, ...people] });
  view.el.insertBefore(form.el, view.grid);
  const phone = globalThis.matchMedia?.('(max-width: 640px)').matches;
  let state = {
    view: VIEWS.some(([v]) => v === query.get('view')) ? query.get('view') : phone ? 'day' : 'week',
    anchor: DAY_RE.test(query.get('date') || '') ? query.get('date') : null,
    who: query.get('who') || 'me',
  };
  let zone = 'UTC';

  const load = async (next) => {
    const anchor = next.anchor || state.anchor || local(Date.now(), zone).day;
    const [first, count] = span(next.view, anchor);
    const data = await api.calendar({ from: first, to: addDays(first, count), who: next.who });
    if (!ctx.current(token)) return;
    zone = data.time_zone;
    state = { ...next, anchor: next.anchor || local(data.now, zone).day };
    const url = `/calendar?view=${state.view}&date=${state.anchor}&who=${encodeURIComponent(state.who)}`;
    if (location.pathname + location.search !== url) history.replaceState(history.state, '', url);
    view.render(data, state);
  };
  const reload = () => load(state).catch((error) => ctx.fail(error));

  view.bindNavigate((next) => load(next).then(() => view.grid.focus()).catch((error) => ctx.fail(error)));
  // The window's appointments carry UTC instants only; the form wants local times.
  view.bindOpen((a) => form.open({ ...a, start_local: inputValue(a.start, zone), end_local: inputValue(a.end, zone) }));
  view.bindNew(({ day }) => form.open(blank(day || state.anchor, me)));
  form.bindSave(async (body, id) => {
    const { appointment } = id ? await api.updateAppointment(id, body) : await api.createAppointment(body);
    shell.toast(id ? 'Appointment saved.' : 'Appointment booked.');
    // Show where it landed: the view stays, its day comes to the appointment's.
    await load({ ...state, anchor: appointment.start_local.slice(0, 10) });
  });
  form.bindCancel(async (a) => {
    const ok = await shell.confirm({ title: `Cancel “${a.title}”?`, message: 'It stays in subscribed calendars as cancelled.', confirmLabel: 'Cancel appointment' });
    if (!ok) return false;
    await api.cancelAppointment(a.id);
    shell.toast('Appointment cancelled.');
    await reload();
  });

  await load(state);
  if (!ctx.current(token)) return;
  shell.show(view, 'Calendar');
  if (query.get('new') === '1') {
    const a = blank(state.anchor, me);
    const n = Number(query.get('ticket'));
    if (n > 0) a.ticket = { number: n };
    a.title = query.get('title') || '';
    a.visible_to_requester = n > 0;
    form.open(a);
  }
  const off = onLive('appointment.changed', () => ctx.current(token) && reload());
  const offResync = onLive('resync', () => ctx.current(token) && reload());
  return () => {
    off();
    offResync();
  };

  /** A new appointment on `day` at the next whole hour (today) or 09:00, for half an hour. */
  function blank(day, person) {
    const now = local(Date.now(), zone);
    const hour = day === now.day ? Math.min(23, Math.floor(now.minute / 60) + 1) : 9;
    const at = `${day}T${String(hour).padStart(2, '0')}:00`;
    const end = hour === 23 ? `${day}T23:30` : `${day}T${String(hour).padStart(2, '0')}:30`;
    return { start_local: at, end_local: end, participants: [{ id: person.id }] };
  }
}
