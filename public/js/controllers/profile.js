// controllers/profile.js — saving one's own name and phone, and changing the password.

import { ProfileView } from '../views/profile.js';

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
  shell.show(view, 'Profile');
}
