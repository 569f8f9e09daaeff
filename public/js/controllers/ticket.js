// controllers/ticket.js — the ticket page: loads the ticket with its conversation,
// tasks and history, then binds every action of the views to the API. Each change
// updates the page from the server's answer at once (no reload) and refreshes the
// history, which the server writes for every change.

import { TicketView } from '../views/ticket.js';
import { ConversationView } from '../views/conversation.js';
import { TasksView } from '../views/tasks.js';
import { WatchersView, HistoryView } from '../views/timeline.js';
import { isStaff, statusLabel } from '../format.js';
import { wireEditor } from './ticket-edit.js';
import { wireKnowledge } from './ticket-kb.js';

export async function ticketPage(ctx, { params, token }) {
  const { api, shell } = ctx;
  const me = ctx.session.user;
  const staff = isStaff(me);
  const n = params.number;
  const [{ ticket }, comments, tasks, history, agents] = await Promise.all([
    api.ticket(n),
    api.comments(n),
    api.tasks(n),
    api.history(n).catch(() => ({ history: [] })),
    staff ? api.agents().catch(() => ({ agents: [] })) : Promise.resolve({ agents: [] }),
  ]);
  if (!ctx.current(token)) return;

  let current = ticket;
  const view = new TicketView({ me });
  view.setAgents(agents.agents);
  const conversation = new ConversationView({ staff, draftKey: `u${me.id}:reply:${n}` });
  const tasksView = new TasksView();
  const watchers = new WatchersView({ me, staff });
  const historyView = new HistoryView();

  const canWork = () => staff || current.requester?.id === me.id;
  const updateKnowledge = wireKnowledge(ctx, { view, conversation, n, token, staff, ticket });
  const show = (t) => {
    current = t;
    view.render(t);
    updateKnowledge(t);
    conversation.setCanReply(t.status !== 'closed');
    tasksView.setEditable(canWork() && t.status !== 'closed');
    watchers.render(t.watchers || [], t.requester?.id);
    document.title = `#${t.number} ${t.title} · Help desk`;
  };
  const refreshHistory = async () => {
    try {
      const { history: items } = await api.history(n);
      if (ctx.current(token)) historyView.render(items);
    } catch {
      // The page stays usable; the next change or a reload shows the history.
    }
  };
  /** Runs one ticket-changing call, shows the new ticket, reports failure. */
  const change = async (call, done) => {
    try {
      const result = await call();
      if (!ctx.current(token)) return false;
      if (result?.ticket) show(result.ticket);
      if (done) shell.toast(done);
      refreshHistory();
      return true;
    } catch (error) {
      ctx.fail(error);
      return false;
    }
  };

  view.bindTake(() => change(() => api.assign(n, me.id), 'You took this ticket.'));
  view.bindAssign((id) => change(() => api.assign(n, id), id ? 'Assignee changed.' : 'Ticket unassigned.'));
  view.bindStatus((status) => change(() => api.setStatus(n, { status }), `Status set to ${statusLabel(status)}.`));
  view.bindPriority((priority) => change(() => api.updateTicket(n, { priority }), 'Priority changed.'));
  view.bindEscalate(async (reason, msg) => {
    if (!reason) return msg.show('Say why the ticket needs a higher tier.');
    try {
      const { ticket: t } = await api.escalate(n, reason);
      if (!ctx.current(token)) return;
      show(t);
      shell.toast('Ticket escalated.');
      refreshHistory();
    } catch (error) {
      if (error.status === 401 || error.code === 'network') ctx.fail(error);
      else msg.error(error);
    }
  });
  view.bindResolve(async (resolution, msg) => {
    if (!resolution.cause || !resolution.steps) return msg.show('Fill in both the cause and the steps taken: they become the resolution log.');
    try {
      const { ticket: t } = await api.setStatus(n, { status: 'resolved', resolution });
      show(t);
      shell.toast('Ticket resolved.');
      refreshHistory();
    } catch (error) {
      if (error.status === 401 || error.code === 'network') ctx.fail(error);
      else msg.error(error);
    }
  });
  wireEditor(ctx, view, { n, token, staff, current: () => current, show, refreshHistory });
  view.bindReopen(() => change(() => api.setStatus(n, { status: 'open' }), 'Ticket reopened.'));
  view.bindClose(async () => {
    const ok = await shell.confirm({ title: 'Close this ticket?', message: 'A closed ticket cannot be reopened. Open a new ticket if the problem comes back.', confirmLabel: 'Close ticket' });
    if (ok) await change(() => api.setStatus(n, { status: 'closed' }), 'Ticket closed.');
  });

  conversation.bindSend(async ({ body, internal }) => {
    try {
      const { comment } = await api.addComment(n, body, internal);
      conversation.append(comment);
      shell.toast(internal ? 'Internal note added.' : 'Reply sent.');
      // A reply can move the ticket (e.g. new → open); show what the server decided.
      api.ticket(n).then((r) => ctx.current(token) && show(r.ticket)).catch(() => {});
      refreshHistory();
      return true;
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else conversation.showError(error);
      return false;
    }
  });

  let taskList = tasks.tasks || [];
  const renderTasks = () => tasksView.render(taskList);
  tasksView.bindAdd(async (title) => {
    try {
      const { task } = await api.addTask(n, title);
      taskList = [...taskList, task];
      renderTasks();
      refreshHistory();
      return true;
    } catch (error) {
      ctx.fail(error);
      return false;
    }
  });
  const patchTask = async (task, patch) => {
    try {
      const { task: updated } = await api.updateTask(n, task.id, patch);
      taskList = taskList.map((t) => (t.id === updated.id ? updated : t));
      refreshHistory();
    } catch (error) {
      ctx.fail(error);
    }
    renderTasks();
  };
  tasksView.bindToggle((task, done) => patchTask(task, { done }));
  tasksView.bindRename((task, title) => patchTask(task, { title }));
  tasksView.bindDelete(async (task) => {
    const ok = await shell.confirm({ title: 'Delete this task?', message: `“${task.title}” will be removed from the checklist.`, confirmLabel: 'Delete task' });
    if (!ok) return;
    try {
      await api.deleteTask(n, task.id);
      taskList = taskList.filter((t) => t.id !== task.id);
      renderTasks();
      shell.toast('Task deleted.');
      refreshHistory();
    } catch (error) {
      ctx.fail(error);
    }
  });

  watchers.bindSearch((q) => findPeople(api, q, agents.agents));
  watchers.bindAdd(async (userId) => {
    try {
      const { watchers: list } = await api.addWatcher(n, userId);
      current = { ...current, watchers: list };
      watchers.render(list, current.requester?.id);
      refreshHistory();
    } catch (error) {
      ctx.fail(error);
    }
  });
  watchers.bindRemove(async (user) => {
    try {
      await api.removeWatcher(n, user.id);
      current = { ...current, watchers: (current.watchers || []).filter((w) => w.id !== user.id) };
      watchers.render(current.watchers, current.requester?.id);
      refreshHistory();
    } catch (error) {
      ctx.fail(error);
    }
  });

  show(ticket);
  conversation.render(comments.comments || []);
  renderTasks();
  historyView.render(history.history || []);
  view.placeConversation(conversation);
  view.placeTasks(tasksView);
  view.placeWatchers(watchers);
  view.placeHistory(historyView);
  shell.show(view, `#${ticket.number} ${ticket.title}`);
}

/**
 * People matching `q` from GET /api/people. A server without that route (404) gets the
 * agent list filtered here instead, so staff can at least add colleagues.
 */
let peopleMissing = false;
async function findPeople(api, q, agents) {
  if (!peopleMissing) {
    try {
      return (await api.people(q)).people || [];
    } catch (error) {
      if (error.status !== 404) throw error;
      peopleMissing = true;
    }
  }
  const needle = q.toLowerCase();
  return agents.filter((a) => a.name.toLowerCase().includes(needle));
}
