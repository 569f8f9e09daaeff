// views/reports.js — the reports dashboard: a date range and filters (kept in the URL by
// the controller), headline figures, charts of the daily series and the breakdowns, and a
// CSV link under every chart. The view never calls the API; the controller hands it the
// figures and binds `bindChange`.

import { h, replace, nextId } from '../dom.js';
import { PRIORITIES, PRIORITY_LABELS } from '../format.js';
import { lineChart, barChart } from '../charts.js';

/** A duration in ms as words: "45 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const min = Math.round(ms / 60000);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return min % 60 ? `${hours} h ${min % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

const percent = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 1000) / 10}%`);
const count = (n) => new Intl.NumberFormat().format(n);

/** The calendar date (YYYY-MM-DD) of instant `date` in IANA zone `zone`
 * (the browser's own zone when none is known yet). */
export function dateIn(zone, date = new Date()) {
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  }
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Today and n-1 days before it, as YYYY-MM-DD, in the zone whose local days
 * the reports count (the organization's; the summary names it). */
export function lastDays(n, zone, today = new Date()) {
  const to = dateIn(zone, today);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (n - 1) * 86400000).toISOString().slice(0, 10);
  return { from, to };
}

export class ReportsView {
  constructor({ state, categories, agents, isAdmin, me }) {
    this.state = { ...state };
    this.handlers = {};
    const field = (label, control) => {
      control.id = nextId(control.name);
      return h('div', { class: 'field' }, h('label', { for: control.id, text: label }), control);
    };
    const date = (name) => {
      const input = h('input', { type: 'date', name, value: this.state[name] || '' });
      input.addEventListener('change', () => this.change({ [name]: input.value }));
      return input;
    };
    const select = (name, options) => {
      const control = h('select', { name }, options.map(([v, t]) => h('option', { value: v, text: t })));
      control.value = this.state[name] || '';
      control.addEventListener('change', () => this.change({ [name]: control.value }));
      return control;
    };
    this.from = date('from');
    this.to = date('to');
    const agentOptions = isAdmin
      ? [['', 'Everyone'], ['me', 'Me'], ...agents.filter((a) => a.id !== me).map((a) => [String(a.id), a.name])]
      : [['', 'The team'], ['me', 'Me']];
    const quick = h(
      'div',
      { class: 'quick-ranges', role: 'group', 'aria-label': 'Quick ranges' },
      [7, 30, 90, 365].map((n) =>
        h('button', { type: 'button', class: 'small', text: n === 365 ? 'Last year' : `Last ${n} days`, on: { click: () => this.change(lastDays(n, this.zone)) } }),
      ),
    );
    this.filters = h(
      'form',
      { class: 'report-filters', 'aria-label': 'Range and filters' },
      field('From', this.from),
      field('To', this.to),
      field('Category', select('category', [['', 'Any'], ...categories.map((c) => [String(c.id), c.name])])),
      field('Agent', select('agent', agentOptions)),
      field('Priority', select('priority', [['', 'Any'], ...PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]])])),
    );
    this.filters.addEventListener('submit', (e) => e.preventDefault());
    this.error = h('p', { class: 'form-message', role: 'alert', hidden: true });
    this.status = h('p', { class: 'muted', role: 'status' });
    this.body = h('div', { class: 'report-body' });
    this.ticketsLink = h('a', { class: 'button', text: 'Download ticket list (CSV)', download: '' });
    this.el = h(
      'div',
      { class: 'page wide reports' },
      h('div', { class: 'page-head' }, h('h1', { text: 'Reports' }), this.ticketsLink),
      this.filters,
      quick,
      this.error,
      this.status,
      this.body,
    );
  }

  bindChange(fn) { this.handlers.change = fn; }

  change(patch) {
    this.state = { ...this.state, ...patch };
    this.from.value = this.state.from || '';
    this.to.value = this.state.to || '';
    this.handlers.change?.(this.state);
  }

  loading() {
    this.status.textContent = 'Loading figures…';
  }

  /** A 422 from the server names the parameter; say it next to the form. */
  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.status.textContent = '';
  }

  /**
   * summary: GET /api/reports/summary; series: {created, resolved, backlog,
   * deflections?} of GET /api/reports/series (deflections only without filters);
   * links: CSV URLs by name.
   */
  render({ summary, series, links }) {
    this.error.hidden = true;
    // The range the server used (its default is the organization's last 30
    // days), and the zone the quick ranges count days in from now on.
    this.zone = summary.time_zone;
    this.state = { ...this.state, from: summary.from, to: summary.to };
    this.from.value = summary.from;
    this.to.value = summary.to;
    this.ticketsLink.href = links.tickets;
    const days = series.created.points.map((p) => p.date);
    const range = `${summary.from} to ${summary.to}`;
    this.status.textContent = `Figures for ${range} (days in ${summary.time_zone}). Response and resolution times count business hours only.`;
    const figure = (label, value, note) =>
      h('div', { class: 'figure' }, h('dt', { text: label }), h('dd', {}, h('span', { class: 'figure-value', text: value }), note ? h('span', { class: 'figure-note', text: note }) : null));
    const fr = summary.first_response;
    const rs = summary.resolution;
    const figures = h(
      'dl',
      { class: 'figures' },
      figure('Created', count(summary.created)),
      figure('Resolved', count(summary.resolved)),
      figure('Backlog at the end', count(summary.backlog_end), `${count(summary.backlog_start)} at the start`),
      figure('First response, median', formatDuration(fr.median_ms), `90% within ${formatDuration(fr.p90_ms)}`),
      figure('Resolution, median', formatDuration(rs.median_ms), `90% within ${formatDuration(rs.p90_ms)}`),
      figure('Reopen rate', percent(summary.reopen_rate), `${count(summary.reopened)} reopened`),
      figure('Met their SLA', percent(summary.sla_met_share), summary.sla_met_share === null
        ? 'no SLA clock stopped in the range'
        : `first response ${percent(summary.sla.first_response.met_share)}, resolution ${percent(summary.sla.resolution.met_share)}`),
      figure('Article deflections', summary.deflections === null ? '—' : count(summary.deflections), summary.deflections === null ? 'whole desk only: clear the filters' : '"This solved it" on an article'),
      figure('Satisfaction', summary.satisfaction ? percent(summary.satisfaction.good_share) : '—', summary.satisfaction
        ? `${count(summary.satisfaction.good)} good, ${count(summary.satisfaction.bad)} bad`
        : 'whole desk only: clear the filters'),
      figure('Open now', count(summary.open_total), `${count(summary.open_unassigned)} unassigned`),
    );
    const download = (href, what) => h('p', { class: 'chart-download' }, h('a', { href, download: '', text: `Download ${what} (CSV)` }));
    const sum = (pts) => pts.reduce((a, p) => a + p.value, 0);
    const peak = (pts) => pts.reduce((best, p) => (p.value > best.value ? p : best), pts[0] || { date: '', value: 0 });
    const created = series.created.points;
    const resolved = series.resolved.points;
    const backlog = series.backlog.points;
    const volume = lineChart({
      id: 'chart-volume',
      title: 'Tickets created and resolved per day',
      summary: `${count(sum(created))} created and ${count(sum(resolved))} resolved over ${days.length} days; the busiest day was ${peak(created).date} with ${count(peak(created).value)} new tickets.`,
      labels: days,
      series: Object.assign([
        { name: 'Created', cls: 'series-a', values: created.map((p) => p.value) },
        { name: 'Resolved', cls: 'series-b', values: resolved.map((p) => p.value) },
      ], { xName: 'Day' }),
    });
    const first = backlog[0]?.value ?? 0;
    const last = backlog[backlog.length - 1]?.value ?? 0;
    const backlogChart = lineChart({
      id: 'chart-backlog',
      title: 'Backlog at the end of each day',
      summary: `Tickets neither resolved nor closed: ${count(first)} at the end of ${backlog[0]?.date || ''}, ${count(last)} at the end of ${backlog[backlog.length - 1]?.date || ''}, at most ${count(peak(backlog).value)}.`,
      labels: days,
      series: Object.assign([{ name: 'Backlog', cls: 'series-c', values: backlog.map((p) => p.value) }], { xName: 'Day' }),
    });
    const bars = (id, title, rows, name, describe) =>
      barChart({
        id,
        title,
        summary: describe(rows),
        labels: rows.map((r) => r.label),
        series: Object.assign([{ name, cls: 'series-a', values: rows.map((r) => r.value) }], { xName: title.split(' by ')[1] || '' }),
      });
    const top = (rows) => rows.reduce((best, r) => (r.value > best.value ? r : best), rows[0] || { label: '—', value: 0 });
    const cats = summary.by_category.map((c) => ({ label: c.name, value: c.count }));
    const prios = summary.by_priority.map((p) => ({ label: PRIORITY_LABELS[p.priority] || p.priority, value: p.count }));
    const agents = summary.open_by_agent.map((a) => ({ label: a.name, value: a.open }));
    agents.push({ label: 'Unassigned', value: summary.open_unassigned });
    const deflections = series.deflections?.points;
    const deflectionChart = deflections
      ? h('div', { class: 'chart-grid-2' }, h('div', {}, lineChart({
        id: 'chart-deflections',
        title: 'Article deflections per day',
        summary: `${count(sum(deflections))} times an article solved the problem before a ticket was filed, over ${days.length} days.`,
        labels: days,
        series: Object.assign([{ name: 'Deflections', cls: 'series-b', values: deflections.map((p) => p.value) }], { xName: 'Day' }),
      }), download(links.deflections, 'deflections per day')))
      : null;
    replace(
      this.body,
      h('section', { 'aria-label': 'Figures' }, figures),
      h('div', { class: 'chart-grid-2' },
        h('div', {}, volume, download(links.created, 'created per day'), download(links.resolved, 'resolved per day')),
        h('div', {}, backlogChart, download(links.backlog, 'backlog per day'))),
      h('div', { class: 'chart-grid-3' },
        h('div', {}, bars('chart-category', 'New tickets by category', cats, 'Created', (rows) => `${top(rows).label} had the most new tickets (${count(top(rows).value)}).`), download(links.category, 'by category')),
        h('div', {}, bars('chart-priority', 'New tickets by priority', prios, 'Created', (rows) => rows.map((r) => `${r.label} ${count(r.value)}`).join(', ') + '.'), download(links.priority, 'by priority')),
        h('div', {}, bars('chart-agent', 'Open tickets by agent, now', agents, 'Open', (rows) => `${count(summary.open_total)} open now; ${rows.map((r) => `${r.label} ${count(r.value)}`).join(', ')}.`), download(links.agent, 'by agent'))),
      deflectionChart,
      h('p', {}, h('a', { href: links.summary, download: '', text: 'Download all headline figures (CSV)' })),
    );
  }
}
