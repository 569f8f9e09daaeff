// controllers/profile.js — saving one's own name and phone, changing the password, and
// one's personal API tokens, and (staff) canned replies.

import { ProfileView } from '../views/profile.js';
import { TokensView } from '../views/tokens.js';
import { CannedRepliesView } from '../views/canned-replies.js';
import { CalendarFeedView } from '../views/calendar-feed.js';
import { isStaff } from '../format.js';

export async function profilePage(ctx) {
  const { api, shell } = ctx;
  const { user, organization } = await api.me();
  ctx.setSession({ user, organization });
  const view = new ProfileView({ user, organization });
  view.bindSave(async (patch) => {
    try {
      const { user: updated } = await api.updateMe(patch);
      ctx.setSession({ ...ctx.session, user: updated });
      shell.toast('Profile saved.');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showProfileError(error);
    }
  });
  view.bindPassword(async (body) => {
    try {
      await api.changePassword(body);
      shell.toast('Password changed. Other devices have been signed out.');
      return true;
    } catch (error) {
      // A wrong current password may come back as 401 too: keep it on the form.
      view.showPasswordError(error);
      return false;
    }
  });
  const tokens = new TokensView();
  const refreshTokens = async () => tokens.showTokens((await api.myTokens()).tokens);
  tokens.bindCreate(async (body) => {
    try {
      const { secret } = await api.createToken(body);
      tokens.showSecret(secret);
      await refreshTokens();
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      tokens.showError(error);
    }
  });
  tokens.bindRevoke(async (token) => {
    try {
      await api.revokeMyToken(token.id);
      shell.toast(`Token "${token.name}" revoked.`);
      await refreshTokens();
    } catch (error) {
      shell.toast(error.message, 'error');
    }
  });
  await refreshTokens();
  view.el.append(tokens.el);
  if (isStaff(user)) view.el.append(await feedCard(ctx), await cannedCard(ctx, user));
  shell.show(view, 'Profile');
}

/** Staff: the calendar feed card, loaded and wired. */
async function feedCard(ctx) {
  const { api, shell } = ctx;
  const view = new CalendarFeedView();
  view.bindRotate(async () => {
    try {
      const { feed } = await api.rotateCalendarFeed();
      view.render(feed);
      view.showAddress(`${location.origin}${feed.path}`);
    } catch (error) {
      shell.toast(error.message, 'error');
    }
  });
  view.bindOff(async () => {
    try {
      await api.deleteCalendarFeed();
      view.render((await api.calendarFeed()).feed);
      shell.toast('Calendar feed turned off.');
    } catch (error) {
      shell.toast(error.message, 'error');
    }
  });
  view.render((await api.calendarFeed()).feed);
  return view.el;
}

/** Staff: the canned replies card, loaded and wired. */
async function cannedCard(ctx, user) {
  const { api, shell } = ctx;
  const view = new CannedRepliesView({ admin: user.role === 'admin' });
  const refresh = async () => view.render((await api.cannedReplies()).replies);
  view.bindCreate(async (body) => {
    try {
      await api.createCanned(body);
      shell.toast('Canned reply saved.');
      await refresh();
      return true;
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else view.showError(error);
      return false;
    }
  });
  view.bindDelete(async (reply) => {
    const ok = await shell.confirm({ title: `Delete “${reply.title}”?`, message: reply.shared ? 'Nobody will be able to insert it any more.' : 'It will no longer be offered in the reply box.', confirmLabel: 'Delete reply' });
    if (!ok) return;
    try {
      await api.deleteCanned(reply.id);
      shell.toast('Canned reply deleted.');
      await refresh();
    } catch (error) {
      ctx.fail(error);
    }
  });
  await refresh();
  return view.el;
}
