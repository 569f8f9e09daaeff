// controllers/auth.js — first-run setup, sign in and register: each posts its form and,
// on success, keeps the returned session and opens the person's start page.

import { WelcomeView, spentLinkView } from '../views/welcome.js';
import { SetupView } from '../views/setup.js';
import { SignInView } from '../views/signin.js';
import { RegisterView } from '../views/register.js';
import { isStaff } from '../format.js';

function startPage(user) {
  return isStaff(user) ? '/queue' : '/';
}

/** Only same-site paths are followed after sign-in, never a full URL. */
function safeNext(query) {
  const next = query.get('next') || '';
  return next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export async function setupPage(ctx, { query }) {
  const { needed } = await ctx.api.setupStatus();
  const view = new SetupView({ token: query.get('token') || '', needed });
  view.bindSubmit(async (body) => {
    try {
      const result = await ctx.api.setup(body);
      ctx.setSession({ user: result.user, organization: result.organization });
      ctx.shell.toast('Your help desk is ready, with a starter set of categories. Next: invite people with the join link below.');
      ctx.navigate('/admin/org');
    } catch (error) {
      view.showError(error);
    }
  });
  ctx.shell.show(view, 'Set up');
}

export async function signInPage(ctx, { query, notice }) {
  const view = new SignInView({ notice });
  view.bindSubmit(async (body) => {
    try {
      const result = await ctx.api.login(body);
      ctx.setSession({ user: result.user, organization: result.organization });
      ctx.navigate(safeNext(query) || startPage(result.user));
    } catch (error) {
      view.showError(error);
    }
  });
  ctx.shell.show(view, 'Sign in');
}

export async function registerPage(ctx, { query }) {
  const view = new RegisterView({ joinCode: query.get('code') || '' });
  view.bindSubmit(async (body) => {
    try {
      const result = await ctx.api.register(body);
      ctx.setSession({ user: result.user, organization: result.organization });
      ctx.shell.toast(`Welcome, ${result.user.name}. Your account is ready.`);
      ctx.navigate('/');
    } catch (error) {
      view.showError(error);
    }
  });
  ctx.shell.show(view, 'Create account');
}

/**
 * `/welcome?token=...` (a link from an admin or an invitation) and `/reset?token=...`
 * (a "Forgot password" e-mail): a one-time link sets the password and signs in.
 */
export async function welcomePage(ctx, { query }) {
  const token = query.get('token') || '';
  let who;
  try {
    who = await ctx.api.checkLink(token);
  } catch (error) {
    if (error.status !== 404) throw error;
    ctx.shell.show(spentLinkView(), 'Link expired');
    return;
  }
  const view = new WelcomeView(who);
  view.bindSubmit(async (password) => {
    try {
      const result = await ctx.api.useLink(token, password);
      ctx.setSession({ user: result.user, organization: result.organization });
      ctx.shell.toast('Your password is set. Welcome!');
      ctx.navigate('/');
    } catch (error) {
      view.showError(error);
    }
  });
  ctx.shell.show(view, 'Welcome');
}
