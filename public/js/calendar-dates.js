// calendar-dates.js — civil dates for the calendar, read in the organization's zone.
//
// The server answers instants (UTC milliseconds) and the organization's IANA zone; the
// calendar draws days as that zone sees them, whatever zone the browser is in. A day is
// a 'YYYY-MM-DD' string; arithmetic on days runs on UTC Date objects, which have no
// daylight-saving changes, and instants are placed with Intl in the organization's zone.

const pad = (n) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' of a UTC-midnight Date. */
export function dayKey(d) {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The UTC-midnight Date of 'YYYY-MM-DD'. */
export function parseDay(key) {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** `key` moved by `n` days. */
export function addDays(key, n) {
  const d = parseDay(key);
  d.setUTCDate(d.getUTCDate() + n);
  return dayKey(d);
}

/** `key` moved by `n` months (the day clamped to the month's length). */
export function addMonths(key, n) {
  const d = parseDay(key);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + n);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return dayKey(d);
}

/** The Monday on or before `key`. */
export function monday(key) {
  const dow = (parseDay(key).getUTCDay() + 6) % 7;
  return addDays(key, -dow);
}

const partsCache = new Map();
function parts(zone) {
  if (!partsCache.has(zone)) {
    partsCache.set(
      zone,
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    );
  }
  return partsCache.get(zone);
}

/** `{day: 'YYYY-MM-DD', minute: minutes after local midnight}` of instant `ms` in `zone`. */
export function local(ms, zone) {
  const p = Object.fromEntries(parts(zone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute) };
}

/** 'HH:MM' of instant `ms` in `zone`. */
export function clock(ms, zone) {
  const { minute } = local(ms, zone);
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

/** 'YYYY-MM-DDTHH:MM' of instant `ms` in `zone`, for a datetime-local input. */
export function inputValue(ms, zone) {
  return `${local(ms, zone).day}T${clock(ms, zone)}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 'Tue 1 Dec'. */
export function dayLabel(key) {
  const d = parseDay(key);
  return `${WEEKDAYS[(d.getUTCDay() + 6) % 7]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()].slice(0, 3)}`;
}

/** 'December 2026'. */
export function monthLabel(key) {
  const d = parseDay(key);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export { WEEKDAYS };
