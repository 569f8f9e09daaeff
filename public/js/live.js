// live.js — one event stream per browser, shared by all of its tabs.
//
// A browser allows six connections per host, and an event stream keeps one open for
// good; six tabs each with their own stream would leave none for the pages. So one tab,
// the leader, holds the stream (`GET /api/events`) and passes every event to the others
// over a BroadcastChannel. The leader is whoever holds the Web Lock "helpdesk-live":
// when its tab closes, the browser gives the lock to a waiting tab, which opens the
// stream again from the last event id every tab has seen, so nothing is lost in the
// hand-over (the server replays from `last_event_id`, or says `resync`).
//
// Controllers subscribe with `onLive(name, fn)` and get `fn(data)`; `onLiveState(fn)`
// reports 'live' or 'reconnecting' for the quiet banner. A browser without Web Locks
// simply gives every tab its own stream.

/** Every event the server sends, so EventSource delivers each (it needs names). */
export const LIVE_EVENTS = [
  'ready',
  'resync',
  'ticket.created',
  'ticket.updated',
  'comment.created',
  'comment.updated',
  'task.changed',
  'attachment.added',
  'attachment.removed',
  'typing',
  'presence',
  'notification',
  'appointment.changed',
];

const LOCK = 'helpdesk-live';

/**
 * This page's own id for presence (`{open, tab}`): a person with a ticket open in two
 * tabs, or in a tab and the chat window, stays present until the last one closes.
 */
export const PAGE_ID = globalThis.crypto?.randomUUID?.() || `${Date.now()}-${Math.random().toString(36).slice(2)}`;
const RETRY_MS = 3000;

const handlers = new Map(); // name -> Set of fn(data)
const stateHandlers = new Set();
let channel = null;
let source = null;
let lastId = null;
let running = false;
let releaseLock = null;
let retryTimer = null;
let state = 'idle';

/** `fn(data)` for every event called `name`; returns a function that unsubscribes. */
export function onLive(name, fn) {
  if (!handlers.has(name)) handlers.set(name, new Set());
  handlers.get(name).add(fn);
  return () => handlers.get(name).delete(fn);
}

/** `fn(state)` when the live connection changes: 'live' or 'reconnecting'. */
export function onLiveState(fn) {
  stateHandlers.add(fn);
  return () => stateHandlers.delete(fn);
}

function setState(next, broadcast = true) {
  if (state === next) return;
  state = next;
  for (const fn of stateHandlers) fn(next);
  if (broadcast && channel) channel.postMessage({ state: next });
}

function dispatch(name, data) {
  for (const fn of handlers.get(name) || []) {
    try {
      fn(data);
    } catch (e) {
      console.warn('a live handler failed', e); // one bad page must not stop the others
    }
  }
}

/** Starts listening (after sign-in). Safe to call more than once. */
export function startLive() {
  if (running) return;
  running = true;
  if (typeof BroadcastChannel === 'function') {
    channel = new BroadcastChannel(LOCK);
    channel.onmessage = (e) => {
      const msg = e.data || {};
      if (msg.state) return setState(msg.state, false);
      if (msg.id) lastId = msg.id;
      if (msg.name) dispatch(msg.name, msg.data);
    };
  }
  if (navigator.locks && channel) {
    navigator.locks.request(LOCK, () => {
      if (!running) return undefined;
      open();
      // Held until this tab closes or signs out.
      return new Promise((resolve) => (releaseLock = resolve));
    });
  } else {
    open();
  }
}

/** Stops listening (sign-out): closes the stream and gives up leadership. */
export function stopLive() {
  running = false;
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  if (releaseLock) releaseLock();
  releaseLock = null;
  if (channel) channel.close();
  channel = null;
  lastId = null;
  setState('idle', false);
}

function open() {
  if (!running) return;
  const url = lastId ? `/api/events?last_event_id=${encodeURIComponent(lastId)}` : '/api/events';
  source = new EventSource(url);
  source.onopen = () => setState('live');
  source.onerror = () => {
    // EventSource retries by itself after network errors (readyState CONNECTING); a
    // refused answer (401 after sign-out elsewhere, 503 when full) closes it for good,
    // so try again later ourselves.
    setState('reconnecting');
    if (source && source.readyState === EventSource.CLOSED) {
      source = null;
      retryTimer = setTimeout(open, RETRY_MS);
    }
  };
  for (const name of LIVE_EVENTS) {
    source.addEventListener(name, (e) => {
      let data = {};
      try {
        data = e.data ? JSON.parse(e.data) : {};
      } catch {
        return;
      }
      if (e.lastEventId) lastId = e.lastEventId;
      if (channel) channel.postMessage({ name, data, id: e.lastEventId || null });
      dispatch(name, data);
    });
  }
}
