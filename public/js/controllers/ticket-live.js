// controllers/ticket-live.js — the ticket page on live events: a new reply appears, a
// message made internal disappears for the requester, a status or assignee change
// re-draws the ticket, tasks and history follow, "Alan is typing…" shows under the
// conversation, and the reply box says when this person types. It also tells the server
// the ticket is open (presence) and opens the chat window. Nothing here touches the
// reply box's text or the scroll position: events add to the page, they never rebuild
// the part someone is working in.

import { onLive, PAGE_ID } from '../live.js';

const PRESENCE_EVERY_MS = 20_000;
const TYPING_EVERY_MS = 2_000;

/** Opens the ticket's chat in its own small window; a blocked pop-up opens it here. */
export function openChatWindow(ctx, n) {
  const url = `/tickets/${encodeURIComponent(n)}/chat`;
  const win = window.open(`${url}?popup=1`, `helpdesk-chat-${n}`, 'popup,width=440,height=640');
  if (win) win.focus();
  else ctx.navigate(url);
}

/**
 * Wires the page to live events. `parts`: the views and the page's own refreshers.
 * Returns the cleanup for the router.
 */
export function wireTicketLive(ctx, { n, token, me, conversation, show, refreshHistory, reloadTasks }) {
  const { api } = ctx;
  const mine = (d) => String(d?.number) === String(n);
  const live = () => ctx.current(token);

  // Someone typing in a form the ticket re-draw would rebuild (escalate, resolve, edit)
  // keeps their text: the re-draw waits until they leave the field.
  const typingElsewhere = () => {
    const a = document.activeElement;
    return !!a && a.matches('input[type="text"], input:not([type]), textarea') && !!a.value && !conversation.el.contains(a);
  };
  let deferred = false;
  const reloadTicket = async () => {
    if (typingElsewhere()) {
      if (!deferred) {
        deferred = true;
        document.activeElement.addEventListener('blur', () => {
          deferred = false;
          reloadTicket();
        }, { once: true });
      }
      return;
    }
    try {
      const { ticket } = await api.ticket(n);
      if (live()) show(ticket);
    } catch (error) {
      // A watcher removed meanwhile may no longer read the ticket.
      if (error.status === 404 && live()) ctx.shell.toast('This ticket is no longer shared with you.');
    }
  };
  const reloadComments = async () => {
    try {
      const { comments } = await api.comments(n);
      if (live()) conversation.render(comments || []);
    } catch {
      // The next event or a reload shows them.
    }
  };

  const off = [
    onLive('comment.created', (d) => {
      if (!mine(d) || !live()) return;
      conversation.append(d.comment);
      refreshHistory();
    }),
    onLive('comment.updated', (d) => mine(d) && live() && d.internal && conversation.markInternal(d.id)),
    onLive('ticket.updated', (d) => {
      if (!mine(d) || !live()) return;
      reloadTicket();
      refreshHistory();
    }),
    onLive('task.changed', (d) => mine(d) && live() && reloadTasks()),
    onLive('typing', (d) => mine(d) && live() && d.user?.id !== me.id && conversation.showTyping(d.user, d.expires_in_ms || 5000)),
    onLive('presence', (d) => mine(d) && live() && conversation.setPresence(d.people || [], me.id)),
    onLive('resync', () => {
      if (!live()) return;
      reloadTicket();
      reloadComments();
      reloadTasks();
      refreshHistory();
    }),
  ];

  let lastTyping = 0;
  conversation.bindTyping((internal) => {
    const now = Date.now();
    if (now - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = now;
    api.typing(n, { internal }).catch(() => {});
  });
  conversation.bindOpenChat(`/tickets/${encodeURIComponent(n)}/chat`, () => openChatWindow(ctx, n));

  const here = () =>
    api
      .presence(n, { open: true, tab: PAGE_ID })
      .then((r) => live() && r && conversation.setPresence(r.people || [], me.id))
      .catch(() => {});
  here();
  const heartbeat = setInterval(here, PRESENCE_EVERY_MS);
  const leave = () => api.presence(n, { open: false, tab: PAGE_ID }, { keepalive: true }).catch(() => {});
  window.addEventListener('pagehide', leave);

  return () => {
    clearInterval(heartbeat);
    off.forEach((f) => f());
    window.removeEventListener('pagehide', leave);
    leave();
  };
}
