// controllers/chat.js — /tickets/N/chat: the live chat window of a ticket.
//
// It loads the ticket and its conversation, then lives on events: a new comment on this
// ticket is added (the POST's own answer and the event may both arrive; the view shows
// each message once), typing and presence update the header, `resync` reloads. While
// open it tells the server it is here every 20 s and that it left when it closes, and
// passes on typing at most every 2 s (the server throttles too).

import { ChatView } from '../views/chat.js';
import { onLive, PAGE_ID } from '../live.js';
import { isStaff } from '../format.js';

const PRESENCE_EVERY_MS = 20_000;
const TYPING_EVERY_MS = 2_000;

/** The ticket's description, shown as the chat's first message (a chat-filed ticket's is). */
function opening(ticket) {
  return {
    id: 'opening',
    opening: true,
    author: { id: ticket.requester?.id, name: ticket.requester?.name, role: 'requester' },
    body: ticket.description || '',
    internal: false,
    created_at: ticket.created_at,
  };
}

export async function chatPage(ctx, { params, token }) {
  const { api, shell } = ctx;
  const n = params.number;
  const [{ ticket }, { comments }] = await Promise.all([api.ticket(n), api.comments(n)]);
  if (!ctx.current(token)) return undefined;
  const me = ctx.session.user;
  const staff = isStaff(me);
  const view = new ChatView({ ticket, me, staff });

  const reload = async () => {
    try {
      const [{ ticket: t }, { comments: list }] = await Promise.all([api.ticket(n), api.comments(n)]);
      view.setTicket(t);
      view.render([opening(t), ...list]);
    } catch (error) {
      ctx.fail(error);
    }
  };

  view.bindSend(async (body) => {
    try {
      const { comment } = await api.addComment(n, body, false);
      view.add(comment);
      return true;
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else view.showError(error);
      return false;
    }
  });

  let lastTyping = 0;
  view.bindTyping(() => {
    const now = Date.now();
    if (now - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = now;
    api.typing(n, { internal: false }).catch(() => {});
  });

  if (staff) {
    view.bindMakeInternal(async (id) => {
      const ok = await shell.confirm({
        title: 'Make this message an internal note?',
        message: 'The requester will no longer see it. This is recorded in the ticket history.',
        confirmLabel: 'Make internal',
      });
      if (!ok) return;
      try {
        await api.updateComment(n, id, { internal: true });
        view.markInternal(id);
      } catch (error) {
        ctx.fail(error);
      }
    });
  }

  view.render([opening(ticket), ...comments]);
  view.setTicket(ticket);

  const here = (open) => api.presence(n, { open, tab: PAGE_ID }).then((r) => r && view.setPresence(r.people)).catch(() => {});
  here(true);
  const heartbeat = setInterval(() => (ctx.current(token) ? here(true) : stop()), PRESENCE_EVERY_MS);
  // A keepalive request still goes out while the window closes.
  const leave = () => api.presence(n, { open: false, tab: PAGE_ID }, { keepalive: true }).catch(() => {});

  const mine = (data) => String(data.number) === String(n);
  const off = [
    onLive('comment.created', (d) => mine(d) && ctx.current(token) && view.add(d.comment)),
    onLive('comment.updated', (d) => mine(d) && d.internal && view.markInternal(d.id)),
    onLive('ticket.updated', (d) => mine(d) && api.ticket(n).then(({ ticket: t }) => view.setTicket(t)).catch(() => {})),
    onLive('typing', (d) => mine(d) && view.showTyping(d.user, d.expires_in_ms || 5000)),
    onLive('presence', (d) => mine(d) && view.setPresence(d.people)),
    onLive('resync', () => ctx.current(token) && reload()),
  ];
  function stop() {
    clearInterval(heartbeat);
    off.forEach((f) => f());
    window.removeEventListener('pagehide', leave);
    leave();
  }
  window.addEventListener('pagehide', leave);

  shell.show(view, `Chat: ${ticket.title}`);
  view.input.focus();
  return stop;
}
