// controllers/queue.js — the staff queue. The URL query holds the whole state (saved
// view, filters, search, sort, page), so reload, back/forward and shared links show the
// same list. A change in the view pushes a new URL and reloads only the table.

import { QueueView, SAVED_VIEWS, PER_PAGE } from '../views/queue.js';
import { OPEN_STATUSES } from '../format.js';
import { onLive } from '../live.js';

/** Events that can change what the queue shows; a burst of them reloads once. */
const QUEUE_EVENTS = ['ticket.created', 'ticket.updated', 'comment.created', 'resync'];
const QUIET_MS = 400;

const KEYS = ['view', 'status', 'priority', 'category', 'sla', 'q', 'sort', 'dir', 'per_page', 'page'];
const DEFAULT_PER_PAGE = '25';

function stateFrom(query) {
  const state = {};
  for (const k of KEYS) if (query.get(k)) state[k] = query.get(k);
  if (!SAVED_VIEWS.some(([key]) => key === state.view)) state.view = 'open';
  state.page = Math.max(1, Number(state.page) || 1);
  if (!PER_PAGE.includes(Number(state.per_page))) state.per_page = DEFAULT_PER_PAGE;
  return state;
}

function urlFrom(state) {
  const q = new URLSearchParams();
  for (const k of KEYS) {
    const v = state[k];
    if (v === undefined || v === null || v === '') continue;
    if (k === 'page' && Number(v) === 1) continue;
    if (k === 'per_page' && String(v) === DEFAULT_PER_PAGE) continue;
    q.set(k, String(v));
  }
  return `/queue?${q}`;
}

/** Turns the screen's state into GET /api/tickets parameters. */
function apiParams(state) {
  const p = { sort: state.sort || 'updated', dir: state.dir || 'desc', page: state.page, per_page: Number(state.per_page) };
  if (state.status === 'all') p.status = undefined;
  else p.status = state.status || OPEN_STATUSES;
  if (state.view === 'mine') p.assignee = 'me';
  if (state.view === 'unassigned') p.assignee = 'none';
  if (state.view === 'escalated') p.escalated = 'true';
  if (state.priority) p.priority = state.priority;
  if (state.category) p.category = state.category;
  if (state.sla) p.sla = state.sla;
  if (state.q) p.q = state.q;
  return p;
}

export async function queuePage(ctx, { query, token }) {
  const { api } = ctx;
  const state = stateFrom(query);
  const { categories } = await api.categories();
  if (!ctx.current(token)) return;
  const view = new QueueView({ state, categories });
  let seq = 0;
  // Each saved view's count of open tickets, beside its tab (one small request each).
  const counts = async () => {
    const entries = await Promise.all(SAVED_VIEWS.map(async ([key]) => {
      const { total, total_capped: capped = false } = await api.tickets({ ...apiParams({ view: key, page: 1 }), per_page: 1 });
      return [key, { total, capped }];
    }));
    if (ctx.current(token)) view.setCounts(Object.fromEntries(entries));
  };
  let shown = state;
  const load = async (s, { quiet = false } = {}) => {
    const mine = ++seq;
    shown = s;
    // A live refresh keeps the table on screen (no "Loading…"), so nothing blinks or jumps.
    if (!quiet) view.loading();
    try {
      const result = await api.tickets(apiParams(s));
      if (mine !== seq || !ctx.current(token)) return;
      view.render(result, { fresh: quiet ? fresh : null });
      fresh = new Set();
      counts().catch(() => {});
    } catch (error) {
      if (mine === seq && !quiet) ctx.fail(error);
    }
  };
  view.bindChange((s) => {
    history.pushState({}, '', urlFrom(s));
    load(s);
  });
  view.bindOpen((number) => ctx.navigate(`/tickets/${number}`));
  api.agents().then(({ agents }) => view.setAgents(agents || [])).catch(() => {});
  view.bindBulk(async (numbers, change) => {
    try {
      const { results, changed } = await api.bulk({ numbers, ...change });
      const refused = results.filter((r) => !r.ok);
      ctx.shell.toast(refused.length
        ? `${changed} changed; not changed: ${refused.map((r) => `#${r.number} (${r.error})`).join(', ')}`
        : `${changed} ticket${changed === 1 ? '' : 's'} changed.`);
      view.clearSelection();
      await load(view.state);
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else ctx.shell.toast(error.message);
    }
  });
  ctx.shell.show(view, 'Queue');

  // Live: rows arrive and change by themselves; the rows that changed flash once.
  let fresh = new Set();
  let timer = null;
  const off = QUEUE_EVENTS.map((name) =>
    onLive(name, (d) => {
      if (d?.number) fresh.add(Number(d.number));
      clearTimeout(timer);
      timer = setTimeout(() => ctx.current(token) && load(shown, { quiet: true }), QUIET_MS);
    }),
  );
  await load(state);
  return () => {
    clearTimeout(timer);
    off.forEach((f) => f());
  };
}
