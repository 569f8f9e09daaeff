// controllers/ticket-kb.js — the knowledge base on the ticket page: the reply editor's
// server-rendered preview for everyone, and for staff the suggested articles beside the
// ticket and "Publish as article" on a resolved one. Kept apart from controllers/ticket.js
// so the ticket page only calls `wireKnowledge` and `update`.

import { TicketKnowledgeView } from '../views/ticket-kb.js';

/** Returns `update(ticket)`, to call whenever the page shows a new state of the ticket. */
export function wireKnowledge(ctx, { view, conversation, n, token, staff, ticket }) {
  conversation.bindPreview(async (text) => (await ctx.api.markdown(text)).html);
  if (!staff) return () => {};
  const kb = new TicketKnowledgeView();
  view.placeKnowledge(kb);
  kb.bindPublish(async () => {
    try {
      const { article } = await ctx.api.articleFromTicket(n);
      ctx.shell.toast('Article drafted from the resolution. Review it and publish.');
      ctx.navigate(`/articles/${article.id}/edit`);
    } catch (error) {
      ctx.fail(error);
    }
  });
  ctx.api
    .suggest(`${ticket.title}\n${ticket.description || ''}`)
    .then(({ articles }) => ctx.current(token) && kb.render(articles || []))
    .catch(() => kb.render([]));
  return (t) => kb.update(t);
}
