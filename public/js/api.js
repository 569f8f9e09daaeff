// api.js — the only module that talks to the server.
//
// Every call goes through `request`, which keeps the rules of docs/api.md in one place:
// the session cookie travels with same-origin requests; every non-GET carries
// `Content-Type: application/json`, even with no body, because the server's CSRF check
// refuses writes without it; error answers `{"error": {code, message, fields}}` become an
// `ApiError`; and a failed connection becomes an ApiError with code "network" and a
// message a person can act on. Views never import this module: app.js and the
// controllers do (style rule 10).

/** A refused or failed request. `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

export const UNREACHABLE =
  'The help desk server cannot be reached. Check your network connection; the page keeps trying.';

// Every request reports whether the server answered, so the app can say "cannot be
// reached" once, keep trying, and say so when it is back.
const connectionListeners = new Set();
let connectionDown = false;
function setConnectionDown(down) {
  if (connectionDown === down) return;
  connectionDown = down;
  for (const fn of connectionListeners) fn(down);
}

/** `fn(down)` runs when the server stops answering (true) and answers again (false). */
export function onConnectionChange(fn) {
  connectionListeners.add(fn);
}

async function request(method, path, body, { keepalive = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  // keepalive lets a request outlive its page (saying "I left" as a window closes).
  if (keepalive) init.keepalive = true;
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body === undefined ? {} : body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    setConnectionDown(true);
    throw new ApiError(0, 'network', UNREACHABLE);
  }
  setConnectionDown(false);
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const err = data && data.error ? data.error : {};
    const failure = new ApiError(
      response.status,
      err.code || `http_${response.status}`,
      err.message || fallbackMessage(response.status),
      err.fields || {},
    );
    // A scheduling clash lists what it clashes with, for the form to show.
    if (err.conflicts) failure.conflicts = err.conflicts;
    throw failure;
  }
  return data;
}

/**
 * Sends a file as the raw request body (no multipart), with XMLHttpRequest because
 * fetch cannot report upload progress. `onProgress(fraction)` runs as bytes leave.
 * The custom header is the upload's CSRF defence (docs/api.md, Attachments).
 */
function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('X-Requested-With', 'helpdesk');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      setConnectionDown(false);
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data);
      const err = data && data.error ? data.error : {};
      reject(new ApiError(xhr.status, err.code || `http_${xhr.status}`, err.message || uploadMessage(xhr.status), err.fields || {}));
    });
    // A refused upload (too large, say) is answered before the body is read and the
    // connection closed, which some browsers report as a network error.
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The upload was interrupted. Check the file size and your connection, then try again.')));
    xhr.send(file);
  });
}

function uploadMessage(status) {
  if (status === 413) return 'The file is larger than the help desk accepts.';
  if (status === 408) return 'The upload stalled. Check your connection and try again.';
  return fallbackMessage(status);
}

function fallbackMessage(status) {
  if (status === 401) return 'Please sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'That could not be found. It may have been removed.';
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status >= 500) return 'The server ran into a problem. Try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

/** Builds a query string from an object, skipping empty values; arrays repeat the key. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) search.set(key, value.join(','));
    } else {
      search.set(key, String(value));
    }
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const api = {
  // accounts and organizations
  setupStatus: () => request('GET', '/api/setup'),
  /** A cheap question any visitor may ask: answers when the server is reachable. */
  ping: () => request('GET', '/api/setup'),
  setup: (body) => request('POST', '/api/setup', body),
  register: (body) => request('POST', '/api/auth/register', body),
  login: (body) => request('POST', '/api/auth/login', body),
  logout: () => request('POST', '/api/auth/logout'),
  me: () => request('GET', '/api/me'),
  updateMe: (body) => request('PATCH', '/api/me', body),
  changePassword: (body) => request('POST', '/api/me/password', body),
  users: (params) => request('GET', `/api/users${query(params)}`),
  updateUser: (id, body) => request('PATCH', `/api/users/${enc(id)}`, body),
  createUser: (body) => request('POST', '/api/users', body),
  resetLink: (id) => request('POST', `/api/users/${enc(id)}/password-link`),
  checkLink: (token) => request('POST', '/api/password-links/check', { token }),
  useLink: (token, password) => request('POST', '/api/password-links/use', { token, password }),
  agents: () => request('GET', '/api/agents'),
  people: (q) => request('GET', `/api/people${query({ q })}`),
  org: () => request('GET', '/api/org'),
  updateOrg: (body) => request('PATCH', '/api/org', body),
  rotateJoinCode: () => request('POST', '/api/org/join-code'),
  myTokens: () => request('GET', '/api/me/tokens'),
  createToken: (body) => request('POST', '/api/me/tokens', body),
  revokeMyToken: (id) => request('DELETE', `/api/me/tokens/${enc(id)}`),
  allTokens: () => request('GET', '/api/tokens'),
  audit: (params) => request('GET', `/api/audit${query(params)}`),
  revokeToken: (id) => request('DELETE', `/api/tokens/${enc(id)}`),

  // the staff calendar
  calendar: ({ from, to, who }) => request('GET', `/api/calendar?from=${enc(from)}&to=${enc(to)}&who=${enc(who)}`),
  createAppointment: (body) => request('POST', '/api/appointments', body),
  updateAppointment: (id, body) => request('PATCH', `/api/appointments/${enc(id)}`, body),
  cancelAppointment: (id) => request('DELETE', `/api/appointments/${enc(id)}`),
  ticketAppointments: (n) => request('GET', `/api/tickets/${enc(n)}/appointments`),
  calendarFeed: () => request('GET', '/api/me/calendar-feed'),
  rotateCalendarFeed: () => request('POST', '/api/me/calendar-feed'),
  deleteCalendarFeed: () => request('DELETE', '/api/me/calendar-feed'),
  // schedules and availability
  schedule: (userId) => request('GET', `/api/users/${enc(userId)}/schedule`),
  saveSchedule: (userId, body) => request('PUT', `/api/users/${enc(userId)}/schedule`, body),
  addTimeOff: (userId, body) => request('POST', `/api/users/${enc(userId)}/time-off`, body),
  removeTimeOff: (userId, id) => request('DELETE', `/api/users/${enc(userId)}/time-off/${enc(id)}`),
  setAvailable: (available) => request('PUT', '/api/me/availability', { available }),
  availability: () => request('GET', '/api/availability'),

  // categories
  categories: (all = false) => request('GET', `/api/categories${all ? '?all=1' : ''}`),
  createCategory: (body) => request('POST', '/api/categories', body),
  updateCategory: (id, body) => request('PATCH', `/api/categories/${enc(id)}`, body),
  deleteCategory: (id) => request('DELETE', `/api/categories/${enc(id)}`),

  // tickets
  tickets: (params) => request('GET', `/api/tickets${query(params)}`),
  createTicket: (body) => request('POST', '/api/tickets', body),
  bulk: (body) => request('POST', '/api/tickets/bulk', body),
  ticket: (n) => request('GET', `/api/tickets/${enc(n)}`),
  updateTicket: (n, body) => request('PATCH', `/api/tickets/${enc(n)}`, body),
  deleteTicket: (n, confirm) => request('DELETE', `/api/tickets/${enc(n)}`, confirm === undefined ? {} : { confirm }),
  setStatus: (n, body) => request('POST', `/api/tickets/${enc(n)}/status`, body),
  assign: (n, assigneeId) =>
    request('POST', `/api/tickets/${enc(n)}/assign`, { assignee_id: assigneeId }),
  escalate: (n, reason) => request('POST', `/api/tickets/${enc(n)}/escalate`, { reason }),
  addWatcher: (n, userId) => request('POST', `/api/tickets/${enc(n)}/watchers`, { user_id: userId }),
  removeWatcher: (n, userId) =>
    request('DELETE', `/api/tickets/${enc(n)}/watchers/${enc(userId)}`),
  comments: (n) => request('GET', `/api/tickets/${enc(n)}/comments`),
  // The reply box is the Markdown editor, so replies are Markdown unless said otherwise.
  // `minutes`: staff log the time a reply took with it.
  addComment: (n, body, internal, minutes, format = 'markdown') =>
    request('POST', `/api/tickets/${enc(n)}/comments`, { body, internal, format, minutes }),
  merge: (n, into) => request('POST', `/api/tickets/${enc(n)}/merge`, { into }),
  link: (n, number) => request('POST', `/api/tickets/${enc(n)}/links`, { number }),
  unlink: (n, other) => request('DELETE', `/api/tickets/${enc(n)}/links/${enc(other)}`),
  rate: (n, body) => request('POST', `/api/tickets/${enc(n)}/rating`, body),
  timeEntries: (n) => request('GET', `/api/tickets/${enc(n)}/time`),
  logTime: (n, body) => request('POST', `/api/tickets/${enc(n)}/time`, body),
  tasks: (n) => request('GET', `/api/tickets/${enc(n)}/tasks`),
  addTask: (n, title) => request('POST', `/api/tickets/${enc(n)}/tasks`, { title }),
  updateTask: (n, id, body) => request('PATCH', `/api/tickets/${enc(n)}/tasks/${enc(id)}`, body),
  deleteTask: (n, id) => request('DELETE', `/api/tickets/${enc(n)}/tasks/${enc(id)}`),
  history: (n) => request('GET', `/api/tickets/${enc(n)}/history`),
  articleFromTicket: (n) => request('POST', `/api/tickets/${enc(n)}/article`),

  // knowledge base and search
  articles: (params) => request('GET', `/api/articles${query(params)}`),
  article: (id) => request('GET', `/api/articles/${enc(id)}`),
  createArticle: (body) => request('POST', '/api/articles', body),
  updateArticle: (id, body) => request('PATCH', `/api/articles/${enc(id)}`, body),
  deleteArticle: (id) => request('DELETE', `/api/articles/${enc(id)}`),
  revisions: (id) => request('GET', `/api/articles/${enc(id)}/revisions`),
  restoreRevision: (id, rev) =>
    request('POST', `/api/articles/${enc(id)}/revisions/${enc(rev)}/restore`),
  suggest: (q) => request('GET', `/api/articles/suggest${query({ q })}`),
  solved: (id) => request('POST', `/api/articles/${enc(id)}/solved`),
  markdown: (text) => request('POST', '/api/markdown', { text }),
  search: (q, type) => request('GET', `/api/search${query({ q, type })}`),
  cannedForTicket: (n) => request('GET', `/api/tickets/${enc(n)}/canned-replies`),
  cannedReplies: () => request('GET', '/api/canned-replies'),
  createCanned: (body) => request('POST', '/api/canned-replies', body),
  deleteCanned: (id) => request('DELETE', `/api/canned-replies/${enc(id)}`),
  setDue: (n, due) => request('PUT', `/api/tickets/${enc(n)}/sla`, { resolution_due: due }),

  // business hours and SLA targets
  businessHours: () => request('GET', '/api/business-hours'),
  saveBusinessHours: (body) => request('PUT', '/api/business-hours', body),
  slaTargets: () => request('GET', '/api/sla'),
  saveSlaTargets: (body) => request('PUT', '/api/sla', body),

  /** Staff turn a reply into an internal note: `{internal: true}`. */
  updateComment: (n, id, body) => request('PATCH', `/api/tickets/${enc(n)}/comments/${enc(id)}`, body),

  // live chat (docs/live.md)
  typing: (n, body) => request('POST', `/api/tickets/${enc(n)}/typing`, body),
  presence: (n, body, options) => request('POST', `/api/tickets/${enc(n)}/presence`, body, options),
  startChat: (body) => request('POST', '/api/chats', body),

  // reports (staff)
  reportSummary: (params) => request('GET', `/api/reports/summary${query(params)}`),
  reportSeries: (metric, params) => request('GET', `/api/reports/series${query({ ...params, metric })}`),

  // attachments
  /** `comment`: bind the file to that reply or note; `onProgress(fraction)`. */
  uploadAttachment: (n, file, { comment, onProgress } = {}) =>
    upload(`/api/tickets/${enc(n)}/attachments${query({ name: file.name, comment })}`, file, onProgress),
  deleteAttachment: (id) => request('DELETE', `/api/attachments/${enc(id)}`),
};

/**
 * Where a CSV file downloads from: a plain link (the browser fetches it with the session
 * cookie and saves it), so nothing is read into the page.
 */
export function csvUrl(path, params) {
  return `${path}${query(params)}`;
}
