// controllers/reports.js — the reports dashboard. The URL holds the range and filters
// (/reports?from=2026-11-01&to=2026-11-30&category=3&agent=me&priority=high), so a
// dashboard can be bookmarked and shared; a change pushes a new URL and reloads figures.

import { ReportsView } from '../views/reports.js';
import { csvUrl } from '../api.js';

const KEYS = ['from', 'to', 'category', 'agent', 'priority'];
const METRICS = ['created', 'resolved', 'backlog'];

/** The URL's range and filters. Without a range the server picks the last 30
 * days in the organization's zone (not the browser's, nor UTC). */
function stateFrom(query) {
  const state = {};
  for (const k of KEYS) if (query.get(k)) state[k] = query.get(k);
  return state;
}

function params(state) {
  const p = {};
  for (const k of KEYS) if (state[k]) p[k] = state[k];
  return p;
}

/** The UTC offset (ms) of IANA zone `zone` at instant `ms`. */
function offsetAt(zone, ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(ms)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The first instant (ms) of date `ymd` in `zone`: the reports' local day. */
function localMidnight(ymd, zone) {
  const utc = Date.parse(`${ymd}T00:00:00Z`);
  try {
    // Twice: the offset at the guess can differ from the offset at midnight.
    const guess = utc - offsetAt(zone, utc);
    return utc - offsetAt(zone, guess);
  } catch {
    return utc;
  }
}

/** The ticket list's own parameters for the same tickets (created in the range's
 * local days, in the organization's zone the summary names). */
function ticketListParams(state, zone = 'UTC') {
  const p = { sort: 'created', dir: 'asc' };
  if (state.category) p.category = state.category;
  if (state.priority) p.priority = state.priority;
  if (state.agent) p.assignee = state.agent;
  p.created_from = localMidnight(state.from, zone);
  const next = new Date(Date.parse(`${state.to}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  p.created_to = localMidnight(next, zone) - 1;
  return p;
}

export async function reportsPage(ctx, { query, token }) {
  const { api } = ctx;
  const state = stateFrom(query);
  const user = ctx.session.user;
  const isAdmin = user.role === 'admin';
  const [{ categories }, { agents }] = await Promise.all([api.categories(), isAdmin ? api.agents() : { agents: [] }]);
  if (!ctx.current(token)) return;
  const view = new ReportsView({ state, categories, agents, isAdmin, me: user.id });
  let seq = 0;
  const load = async (s) => {
    const mine = ++seq;
    view.loading();
    const p = params(s);
    // Deflections have no ticket, so no filtered series exists.
    const metrics = s.category || s.agent || s.priority ? METRICS : [...METRICS, 'deflections'];
    try {
      const [summary, ...series] = await Promise.all([api.reportSummary(p), ...metrics.map((m) => api.reportSeries(m, p))]);
      if (mine !== seq || !ctx.current(token)) return;
      const links = {
        summary: csvUrl('/api/reports/summary.csv', p),
        tickets: csvUrl('/api/tickets.csv', ticketListParams({ ...s, from: summary.from, to: summary.to }, summary.time_zone)),
      };
      for (const m of [...metrics, 'reopened']) links[m] = csvUrl('/api/reports/series.csv', { ...p, metric: m });
      for (const by of ['category', 'priority', 'agent']) links[by] = csvUrl('/api/reports/breakdown.csv', { ...p, by });
      view.render({ summary, series: Object.fromEntries(metrics.map((m, i) => [m, series[i]])), links });
    } catch (error) {
      if (mine !== seq) return;
      if (error.status === 422) view.showError(error.message + (error.fields ? ` ${Object.values(error.fields).join(' ')}` : ''));
      else ctx.fail(error);
    }
  };
  view.bindChange((s) => {
    history.pushState({}, '', `/reports?${new URLSearchParams(params(s))}`);
    load(s);
  });
  ctx.shell.show(view, 'Reports');
  await load(state);
}
