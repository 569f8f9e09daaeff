// controllers/home.js — the start page (a requester's tickets and watched ones; for
// staff, the tickets they filed themselves), kept current by live events, with "Chat with
// IT now" for requesters; and the new-ticket questionnaire.

import { HomeView } from '../views/home.js';
import { NewTicketView } from '../views/new-ticket.js';
import { isStaff } from '../format.js';
import { onLive } from '../live.js';
import { openChatWindow } from './ticket-live.js';

const HOME_EVENTS = ['ticket.created', 'ticket.updated', 'comment.created', 'comment.updated', 'resync'];
const QUIET_MS = 400;

export async function homePage(ctx, { token }) {
  const { user } = ctx.session;
  const staff = isStaff(user);
  const view = new HomeView({ user });
  ctx.shell.show(view, 'My tickets');
  const params = staff ? { requester: user.id, per_page: 100 } : { per_page: 100 };
  const load = async (quiet) => {
    try {
      const result = await ctx.api.tickets(params);
      if (!ctx.current(token)) return;
      view.render(result.tickets || []);
    } catch (error) {
      if (!ctx.current(token) || quiet) return;
      view.showError(error.message);
      ctx.fail(error);
    }
  };

  if (!staff) wireChatStarter(ctx, view, token);

  let timer = null;
  const off = HOME_EVENTS.map((name) =>
    onLive(name, () => {
      clearTimeout(timer);
      timer = setTimeout(() => ctx.current(token) && load(true), QUIET_MS);
    }),
  );
  await load(false);
  return () => {
    clearTimeout(timer);
    off.forEach((f) => f());
  };
}

/** "Chat with IT now": files a ticket from the first message and opens its chat window. */
async function wireChatStarter(ctx, view, token) {
  let categories = [];
  try {
    categories = ((await ctx.api.categories()).categories || []).filter((c) => c.active !== false);
  } catch {
    return; // the page works without it
  }
  if (!ctx.current(token) || !categories.length) return;
  view.showChatStarter(categories);
  view.bindStartChat(async (body) => {
    try {
      const { ticket } = await ctx.api.startChat(body);
      openChatWindow(ctx, ticket.number);
      return true;
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else view.showChatError(error);
      return false;
    }
  });
}

export async function newTicketPage(ctx, { token }) {
  const { categories } = await ctx.api.categories();
  if (!ctx.current(token)) return;
  const view = new NewTicketView({ categories: categories.filter((c) => c.active !== false), user: ctx.session.user });
  view.bindSubmit(async (body) => {
    try {
      const { ticket } = await ctx.api.createTicket(body);
      ctx.shell.toast(`Ticket #${ticket.number} submitted. We’ll reply here.`);
      ctx.navigate(`/tickets/${ticket.number}`);
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showError(error);
    }
  });
  ctx.shell.show(view, 'New ticket');
}
