// controllers/notifications.js — the bell (kept for as long as someone is signed in,
// across routes), notification preferences on the profile page, Administration → E-mail,
// and "Forgot password".
//
// The bell's count comes from GET /api/notifications once, then from the live stream:
// every `notification.created` carries the new unread count, so every open tab of the
// browser counts up without asking. A `resync` (the stream lost events) loads it again.

import { BellView } from '../views/bell.js';
import { NotificationPrefsView } from '../views/notification-prefs.js';
import { MailSettingsView } from '../views/admin-mail.js';
import { ForgotView } from '../views/forgot.js';
import { onLive } from '../live.js';

let bell = null; // {view, user, items, stop}

/** Shows the bell for the signed-in person, or removes it when nobody is. */
export function syncBell(ctx) {
  const user = ctx.session?.user?.id;
  if (bell && bell.user === user) return;
  if (bell) {
    bell.stop.forEach((fn) => fn());
    bell = null;
  }
  if (!user) {
    ctx.shell.setBell(null);
    return;
  }
  const view = new BellView();
  const state = { view, user, items: [], stop: [] };
  bell = state;
  const load = async () => {
    try {
      const { notifications, unread } = await ctx.api.notifications();
      if (bell !== state) return;
      state.items = notifications;
      view.setUnread(unread);
      view.render(notifications);
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
    }
  };
  const marked = (unread) => {
    view.setUnread(unread);
    view.render(state.items);
  };
  view.bindOpen(load);
  view.bindRead(async (n) => {
    try {
      const { unread } = await ctx.api.markNotificationsRead({ ids: [n.id] });
      n.read = true;
      marked(unread);
    } catch (error) {
      ctx.fail(error);
    }
  });
  view.bindReadAll(async () => {
    try {
      const { unread } = await ctx.api.markNotificationsRead({ all: true });
      for (const n of state.items) n.read = true;
      marked(unread);
    } catch (error) {
      ctx.fail(error);
    }
  });
  state.stop.push(
    onLive('notification.created', (data) => {
      view.setUnread(data.unread);
      if (!state.items.some((n) => n.id === data.notification.id)) state.items.unshift(data.notification);
      if (view.isOpen) view.render(state.items);
    }),
    onLive('resync', load),
  );
  ctx.shell.setBell(view.el);
  load();
}

/** The ticket page opened ticket `number`: its unread notifications count as read. */
export async function sawTicket(ctx, number) {
  const state = bell;
  const ids = state ? state.items.filter((n) => !n.read && n.ticket_number === number).map((n) => n.id) : [];
  if (!ids.length) return;
  try {
    const { unread } = await ctx.api.markNotificationsRead({ ids });
    for (const n of state.items) if (ids.includes(n.id)) n.read = true;
    state.view.setUnread(unread);
    state.view.render(state.items);
  } catch {
    // Not worth a message: the bell still offers "Mark read".
  }
}

/** The profile page's notification preferences card. */
export async function prefsCard(ctx) {
  const { settings, email_available: emailAvailable } = await ctx.api.notificationSettings();
  const view = new NotificationPrefsView({ settings, emailAvailable });
  view.bindSave(async (body) => {
    try {
      await ctx.api.saveNotificationSettings({ settings: body });
      ctx.shell.toast('Notification choices saved.');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showError(error);
    }
  });
  return view.el;
}

/** Administration → E-mail: the relay, its test, and the organization's defaults. */
export async function mailPage(ctx) {
  const { api, shell } = ctx;
  const [state, prefs] = await Promise.all([api.smtpSettings(), api.notificationSettings()]);
  const view = new MailSettingsView(state);
  view.bindSave(async (body) => {
    try {
      view.showStatus(await api.saveSmtpSettings(body));
      shell.toast('Relay saved. Send a test e-mail to check it.');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showError(error);
    }
  });
  view.bindTest(async () => {
    try {
      const { to } = await api.testSmtp();
      shell.toast(`Test e-mail sent to ${to}.`);
      view.showStatus(await api.smtpSettings());
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showError(error);
      view.showStatus(await api.smtpSettings().catch(() => state));
    }
  });
  view.bindOff(async () => {
    const ok = await shell.confirm({ title: 'Turn e-mail off?', message: 'Notifications stay in the bell. E-mails already waiting are kept and go out once a relay is set again.', confirmLabel: 'Turn e-mail off' });
    if (!ok) return;
    try {
      view.showStatus(await api.saveSmtpSettings({ host: '' }));
      shell.toast('E-mail is off.');
    } catch (error) {
      ctx.fail(error);
    }
  });
  const defaults = new NotificationPrefsView({ settings: prefs.settings, emailAvailable: true, defaults: true });
  defaults.bindSave(async (body) => {
    try {
      await api.saveNotificationSettings({ settings: body, defaults: true });
      shell.toast('Defaults saved.');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      defaults.showError(error);
    }
  });
  view.prefsSlot.append(defaults.el);
  shell.show(view, 'E-mail');
}

/** `/forgot`: asks for a reset link by e-mail. */
export async function forgotPage(ctx) {
  const view = new ForgotView();
  view.bindSubmit(async (email) => {
    try {
      await ctx.api.forgotPassword(email);
      view.showSent(email);
    } catch (error) {
      view.showError(error);
    }
  });
  ctx.shell.show(view, 'Forgot password');
}
