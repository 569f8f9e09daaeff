// app.js — starts the web app and owns the router.
//
// Every screen has a URL. Links inside the app and `navigate()` use the History API;
// back and forward replay the route; a reload or a shared link starts here again, since
// the server answers index.html for any path without a file extension. A route's
// controller (controllers/*.js) loads data through api.js, builds its view, and binds the
// view's hooks to API calls: this is where views and the API meet (style rule 10).

import { api, ApiError, onConnectionChange, UNREACHABLE } from './api.js';
import { ShellView } from './views/shell.js';
import { NotFoundView } from './views/not-found.js';
import { isStaff } from './format.js';
import { setupPage, signInPage, registerPage, welcomePage } from './controllers/auth.js';
import { homePage, newTicketPage } from './controllers/home.js';
import { ticketPage } from './controllers/ticket.js';
import { queuePage } from './controllers/queue.js';
import { usersPage, orgPage, categoriesPage, categoryEditorPage, slaPage, tokensPage, auditPage } from './controllers/admin.js';
import { profilePage } from './controllers/profile.js';
import { articlesPage, articlePage, articleFormPage } from './controllers/articles.js';
import { searchPage } from './controllers/search.js';
import { chatPage } from './controllers/chat.js';
import { startLive, stopLive, onLiveState } from './live.js';
import { schedulesPage, mySchedulePage, teamPage } from './controllers/schedule.js';
import { reportsPage } from './controllers/reports.js';
import { calendarPage } from './controllers/calendar.js';

/** [pattern, controller, access]: access is 'public', 'signed-in', 'staff' or 'admin'. */
const ROUTES = [
  ['/setup', setupPage, 'public'],
  ['/signin', signInPage, 'public'],
  ['/register', registerPage, 'public'],
  ['/welcome', welcomePage, 'public'],
  ['/', homePage, 'signed-in'],
  ['/tickets/new', newTicketPage, 'signed-in'],
  ['/tickets/:number', ticketPage, 'signed-in'],
  ['/tickets/:number/chat', chatPage, 'signed-in'],
  ['/queue', queuePage, 'staff'],
  ['/team', teamPage, 'staff'],
  ['/schedule', mySchedulePage, 'staff'],
  ['/calendar', calendarPage, 'staff'],
  ['/reports', reportsPage, 'staff'],
  ['/admin', (ctx) => ctx.navigate('/admin/users', { replace: true }), 'admin'],
  ['/admin/users', usersPage, 'admin'],
  ['/admin/categories', categoriesPage, 'admin'],
  ['/admin/categories/new', categoryEditorPage, 'admin'],
  ['/admin/categories/:id', categoryEditorPage, 'admin'],
  ['/admin/org', orgPage, 'admin'],
  ['/admin/sla', slaPage, 'admin'],
  ['/admin/tokens', tokensPage, 'admin'],
  ['/admin/audit', auditPage, 'admin'],
  ['/admin/schedules', schedulesPage, 'admin'],
  ['/profile', profilePage, 'signed-in'],
  ['/articles', articlesPage, 'signed-in'],
  ['/articles/new', articleFormPage, 'staff'],
  ['/articles/:id', articlePage, 'signed-in'],
  ['/articles/:id/edit', articleFormPage, 'staff'],
  ['/search', searchPage, 'signed-in'],
];

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, controller, access] of ROUTES) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((w, i) => {
      if (w.startsWith(':')) {
        params[w.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return w === parts[i];
    });
    if (ok) return { controller, access, params };
  }
  return null;
}

const shell = new ShellView(document.getElementById('app'));
let session; // undefined until known; null when signed out; {user, organization} when in
let routeToken = 0;
let offlineScreen = false; // the screen on show is "cannot reach": redo the route once back
// A controller may return a function: it runs when the route changes (stop timers, drop
// live subscriptions, say "I left" to presence).
let cleanup = null;

function runCleanup() {
  const fn = cleanup;
  cleanup = null;
  if (typeof fn !== 'function') return;
  try {
    fn();
  } catch (error) {
    console.warn('a route cleanup failed', error);
  }
}

/** The live stream runs exactly while someone is signed in. */
function syncLive() {
  if (session) startLive();
  else stopLive();
}

/** What every controller receives. */
const ctx = {
  api,
  shell,
  get session() {
    return session;
  },
  setSession(next) {
    session = next;
    syncLive();
    shell.renderNav(session, location.pathname);
    // Sign-in answers say nothing of the Available/Away switch; GET /api/me does.
    if (next && isStaff(next.user) && next.available === undefined) {
      api
        .me()
        .then((me) => {
          if (session?.user?.id !== me.user.id) return;
          session = { ...session, available: me.available };
          shell.setAvailable(me.available !== false);
        })
        .catch(() => {});
    }
  },
  navigate,
  /** True while the route that asked is still the one on screen (drops late answers). */
  current(token) {
    return token === routeToken;
  },
  /**
   * Reports a failed call: session expiry sends to sign-in (and back afterwards); an
   * unreachable server is already on the banner; anything else is a toast.
   */
  fail(error) {
    if (error instanceof ApiError && error.code === 'network') return;
    if (error instanceof ApiError && error.status === 401 && session) {
      ctx.setSession(null);
      navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, {
        replace: true,
        notice: 'Your session has ended. Please sign in again.',
      });
      return;
    }
    shell.error(error?.message || String(error));
    if (!(error instanceof ApiError)) console.warn(error);
  },
};

/** Goes to an in-app path. `notice` is handed to the next screen (e.g. sign-in). */
export function navigate(to, { replace = false, notice } = {}) {
  const state = notice ? { notice } : {};
  if (replace) history.replaceState(state, '', to);
  else history.pushState(state, '', to);
  route();
}

async function route() {
  const token = ++routeToken;
  runCleanup();
  offlineScreen = false;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(location.search);
  const found = match(path);
  // A chat opened in its own small window shows without the site's navigation.
  document.body.classList.toggle('popup', query.get('popup') === '1' && path.endsWith('/chat'));
  if (session === undefined) {
    const loaded = await loadSession();
    if (token !== routeToken) return;
    if (loaded === undefined) return showOffline();
    session = loaded;
    syncLive();
  }
  shell.renderNav(session, path);
  if (!found) {
    shell.show(new NotFoundView(), 'Not found');
    return;
  }
  if (found.access !== 'public' && !session) {
    let needed = false;
    try {
      needed = (await api.setupStatus())?.needed;
    } catch (error) {
      if (error.code === 'network') return showOffline();
    }
    if (token !== routeToken) return;
    if (needed) return navigate('/setup', { replace: true });
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path + location.search)}`;
    return navigate(`/signin${next}`, { replace: true });
  }
  if (session && (path === '/signin' || path === '/register')) return navigate('/', { replace: true });
  if (found.access === 'staff' && !isStaff(session.user)) return navigate('/', { replace: true });
  if (found.access === 'admin' && session.user.role !== 'admin') return navigate('/', { replace: true });
  shell.loading();
  try {
    const done = await found.controller(ctx, { params: found.params, query, token, notice: history.state?.notice });
    if (token === routeToken) cleanup = done;
    else if (typeof done === 'function') done();
  } catch (error) {
    if (token !== routeToken) return;
    if (error instanceof ApiError && error.status === 404) {
      shell.show(new NotFoundView({ message: error.message }), 'Not found');
    } else if (error instanceof ApiError && error.code === 'network') {
      showOffline();
    } else {
      ctx.fail(error);
      if (shell.main.getAttribute('aria-busy')) shell.show(new NotFoundView({ title: 'Something went wrong', message: 'This page could not be loaded.' }), 'Error');
    }
  }
}

/** The session, null when signed out, undefined when the server could not be asked. */
async function loadSession() {
  try {
    return await api.me();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'network') return undefined;
    return null;
  }
}

function showOffline() {
  const view = new NotFoundView({ title: 'Cannot reach the help desk', message: 'This page needs the help desk server. It opens by itself as soon as the server answers.' });
  shell.show(view, 'Offline');
  offlineScreen = true;
}

// While the server is unreachable a banner says so and a cheap request asks again every
// few seconds; the first answer (from that or any other request) clears the banner and
// re-opens a screen that could not load.
const PROBE_MS = 3000;
let probe = null;
onConnectionChange((down) => {
  clearInterval(probe);
  probe = null;
  if (down) {
    shell.setOffline(UNREACHABLE);
    probe = setInterval(() => api.ping().catch(() => {}), PROBE_MS);
    return;
  }
  shell.setOffline(null);
  shell.toast('The help desk server answers again.');
  if (offlineScreen) route();
});
shell.bindRetry(() => api.ping().catch(() => {}));
shell.bindSearch((q) => navigate(`/search?q=${encodeURIComponent(q)}`));

// A quiet banner while the live connection is lost; pages still work, they just do not
// update by themselves until it is back. A short grace hides a blink on reconnect.
let liveBannerTimer = null;
onLiveState((state) => {
  clearTimeout(liveBannerTimer);
  if (state === 'reconnecting') {
    liveBannerTimer = setTimeout(() => {
      shell.setLiveLost(true);
      // The stream cannot say why it failed; a session ended in another tab is one
      // reason, and then this tab should say so rather than reconnect for ever.
      api.me().catch((error) => error.status === 401 && session && ctx.fail(error));
    }, 1500);
  } else shell.setLiveLost(false);
});

// In-app links go through the router; new-tab clicks, downloads and other origins don't.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || a.getAttribute('href').startsWith('#')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', () => route());

// The header's Available/Away switch: switching to Available may bring waiting tickets
// at once, and the toast says how many.
shell.bindAvailability(async (available) => {
  try {
    const result = await api.setAvailable(available);
    session = { ...session, available: result.available };
    shell.setAvailable(result.available);
    if (!result.available) shell.toast('You are Away: no tickets are assigned to you automatically.');
    else if (result.assigned) shell.toast(`You are Available. ${result.assigned} waiting ticket${result.assigned === 1 ? ' was' : 's were'} assigned to you.`);
    else shell.toast('You are Available: new tickets may be assigned to you.');
  } catch (error) {
    ctx.fail(error);
  }
});

shell.bindSignOut(async () => {
  try {
    await api.logout();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) return ctx.fail(error);
  }
  ctx.setSession(null);
  navigate('/signin', { notice: 'You are signed out.' });
});

route();
