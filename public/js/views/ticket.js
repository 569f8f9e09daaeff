// views/ticket.js — the ticket page's frame: heading with number, title and marks; the
// description and questionnaire answers; the resolution log; the details list; and the
// actions a person may take. Staff get take / assign / status / escalate / resolve /
// reopen / delete; a requester only what `ticket.can` allows (reopen, close, withdraw). The conversation, tasks, watchers
// and history are separate views placed into the slots this one provides.

import { h, replace, field, radios, busy, formMessage, clearFieldErrors, showFormError } from '../dom.js';
import {
  statusBadge, priorityBadge, escalatedBadge, timeEl, statusLabel, priorityLabel,
  PRIORITIES, PRIORITY_LABELS, isStaff, formatMinutes, slaBadge, formatDateTime, formatBusinessTime,
} from '../format.js';

export class TicketView {
  constructor({ me }) {
    this.me = me;
    this.staff = isStaff(me);
    this.handlers = {};
    this.agents = [];
    this.head = h('div', { class: 'ticket-head' });
    this.body = h('section', { class: 'card ticket-body', 'aria-label': 'Request' });
    this.resolution = h('section', { class: 'card resolution', hidden: true, 'aria-labelledby': 'resolution-heading' });
    this.details = h('section', { class: 'card', 'aria-labelledby': 'details-heading' });
    this.sla = h('section', { class: 'card sla-card', hidden: true, 'aria-labelledby': 'sla-heading' });
    this.actions = h('section', { class: 'card actions-card', 'aria-labelledby': 'actions-heading' });
    this.editSlot = h('div', { hidden: true });
    this.conversationSlot = h('div');
    this.tasksSlot = h('div');
    this.visitsSlot = h('div');
    this.watchersSlot = h('div');
    this.historySlot = h('div');
    this.knowledgeSlot = h('div');
    this.el = h(
      'div',
      { class: 'page ticket-page' },
      h('p', { class: 'crumbs' }, h('a', { href: this.staff ? '/queue' : '/', text: this.staff ? '← Queue' : '← My tickets' })),
      this.head,
      h(
        'div',
        { class: 'ticket-layout' },
        h('div', { class: 'ticket-main' }, this.body, this.editSlot, this.resolution, this.conversationSlot),
        h('aside', { class: 'ticket-side', 'aria-label': 'Ticket details and actions' }, this.sla, this.details, this.actions, this.knowledgeSlot, this.visitsSlot, this.tasksSlot, this.watchersSlot, this.historySlot),
      ),
    );
  }

  setAgents(agents) {
    this.agents = agents || [];
  }

  bind(name, handler) {
    this.handlers[name] = handler;
  }
  bindTake(fn) { this.bind('take', fn); }
  /** The knowledge base card (views/ticket-kb.js), staff only. */
  placeKnowledge(v) { replace(this.knowledgeSlot, v.el); }
  bindAssign(fn) { this.bind('assign', fn); }
  bindApply(fn) { this.bind('apply', fn); }
  bindStatus(fn) { this.bind('status', fn); }
  bindEscalate(fn) { this.bind('escalate', fn); }
  bindResolve(fn) { this.bind('resolve', fn); }
  bindReopen(fn) { this.bind('reopen', fn); }
  bindClose(fn) { this.bind('close', fn); }
  bindPriority(fn) { this.bind('priority', fn); }
  bindEdit(fn) { this.bind('edit', fn); }
  bindDelete(fn) { this.bind('delete', fn); }
  bindRate(fn) { this.bind('rate', fn); }
  bindLogTime(fn) { this.bind('logTime', fn); }
  bindMerge(fn) { this.bind('merge', fn); }
  bindLink(fn) { this.bind('link', fn); }
  bindUnlink(fn) { this.bind('unlink', fn); }
  bindDue(fn) { this.bind('due', fn); }

  /** Puts the editor where the request was; `closeEditor` brings the request back. */
  showEditor(editor) {
    replace(this.editSlot, editor.el);
    this.editSlot.hidden = false;
    this.body.hidden = true;
    editor.focus();
  }

  closeEditor() {
    const wasOpen = !this.editSlot.hidden;
    replace(this.editSlot);
    this.editSlot.hidden = true;
    this.body.hidden = false;
    if (wasOpen) this.body.querySelector('.edit-button')?.focus();
  }

  render(t) {
    this.ticket = t;
    replace(
      this.head,
      h('h1', {}, h('span', { class: 'ticket-number', text: `#${t.number}` }), ' ', t.title),
      h('p', { class: 'badges' }, statusBadge(t.status), priorityBadge(t.priority), t.escalated ? escalatedBadge(t.tier) : null,
        t.sla && (t.sla.state === 'at_risk' || t.sla.state === 'breached') ? slaBadge(t.sla) : null),
      t.merged_into ? h('p', { class: 'merged-note', role: 'note' }, 'Merged into ', h('a', { href: `/tickets/${t.merged_into}`, text: `#${t.merged_into}` }), ': the conversation continues there.') : null,
    );
    let edit = null;
    if (t.can?.edit) {
      edit = h('button', { type: 'button', class: 'small edit-button', text: 'Edit', 'aria-label': 'Edit ticket' });
      edit.addEventListener('click', () => busy(edit, 'Loading…', async () => this.handlers.edit?.()));
    }
    replace(
      this.body,
      h('h2', { class: 'visually-hidden', text: 'Description' }),
      h('div', { class: 'body-head' }, h('p', { class: 'meta muted' }, `${t.requester?.name || 'Someone'} opened this `, timeEl(t.created_at), ` in ${t.category?.name || 'no category'}`), edit),
      h('div', { class: 'prose', text: t.description || '' }),
      t.answers?.length
        ? h('div', {}, h('h3', { text: 'Answers' }), h('dl', { class: 'answers' }, t.answers.map((a) => [h('dt', { text: a.label }), h('dd', { text: answerText(a.value) })])))
        : null,
    );
    this.renderResolution(t.resolution, t.status);
    this.renderDetails(t);
    this.renderSla(t);
    this.renderActions(t);
  }

  /** Staff see both SLA clocks: due time, state in words, business time left. */
  renderSla(t) {
    this.sla.hidden = !t.sla;
    if (!t.sla) return;
    const clock = (title, c) => {
      let detail;
      if (c.state === 'met') detail = 'Met in time.';
      else if (c.state === 'breached' && !c.due) detail = 'Done, but after the target.';
      else if (c.paused) detail = `Paused while on hold · ${formatBusinessTime(c.business_ms_left)} of business time left.`;
      else if (c.business_ms_left < 0) detail = `Due ${formatDateTime(c.due)} · late by ${formatBusinessTime(c.business_ms_left)} of business time.`;
      else detail = `Due ${formatDateTime(c.due)} · ${formatBusinessTime(c.business_ms_left)} of business time left.`;
      return h(
        'div',
        { class: 'sla-clock' },
        h('h3', {}, title, slaBadge({ state: c.state, due: c.due })),
        h('p', { text: detail }),
        c.due_set_by_hand ? h('p', { class: 'muted', text: 'Due time set by hand.' }) : null,
      );
    };
    const parts = [
      h('h2', { id: 'sla-heading', text: 'Service level' }),
      h('div', { class: 'sla-clocks' }, clock('First response', t.sla.first_response), clock('Resolution', t.sla.resolution)),
    ];
    if (t.status !== 'resolved' && t.status !== 'closed') {
      const current = t.sla.resolution_due ? localInput(t.sla.resolution_due) : '';
      const due = field({ label: 'Resolution due by hand', name: 'resolution_due', kind: 'datetime-local', value: current, hint: 'Overrides the computed time; pauses do not move it.' });
      const forms = [this.inlineForm(due, 'Set due time', () => this.handlers.due?.(due.control.value ? new Date(due.control.value).getTime() : null))];
      if (t.sla.resolution.due_set_by_hand) {
        const reset = h('button', { type: 'button', class: 'small', text: 'Use the computed time' });
        reset.addEventListener('click', () => busy(reset, 'Saving…', async () => this.handlers.due?.(null)));
        forms.push(reset);
      }
      parts.push(h('details', { class: 'disclosure' }, h('summary', { text: 'Set the due time…' }), forms));
    }
    replace(this.sla, parts);
  }

  /** A reopened ticket may keep its last resolution log: it is labelled as earlier. */
  renderResolution(r, status) {
    this.resolution.hidden = !r;
    if (!r) return;
    const current = status === 'resolved' || status === 'closed';
    this.resolution.classList.toggle('earlier', !current);
    replace(
      this.resolution,
      h('h2', { id: 'resolution-heading', text: current ? 'Resolution' : 'Earlier resolution (the ticket was reopened)' }),
      h('p', { class: 'meta muted' }, `Resolved by ${r.resolved_by?.name || 'staff'} `, timeEl(r.resolved_at)),
      h('h3', { text: 'Cause' }),
      h('p', { class: 'prose', text: r.cause || '' }),
      h('h3', { text: 'Steps taken' }),
      h('p', { class: 'prose', text: r.steps || '' }),
    );
  }

  renderDetails(t) {
    const contact = t.contact || {};
    const row = (label, ...value) => [h('dt', { text: label }), h('dd', {}, ...value)];
    replace(
      this.details,
      h('h2', { id: 'details-heading', text: 'Details' }),
      h(
        'dl',
        { class: 'details' },
        row('Status', statusLabel(t.status)),
        row('Priority', priorityLabel(t.priority)),
        row('Category', t.category?.name || '—'),
        row('Requester', t.requester?.name || '—'),
        row('Contact', [contact.name, contact.email, contact.phone].filter(Boolean).join(' · ') || '—'),
        row('Assignee', ...assigneeLine(t)),
        row('Tier', `${t.tier || 1}${t.escalated ? ' — escalated' : ''}`),
        row('Opened', timeEl(t.created_at, { full: true })),
        row('Updated', timeEl(t.updated_at, { full: true })),
        t.time_spent_minutes === null || t.time_spent_minutes === undefined ? null : row('Time spent', formatMinutes(t.time_spent_minutes)),
        t.links?.length ? row('Related', h('ul', { class: 'links' }, t.links.map((l) => h('li', {},
          h('a', { href: `/tickets/${l.number}`, text: `#${l.number} ${l.title}` }), ' ', statusBadge(l.status),
          h('button', { type: 'button', class: 'small', text: 'Unlink', 'aria-label': `Unlink #${l.number}`, on: { click: () => this.handlers.unlink?.(l.number) } }),
        )))) : null,
        t.rating ? row('Rating', h('span', { class: `rating rating-${t.rating.rating}`, text: t.rating.rating === 'good' ? 'Good' : 'Bad' }), t.rating.comment ? h('span', { class: 'rating-comment', text: ` — “${t.rating.comment}”` }) : null) : null,
      ),
    );
  }

  renderActions(t) {
    const parts = this.staff ? this.staffActions(t) : this.requesterActions(t);
    if (t.can?.rate) parts.unshift(this.ratingForm());
    if (t.can?.delete) parts.push(this.deleteAction(t));
    this.actions.hidden = !parts.length;
    replace(this.actions, h('h2', { id: 'actions-heading', text: 'Actions' }), parts);
  }

  requesterActions(t) {
    if (t.status !== 'resolved' || !t.can?.reopen) return [];
    return [
      h('p', { class: 'muted', text: 'Is the problem back, or not fixed after all? Reopen the ticket. If all is well, you can close it.' }),
      h('div', { class: 'actions' }, this.button('Reopen ticket', 'reopen', 'primary'), this.button('Close ticket', 'close')),
    ];
  }

  staffActions(t) {
    const out = [];
    const row = h('div', { class: 'actions' });
    if (!t.assignee || t.assignee.id !== this.me.id) if (t.status !== 'closed') row.append(this.button('Take it', 'take', 'primary'));
    if (t.status === 'resolved') row.append(this.button('Reopen', 'reopen'));
    if (row.childElementCount) out.push(row);
    if (t.status === 'closed') return out;

    out.push(this.workForm(t));

    if ((t.tier || 1) < 3 && t.status !== 'resolved') {
      const reason = field({ label: 'Reason for escalating', name: 'reason', kind: 'textarea', required: true, hint: `Raises the ticket to tier ${(t.tier || 1) + 1} and re-assigns it.` });
      out.push(this.disclosure('Escalate…', reason.el, 'Escalate', 'danger', (msg) => this.handlers.escalate?.(reason.control.value.trim(), msg)));
    }
    out.push(this.logTimeAction());
    out.push(this.numberAction('Link a related ticket…', 'Link', 'number', 'Both tickets will list each other.', 'link'));
    out.push(this.numberAction('Merge into another ticket…', 'Merge', 'into', 'This ticket\'s replies, tasks and watchers move there; this one is closed and its requester told where to look.', 'merge'));
    if (t.status !== 'resolved') {
      const cause = field({ label: 'Cause', name: 'resolution.cause', kind: 'textarea', required: true, hint: 'What was wrong.' });
      const steps = field({ label: 'Steps taken', name: 'resolution.steps', kind: 'textarea', required: true, hint: 'What fixed it, so the next person can repeat it.' });
      out.push(this.disclosure('Resolve…', [cause.el, steps.el], 'Resolve ticket', 'primary', (msg) =>
        this.handlers.resolve?.({ cause: cause.control.value.trim(), steps: steps.control.value.trim() }, msg)));
    }
    return out;
  }

  /** The requester's one rating of a resolved ticket: good or bad, and a comment. */
  ratingForm() {
    const choice = radios({ legend: 'How did we do?', name: 'rating', choices: [['good', 'Good'], ['bad', 'Bad']], required: true });
    const comment = field({ label: 'Comment (optional)', name: 'comment', kind: 'textarea', hint: 'What went well, or what we should do better.' });
    const msg = formMessage();
    const submit = h('button', { type: 'submit', class: 'primary', text: 'Send rating' });
    const form = h('form', { class: 'stack rating-form', novalidate: true }, msg.el, choice.el, comment.el, h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      msg.clear();
      clearFieldErrors(form);
      const rating = choice.value();
      if (!rating) return msg.show('Choose good or bad.');
      busy(submit, 'Sending…', async () => this.handlers.rate?.({ rating, comment: comment.control.value.trim() }, {
        show: (text) => msg.show(text),
        error: (error) => showFormError(form, msg, error),
      }));
    });
    return form;
  }

  /**
   * Assignee, status and priority in one form with one button: each select starts at
   * the ticket's current value (the status list is the current status, then the moves
   * the server offers; resolving has its own form), and only what changed is applied.
   */
  workForm(t) {
    const currentAssignee = t.assignee ? String(t.assignee.id) : '';
    const assign = field({
      label: 'Assignee',
      name: 'assignee_id',
      kind: 'select',
      value: currentAssignee,
      options: [['', 'Unassigned'], ...this.agents.map((a) => [String(a.id), `${a.name}${a.tier ? ` · tier ${a.tier}` : ''}`])],
    });
    const moves = (t.next_statuses || []).filter((s) => s !== 'resolved' && s !== t.status);
    const status = field({
      label: 'Status',
      name: 'status',
      kind: 'select',
      value: t.status,
      options: [[t.status, `${statusLabel(t.status)} (now)`], ...moves.map((s) => [s, `Move to ${statusLabel(s)}`])],
    });
    const priority = field({ label: 'Priority', name: 'priority', kind: 'select', value: t.priority, options: PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]]) });
    const msg = formMessage();
    const submit = h('button', { type: 'submit', text: 'Apply changes', disabled: true });
    const form = h('form', { class: 'stack work-form' }, msg.el, assign.el, status.el, priority.el, h('div', { class: 'actions' }, submit));
    const changes = () => {
      const c = {};
      if (assign.control.value !== currentAssignee) c.assignee_id = assign.control.value ? Number(assign.control.value) : null;
      if (status.control.value !== t.status) c.status = status.control.value;
      if (priority.control.value !== t.priority) c.priority = priority.control.value;
      return c;
    };
    form.addEventListener('change', () => { submit.disabled = !Object.keys(changes()).length; });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      msg.clear();
      busy(submit, 'Applying…', async () => this.handlers.apply?.(changes(), { show: (text) => msg.show(text), error: (error) => showFormError(form, msg, error) }));
    });
    return form;
  }

  /** A disclosure asking for one ticket number (link, merge). */
  numberAction(summary, label, name, hint, handler) {
    const n = field({ label: 'Ticket number', name, kind: 'number', required: true, hint, attrs: { min: 1, step: 1, inputmode: 'numeric' } });
    return this.disclosure(summary, n.el, label, '', (msg) => {
      const value = Number(n.control.value);
      if (!Number.isInteger(value) || value < 1) return msg.show('Enter a ticket number.');
      return this.handlers[handler]?.(value, msg);
    });
  }

  /** Staff log minutes on the ticket without writing a reply. */
  logTimeAction() {
    const minutes = field({ label: 'Minutes spent', name: 'minutes', kind: 'number', required: true, attrs: { min: 1, max: 1440, step: 1, inputmode: 'numeric' } });
    const note = field({ label: 'Note (optional)', name: 'note', hint: 'What the time went on.' });
    return this.disclosure('Log time…', [minutes.el, note.el], 'Log time', '', (msg) =>
      this.handlers.logTime?.({ minutes: Number(minutes.control.value), note: note.control.value.trim() }, msg));
  }

  /**
   * Deleting cannot be undone. An admin types the number (the server checks it too); a
   * requester withdrawing their untouched ticket confirms in a dialog (the controller).
   */
  deleteAction(t) {
    if (!this.staff) return h('div', { class: 'actions' }, this.button('Withdraw ticket', 'delete', 'danger'));
    const confirm = field({
      label: `Type ${t.number} to confirm`,
      name: 'confirm',
      required: true,
      hint: 'Deletes the ticket with its conversation, notes, tasks, watchers and history. This cannot be undone.',
      attrs: { inputmode: 'numeric', autocomplete: 'off' },
    });
    return this.disclosure('Delete ticket…', confirm.el, 'Delete ticket', 'danger', (msg) =>
      this.handlers.delete?.(confirm.control.value.trim(), msg));
  }

  button(text, name, cls = '') {
    const b = h('button', { type: 'button', class: cls, text });
    b.addEventListener('click', () => busy(b, 'Working…', async () => this.handlers[name]?.()));
    return b;
  }

  inlineForm(f, label, onSubmit) {
    const submit = h('button', { type: 'submit', text: label });
    const form = h('form', { class: 'inline-form' }, f.el, submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(submit, 'Saving…', async () => onSubmit());
    });
    return form;
  }

  /**
   * A form behind a summary. `onSubmit(report)`: `report.show(text)` puts a message on top,
   * `report.error(apiError)` puts 422 field errors (`reason`, `resolution.cause`…) beside
   * their fields and the rest on top.
   */
  disclosure(summary, fields, label, cls, onSubmit) {
    const msg = formMessage();
    const submit = h('button', { type: 'submit', class: cls, text: label });
    const form = h('form', { class: 'stack', novalidate: true }, msg.el, fields, submit);
    const report = {
      show: (text) => msg.show(text),
      error: (error) => {
        showFormError(form, msg, error);
      },
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      msg.clear();
      clearFieldErrors(form);
      busy(submit, 'Saving…', async () => onSubmit(report));
    });
    return h('details', { class: 'disclosure' }, h('summary', { text: summary }), form);
  }

  placeConversation(view) { replace(this.conversationSlot, view.el); }
  placeTasks(view) { replace(this.tasksSlot, view.el); }
  /** The ticket's appointments (views/visits.js). */
  placeVisits(view) { replace(this.visitsSlot, view.el); }
  placeWatchers(view) { replace(this.watchersSlot, view.el); }
  placeHistory(view) { replace(this.historySlot, view.el); }
}

/** Unix ms as the value of a datetime-local input, in the viewer's zone. */
function localInput(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function answerText(value) {
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  if (value === null || value === undefined || value === '') return '—';
  return String(value);
}

/**
 * The assignee and how they came to have the ticket: "assigned automatically" (with the
 * help desk's reason, which only staff receive), "assigned by hand", or, while nobody
 * could take it, "Waiting for an agent".
 */
function assigneeLine(t) {
  const a = t.assignment || {};
  const reason = a.reason ? h('p', { class: 'assignment-note muted', text: a.reason }) : null;
  if (!t.assignee) {
    if (a.waiting) return [h('span', { class: 'badge waiting', text: 'Waiting for an agent' }), reason];
    return ['Unassigned'];
  }
  const who = `${t.assignee.name}${t.assignee.tier ? ` (tier ${t.assignee.tier})` : ''}`;
  const how = a.kind === 'automatic' ? 'assigned automatically' : a.kind === 'manual' ? 'assigned by hand' : null;
  return [who, how ? h('span', { class: 'muted', text: ` · ${how}` }) : null, a.kind === 'automatic' ? reason : null];
}
