// controllers/ticket-edit.js — wires the ticket page's Edit button: loads the categories
// (for their questions) the first time, opens the editor, sends PATCH /api/tickets/:number
// and shows the server's answer. A 403 or 409 (the help desk acted meanwhile, the ticket
// closed) stays in the editor as a message; the page reloads the ticket so the button goes.

import { TicketEditView } from '../views/ticket-edit.js';

export function wireEditor(ctx, view, { n, token, staff, current, show, refreshHistory }) {
  const { api, shell } = ctx;
  let categories = null;
  view.bindEdit(async () => {
    try {
      if (!categories) categories = (await api.categories()).categories.filter((c) => c.active !== false);
    } catch (error) {
      return ctx.fail(error);
    }
    if (!ctx.current(token)) return;
    const editor = new TicketEditView({ ticket: current(), categories, staff });
    editor.bindCancel(() => view.closeEditor());
    editor.bindSave(async (body) => {
      try {
        const { ticket } = await api.updateTicket(n, body);
        if (!ctx.current(token)) return;
        show(ticket);
        view.closeEditor();
        shell.toast('Ticket updated.');
        refreshHistory();
      } catch (error) {
        if (error.status === 401 || error.code === 'network') return ctx.fail(error);
        editor.showError(error);
        if (error.status === 403 || error.status === 409) {
          api.ticket(n).then((r) => ctx.current(token) && show(r.ticket)).catch(() => {});
        }
      }
    });
    view.showEditor(editor);
  });
}
