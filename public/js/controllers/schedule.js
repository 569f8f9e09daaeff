// controllers/schedule.js — the admin "Schedules" page (anyone's hours and time off), an
// agent's own "My schedule", and the "Who's on now" board.

import { ScheduleView } from '../views/schedule.js';
import { TeamView } from '../views/team.js';

/** Loads the schedule of `userId` into `view`; saving and time off go through the API. */
function wireSchedule(ctx, view, getUser) {
  const { api, shell } = ctx;
  view.bindSave(async (body) => {
    try {
      const { schedule } = await api.saveSchedule(getUser(), body);
      view.render(schedule);
      shell.toast('Schedule saved.');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showError(error);
    }
  });
  view.bindAddTimeOff(async (body) => {
    try {
      await api.addTimeOff(getUser(), body);
      const { schedule } = await api.schedule(getUser());
      view.renderTimeOff(schedule.time_off);
      view.timeOffAdded();
      shell.toast('Time off added.');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showTimeOffError(error);
    }
  });
  view.bindRemoveTimeOff(async (t) => {
    const ok = await shell.confirm({
      title: 'Remove this time off?',
      message: `${t.start_local.replace('T', ' ')} – ${t.end_local.replace('T', ' ')}${t.reason ? ` (${t.reason})` : ''}`,
      confirmLabel: 'Remove',
    });
    if (!ok) return;
    try {
      await api.removeTimeOff(getUser(), t.id);
      const { schedule } = await api.schedule(getUser());
      view.renderTimeOff(schedule.time_off);
      shell.toast('Time off removed.');
    } catch (error) {
      ctx.fail(error);
    }
  });
}

export async function schedulesPage(ctx, { query, token }) {
  const { api, shell } = ctx;
  const [{ agents }, { categories }] = await Promise.all([api.agents(), api.categories(true)]);
  if (!ctx.current(token)) return;
  let userId = Number(query.get('user')) || agents[0]?.id;
  const view = new ScheduleView({ people: agents, categories });
  wireSchedule(ctx, view, () => userId);
  view.bindPick(async (id) => {
    userId = id;
    history.replaceState({}, '', `/admin/schedules?user=${encodeURIComponent(id)}`);
    try {
      const { schedule } = await api.schedule(id);
      if (ctx.current(token) && userId === id) view.render(schedule);
    } catch (error) {
      ctx.fail(error);
    }
  });
  const { schedule } = await api.schedule(userId);
  if (!ctx.current(token)) return;
  view.render(schedule);
  shell.show(view, 'Schedules');
}

export async function mySchedulePage(ctx, { token }) {
  const { api, shell } = ctx;
  const me = ctx.session.user.id;
  const [{ schedule }, { categories }] = await Promise.all([api.schedule(me), api.categories()]);
  if (!ctx.current(token)) return;
  const view = new ScheduleView({ people: null, categories });
  wireSchedule(ctx, view, () => me);
  view.render(schedule);
  shell.show(view, 'My schedule');
}

export async function teamPage(ctx, { token }) {
  const { api, shell } = ctx;
  const view = new TeamView({ isAdmin: ctx.session.user.role === 'admin' });
  const load = async () => {
    const board = await api.availability();
    if (ctx.current(token)) view.render(board);
  };
  view.bindRefresh(() => load().catch((error) => ctx.fail(error)));
  await load();
  shell.show(view, 'Who’s on now');
}
