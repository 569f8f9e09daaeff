// format.js — dates in the viewer's locale and time zone, and the words shown for
// statuses, priorities and roles. The API sends UTC Unix milliseconds; only here do they
// become text, so every screen formats them the same way.

import { h } from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatDateTime(ms) {
  return ms ? dateTime.format(new Date(ms)) : '';
}

export function formatDate(ms) {
  return ms ? dateOnly.format(new Date(ms)) : '';
}

/** "5 minutes ago", "yesterday"; falls back to the date after a week. */
export function formatRelative(ms, now = Date.now()) {
  if (!ms) return '';
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return relative.format(0, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return formatDate(ms);
}

/** A <time> element: relative text, the full local date and time on hover. */
export function timeEl(ms, { full = false } = {}) {
  if (!ms) return h('span', { text: '—' });
  return h('time', {
    datetime: new Date(ms).toISOString(),
    title: formatDateTime(ms),
    text: full ? formatDateTime(ms) : formatRelative(ms),
  });
}

export const STATUSES = ['new', 'open', 'in_progress', 'on_hold', 'resolved', 'closed'];
export const OPEN_STATUSES = ['new', 'open', 'in_progress', 'on_hold'];
export const STATUS_LABELS = {
  new: 'New',
  open: 'Open',
  in_progress: 'In progress',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const PRIORITY_LABELS = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

export const ROLE_LABELS = { requester: 'Requester', agent: 'Agent', admin: 'Admin' };

export const KIND_LABELS = {
  text: 'Short text',
  long_text: 'Long text',
  choice: 'Choice',
  yes_no: 'Yes / no',
};

export const statusLabel = (s) => STATUS_LABELS[s] || s;
export const priorityLabel = (p) => PRIORITY_LABELS[p] || p;

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}`, text: statusLabel(status) });
}

export function priorityBadge(priority) {
  return h('span', { class: `badge priority-${priority}`, text: priorityLabel(priority) });
}

export function escalatedBadge(tier) {
  return h('span', { class: 'badge escalated', text: tier ? `Escalated · tier ${tier}` : 'Escalated' });
}

export const isStaff = (user) => !!user && (user.role === 'agent' || user.role === 'admin');

/** A size for people: "512 B", "12 KB", "3.4 MB" (1 KB = 1024 bytes, as file managers count). */
export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v >= 10 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** 75 -> "1 h 15 min"; 0 -> "none yet". */
export function formatMinutes(total) {
  if (!total) return 'None yet';
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  return [hours ? `${hours} h` : '', minutes ? `${minutes} min` : ''].filter(Boolean).join(' ');
}

export const SLA_LABELS = { on_track: 'On track', at_risk: 'At risk', breached: 'Breached', met: 'Met' };

/**
 * The SLA cue as a badge whose words carry the meaning (colour only repeats it):
 * a list row's `{state, overdue}` or a clock's `{state}`. Null when there is nothing to say.
 */
export function slaBadge(sla) {
  if (!sla) return null;
  const overdue = sla.overdue || (sla.state === 'breached' && sla.due && sla.due <= Date.now());
  const text = overdue ? 'Overdue' : SLA_LABELS[sla.state] || sla.state;
  return h('span', { class: `badge sla-${overdue ? 'overdue' : sla.state}`, text });
}

/** Business milliseconds as "2 h 5 min" (days are not shown: business days vary in length). */
export function formatBusinessTime(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (!hours) return `${rest} min`;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}
