// controllers/ticket.js — the ticket page: loads the ticket with its conversation,
// tasks and history, then binds every action of the views to the API. Each change
// goes through one helper, `perform`: call the API, then redraw the page from the
// server's answer (no reload) and refresh the history the server writes for every
// change — or report the failure in the form that asked, or for the whole page.
// (The shape follows TodoMVC vanilla-es6 `controller.js`: one method per action.)

import { TicketView } from '../views/ticket.js';
import { ConversationView } from '../views/conversation.js';
import { TasksView } from '../views/tasks.js';
import { WatchersView, HistoryView } from '../views/timeline.js';
import { isStaff, statusLabel } from '../format.js';
import { wireEditor } from './ticket-edit.js';
import { wireKnowledge } from './ticket-kb.js';
import { wireTicketLive } from './ticket-live.js';
import { VisitsView } from '../views/visits.js';
import { onLive } from '../live.js';

export async function ticketPage(ctx, { params, token }) {
  const { api } = ctx;
  const staff = isStaff(ctx.session.user);
  const n = params.number;
  const [{ ticket }, comments, tasks, history, agents, org] = await Promise.all([
    api.ticket(n),
    api.comments(n),
    api.tasks(n),
    api.history(n).catch(() => ({ history: [] })),
    staff ? api.agents().catch(() => ({ agents: [] })) : Promise.resolve({ agents: [] }),
    api.org().catch(() => null),
  ]);
  if (!ctx.current(token)) return;
  const page = new TicketController(ctx, { n, token, ticket, agents: agents.agents, tasks: tasks.tasks || [] });
  const limit = org?.organization?.attachment_limit_bytes;
  if (limit) page.conversation.setAttachmentLimit(limit);
  page.start(comments.comments || [], history.history || []);
  const visits = new VisitsView({ staff, number: n, title: ticket.title });
  page.view.placeVisits(visits);
  const zone = org?.organization?.effective_time_zone;
  const reloadVisits = () =>
    api
      .ticketAppointments(n)
      .then((data) => ctx.current(token) && visits.render(data, zone))
      .catch(() => {});
  reloadVisits();
  const offVisits = onLive('ticket.updated', (d) => String(d.number) === String(n) && (d.changes || []).includes('appointments') && reloadVisits());
  // Live events keep the page current; the router runs the returned cleanup on leaving.
  const offLive = wireTicketLive(ctx, {
    n,
    token,
    me: page.me,
    conversation: page.conversation,
    show: (t) => page.show(t),
    refreshHistory: () => page.refreshHistory(),
    reloadTasks: () => page.reloadTasks(),
  });
  return () => {
    offVisits();
    if (typeof offLive === 'function') offLive();
  };
}

/** A form's error slot gets the server's message; a lost session or server fails the page. */
const inForm = (ctx, msg) => (error) => {
  if (error.status === 401 || error.code === 'network') ctx.fail(error);
  else msg.error(error);
};

class TicketController {
  constructor(ctx, { n, token, ticket, agents, tasks }) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.shell = ctx.shell;
    this.me = ctx.session.user;
    this.staff = isStaff(this.me);
    this.n = n;
    this.token = token;
    this.current = ticket;
    this.agents = agents;
    this.taskList = tasks;
    this.view = new TicketView({ me: this.me });
    this.view.setAgents(agents);
    this.conversation = new ConversationView({ staff: this.staff, me: this.me, draftKey: `u${this.me.id}:reply:${n}` });
    this.tasksView = new TasksView();
    this.watchers = new WatchersView({ me: this.me, staff: this.staff });
    this.historyView = new HistoryView();
  }

  /** Binds every action, draws the page and hands it to the shell. */
  start(comments, history) {
    this.updateKnowledge = wireKnowledge(this.ctx, {
      view: this.view,
      conversation: this.conversation,
      n: this.n,
      token: this.token,
      staff: this.staff,
      ticket: this.current,
    });
    this.bindTicket();
    this.bindConversation();
    this.bindTasks();
    this.bindWatchers();
    this.show(this.current);
    this.conversation.render(comments, this.current.attachments || []);
    this.renderTasks();
    this.historyView.render(history);
    this.view.placeConversation(this.conversation);
    this.view.placeTasks(this.tasksView);
    this.view.placeWatchers(this.watchers);
    this.view.placeHistory(this.historyView);
    this.shell.show(this.view, `#${this.current.number} ${this.current.title}`);
  }

  isCurrent() {
    return this.ctx.current(this.token);
  }

  canWork() {
    return this.staff || this.current.requester?.id === this.me.id;
  }

  /** Draws the ticket as the server last described it. */
  show(t) {
    this.current = t;
    this.view.render(t);
    this.updateKnowledge?.(t);
    this.conversation.setCanReply(t.status !== 'closed');
    this.tasksView.setEditable(this.canWork() && t.status !== 'closed');
    this.watchers.render(t.watchers || [], t.requester?.id);
    document.title = `#${t.number} ${t.title} · Help desk`;
  }

  async refreshHistory() {
    try {
      const { history } = await this.api.history(this.n);
      if (this.isCurrent()) this.historyView.render(history);
    } catch {
      // The page stays usable; the next change or a reload shows the history.
    }
  }

  /** Reads the ticket again (a reply or a refused edit may have moved it). */
  reloadTicket() {
    this.api.ticket(this.n).then((r) => this.isCurrent() && this.show(r.ticket)).catch(() => {});
  }

  /**
   * Call, then redraw or report: runs `call`; on success (while the page is still
   * shown) passes the answer to `redraw` (default: show the returned ticket), toasts
   * `done` and refreshes the history. On failure `report` gets the error (default:
   * the page fails). Resolves to whether the call succeeded.
   */
  async perform(call, { done, redraw = (r) => r?.ticket && this.show(r.ticket), report = (e) => this.ctx.fail(e) } = {}) {
    try {
      const result = await call();
      if (!this.isCurrent()) return false;
      redraw(result);
      if (done) this.shell.toast(done);
      this.refreshHistory();
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  }

  bindTicket() {
    const { api, n, view } = this;
    view.bindTake(() => this.perform(() => api.assign(n, this.me.id), { done: 'You took this ticket.' }));
    view.bindAssign((id) => this.perform(() => api.assign(n, id), { done: id ? 'Assignee changed.' : 'Ticket unassigned.' }));
    view.bindStatus((status) => this.perform(() => api.setStatus(n, { status }), { done: `Status set to ${statusLabel(status)}.` }));
    view.bindApply((changes, msg) => this.apply(changes, msg));
    view.bindPriority((priority) => this.perform(() => api.updateTicket(n, { priority }), { done: 'Priority changed.' }));
    view.bindDue((due) => this.perform(() => api.setDue(n, due), { done: due ? 'Due time set.' : 'Due time computed again.' }));
    view.bindEscalate((reason, msg) => this.escalate(reason, msg));
    view.bindResolve((resolution, msg) => this.resolve(resolution, msg));
    view.bindReopen(() => this.perform(() => api.setStatus(n, { status: 'open' }), { done: 'Ticket reopened.' }));
    view.bindClose(() => this.close());
    view.bindDelete((typed, msg) => this.remove(typed, msg));
    view.bindRate((body, msg) => this.perform(() => api.rate(n, body), { done: 'Thank you for rating.', report: inForm(this.ctx, msg) }));
    view.bindLink((number, msg) => this.perform(() => api.link(n, number), { done: `Linked to #${number}.`, report: inForm(this.ctx, msg) }));
    view.bindUnlink((number) => this.perform(() => api.unlink(n, number), { done: `Unlinked from #${number}.`, redraw: () => this.reloadTicket() }));
    view.bindMerge((into, msg) => this.perform(() => api.merge(n, into), {
      done: `Merged into #${into}.`,
      redraw: () => this.ctx.navigate(`/tickets/${into}`),
      report: inForm(this.ctx, msg),
    }));
    view.bindLogTime((body, msg) => this.perform(() => api.logTime(n, body), {
      done: `${body.minutes} min logged.`,
      redraw: () => this.reloadTicket(),
      report: inForm(this.ctx, msg),
    }));
    wireEditor(this.ctx, view, {
      n,
      token: this.token,
      staff: this.staff,
      current: () => this.current,
      show: (t) => this.show(t),
      refreshHistory: () => this.refreshHistory(),
    });
  }

  /** The work form's changes, each through its own call (and history entry), in order. */
  async apply(changes, msg) {
    const { api, n } = this;
    const calls = [];
    if ('assignee_id' in changes) calls.push(() => api.assign(n, changes.assignee_id));
    if (changes.status) calls.push(() => api.setStatus(n, { status: changes.status }));
    if (changes.priority) calls.push(() => api.updateTicket(n, { priority: changes.priority }));
    const done = Object.keys(changes).map((k) => ({ assignee_id: 'assignee', status: 'status', priority: 'priority' }[k])).join(', ');
    return this.perform(async () => {
      let last = null;
      for (const call of calls) last = await call();
      return last;
    }, { done: `Saved: ${done}.`, report: (error) => { inForm(this.ctx, msg)(error); this.reloadTicket(); } });
  }

  escalate(reason, msg) {
    if (!reason) return msg.show('Say why the ticket needs a higher tier.');
    return this.perform(() => this.api.escalate(this.n, reason), { done: 'Ticket escalated.', report: inForm(this.ctx, msg) });
  }

  resolve(resolution, msg) {
    if (!resolution.cause || !resolution.steps) return msg.show('Fill in both the cause and the steps taken: they become the resolution log.');
    return this.perform(() => this.api.setStatus(this.n, { status: 'resolved', resolution }), { done: 'Ticket resolved.', report: inForm(this.ctx, msg) });
  }

  async close() {
    const ok = await this.shell.confirm({ title: 'Close this ticket?', message: 'A closed ticket cannot be reopened. Open a new ticket if the problem comes back.', confirmLabel: 'Close ticket' });
    if (ok) await this.perform(() => this.api.setStatus(this.n, { status: 'closed' }), { done: 'Ticket closed.' });
  }

  /** Admins send the typed number; a requester withdrawing confirms in a dialog. */
  async remove(typed, msg) {
    if (this.staff && String(typed) !== String(this.current.number)) {
      return msg.show(`Type ${this.current.number} to confirm.`);
    }
    if (!this.staff) {
      const ok = await this.shell.confirm({ title: 'Withdraw this ticket?', message: 'It will be deleted, with its replies and tasks. Nobody has started on it yet.', confirmLabel: 'Withdraw ticket' });
      if (!ok) return;
    }
    try {
      await this.api.deleteTicket(this.n, this.staff ? Number(typed) : undefined);
      this.shell.toast(`Ticket #${this.current.number} ${this.staff ? 'deleted' : 'withdrawn'}.`);
      this.ctx.navigate(this.staff ? '/queue' : '/');
    } catch (error) {
      if (msg) inForm(this.ctx, msg)(error);
      else this.ctx.fail(error);
    }
  }

  bindConversation() {
    this.conversation.bindCanned(async () => (await this.api.cannedForTicket(this.n)).replies || []);
    this.conversation.bindSend((reply) => (reply.files.length ? this.sendWithFiles(reply) : this.sendReply(reply)));
    this.conversation.bindRemoveFile((a) => this.removeFile(a));
  }

  sendReply({ body, internal, minutes }) {
    return this.perform(() => this.api.addComment(this.n, body, internal, minutes), {
      done: internal ? 'Internal note added.' : 'Reply sent.',
      redraw: ({ comment }) => {
        this.conversation.append(comment);
        // A reply can move the ticket (e.g. new → open); show what the server decided.
        this.reloadTicket();
      },
      report: (error) => (error.status === 401 ? this.ctx.fail(error) : this.conversation.showError(error)),
    });
  }

  /**
   * A reply with files: the reply first (when there is text), then each file bound to
   * it, one at a time with its progress bar. Files alone belong to the ticket. A file
   * the server refuses stays in the box with the reason; the rest are sent.
   */
  async sendWithFiles({ body, internal, minutes, files, picker }) {
    let comment = null;
    if (body) {
      const ok = await this.perform(() => this.api.addComment(this.n, body, internal, minutes), {
        redraw: (r) => {
          comment = r.comment;
        },
        report: (error) => (error.status === 401 ? this.ctx.fail(error) : this.conversation.showError(error)),
      });
      if (!ok) return false;
    }
    const sent = [];
    for (const [i, file] of files.entries()) {
      picker.setProgress(i, 0);
      try {
        await this.api.uploadAttachment(this.n, file, { comment: comment?.id, onProgress: (f) => picker.setProgress(i, f) });
        sent.push(i);
      } catch (error) {
        if (error.status === 401) return this.ctx.fail(error);
        picker.setFileError(i, error.fields?.file || error.fields?.name || error.message);
      }
    }
    if (!this.isCurrent()) return false;
    picker.keepFailed(sent);
    await this.reloadConversation();
    this.refreshHistory();
    if (sent.length) this.shell.toast(sent.length === 1 ? 'File attached.' : `${sent.length} files attached.`);
    return sent.length === files.length || !!comment;
  }

  /** Reads the replies and the ticket again, with their files. */
  async reloadConversation() {
    try {
      const [{ comments }, { ticket }] = await Promise.all([this.api.comments(this.n), this.api.ticket(this.n)]);
      if (!this.isCurrent()) return;
      this.show(ticket);
      this.conversation.render(comments, ticket.attachments || []);
    } catch (error) {
      this.ctx.fail(error);
    }
  }

  async removeFile(a) {
    const ok = await this.shell.confirm({ title: 'Remove this file?', message: `“${a.name}” will be removed from the ticket for everyone.`, confirmLabel: 'Remove file' });
    if (!ok) return;
    const done = await this.perform(() => this.api.deleteAttachment(a.id), { done: 'File removed.', redraw: () => {} });
    if (done) await this.reloadConversation();
  }

  /** Reads the checklist again (someone else changed it). */
  async reloadTasks() {
    try {
      const { tasks } = await this.api.tasks(this.n);
      if (!this.isCurrent()) return;
      this.taskList = tasks || [];
      this.renderTasks();
    } catch {
      // The next change or a reload shows them.
    }
  }

  renderTasks() {
    this.tasksView.render(this.taskList);
  }

  bindTasks() {
    const { api, n, tasksView } = this;
    tasksView.bindAdd((title) => this.perform(() => api.addTask(n, title), {
      redraw: ({ task }) => {
        this.taskList = [...this.taskList, task];
        this.renderTasks();
      },
    }));
    tasksView.bindToggle((task, done) => this.patchTask(task, { done }));
    tasksView.bindRename((task, title) => this.patchTask(task, { title }));
    tasksView.bindDelete((task) => this.deleteTask(task));
  }

  async patchTask(task, patch) {
    await this.perform(() => this.api.updateTask(this.n, task.id, patch), {
      redraw: ({ task: updated }) => {
        this.taskList = this.taskList.map((t) => (t.id === updated.id ? updated : t));
      },
    });
    // Drawn either way: a refused change puts the checkbox or title back.
    this.renderTasks();
  }

  async deleteTask(task) {
    const ok = await this.shell.confirm({ title: 'Delete this task?', message: `“${task.title}” will be removed from the checklist.`, confirmLabel: 'Delete task' });
    if (!ok) return;
    await this.perform(() => this.api.deleteTask(this.n, task.id), {
      done: 'Task deleted.',
      redraw: () => {
        this.taskList = this.taskList.filter((t) => t.id !== task.id);
        this.renderTasks();
      },
    });
  }

  bindWatchers() {
    const { api, n, watchers } = this;
    watchers.bindSearch(async (q) => (await api.people(q)).people || []);
    watchers.bindAdd((userId) => this.perform(() => api.addWatcher(n, userId), {
      redraw: ({ watchers: list }) => this.setWatchers(list),
    }));
    watchers.bindRemove((user) => this.perform(() => api.removeWatcher(n, user.id), {
      redraw: () => this.setWatchers((this.current.watchers || []).filter((w) => w.id !== user.id)),
    }));
  }

  setWatchers(list) {
    this.current = { ...this.current, watchers: list };
    this.watchers.render(list, this.current.requester?.id);
  }
}
