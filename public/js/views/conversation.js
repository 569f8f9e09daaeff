// views/conversation.js — a ticket's replies and internal notes, oldest first, and the
// reply box. Staff can switch the box to an internal note, and log the minutes a reply
// took with it; internal notes look
// unmistakably different (their own colour, border and a spelled-out label), so nobody
// mistakes one for something the requester can read. Live events add replies in place
// (each once, by id), say who else has the ticket open and who is typing, and a "Chat"
// button opens the same conversation in its own small window.
//
// Replies are written in the Markdown editor (views/editor.js: toolbar, shortcuts, live
// preview, a draft kept per ticket). Markdown replies are shown from the server's
// sanitised `html`; older plain-text replies (`format: "text"`) are shown as written.
// Files go with a reply through the picker (views/attachments.js): a reply may be files
// alone, which then belong to the ticket and are listed above the replies.

import { h, replace, busy, field, formMessage, nextId, showFormError, setSafeHtml } from '../dom.js';
import { MarkdownEditor } from './editor.js';
import { timeEl, ROLE_LABELS } from '../format.js';
import { CannedPicker } from './canned-picker.js';
import { TypingLine } from './typing.js';
import { AttachPicker, attachmentList } from './attachments.js';

export const INTERNAL_LABEL = 'Internal note — not visible to the requester';

export class ConversationView {
  constructor({ staff, me, draftKey = null }) {
    this.staff = staff;
    this.me = me;
    this.onRemove = () => {};
    this.ticketFiles = h('div', { class: 'ticket-files' });
    this.picker = new AttachPicker();
    this.list = h('ol', { class: 'comments', 'aria-busy': 'true' }, h('li', { class: 'loading', text: 'Loading conversation…' }));
    this.message = formMessage();
    const id = nextId('reply');
    this.editor = new MarkdownEditor({ label: 'Reply', name: 'body', rows: 5, draftKey });
    this.textarea = this.editor.textarea;
    this.label = this.editor.el.querySelector('label');
    this.submit = h('button', { type: 'submit', class: 'primary', text: 'Send reply' });
    this.internal = null;
    let modeSwitch = null;
    if (staff) {
      const pub = h('input', { type: 'radio', name: 'reply-mode', id: `${id}-public`, value: 'public', checked: true });
      this.internal = h('input', { type: 'radio', name: 'reply-mode', id: `${id}-internal`, value: 'internal' });
      modeSwitch = h(
        'fieldset',
        { class: 'reply-mode' },
        h('legend', { text: 'Write' }),
        h('div', { class: 'radio' }, pub, h('label', { for: pub.id, text: 'Public reply' })),
        h('div', { class: 'radio' }, this.internal, h('label', { for: this.internal.id, text: 'Internal note' })),
      );
      for (const r of [pub, this.internal]) r.addEventListener('change', () => this.updateMode());
    }
    this.modeNote = h('p', { class: 'internal-label', hidden: true, text: INTERNAL_LABEL });
    // Staff may log the time a reply took with it (optional, whole minutes).
    this.minutes = staff ? field({ label: 'Minutes spent', name: 'minutes', kind: 'number', attrs: { min: 1, max: 1440, step: 1, inputmode: 'numeric', class: 'minutes-input' } }) : null;
    this.cannedSlot = h('div', { class: 'canned-slot' });
    this.typing = new TypingLine('typing-line');
    this.form = h('form', { class: 'reply-box stack', novalidate: true }, this.message.el, modeSwitch, this.modeNote, this.cannedSlot, this.editor.el, this.picker.el, h('div', { class: 'actions reply-actions' }, this.minutes?.el, this.submit));
    this.picker.wire(this.form, this.textarea);
    this.presence = h('p', { class: 'presence-line muted' });
    this.chatButton = h('a', { href: '#', class: 'button small chat-open', text: 'Chat' });
    this.el = h(
      'section',
      { class: 'card conversation', 'aria-labelledby': 'conversation-heading' },
      h('div', { class: 'conversation-head' }, h('h2', { id: 'conversation-heading', text: 'Conversation' }), this.chatButton),
      this.presence,
      this.ticketFiles,
      this.list,
      this.typing.el,
      this.form,
    );
  }

  bindPreview(handler) {
    this.editor.bindPreview(handler);
  }

  /** Staff: `load()` resolves to the canned replies filled in for this ticket. */
  bindCanned(load) {
    if (!this.staff) return;
    replace(this.cannedSlot, new CannedPicker({ load, onPick: (text) => this.insertText(text) }).el);
  }

  /** Puts `text` at the reply box's cursor (replacing a selection) and focuses it. */
  insertText(text) {
    const t = this.textarea;
    const start = t.selectionStart ?? t.value.length;
    const end = t.selectionEnd ?? t.value.length;
    t.value = t.value.slice(0, start) + text + t.value.slice(end);
    t.focus();
    t.selectionStart = t.selectionEnd = start + text.length;
  }

  /** `href` of the chat page; `handler(event)` may open it in a window instead. */
  bindOpenChat(href, handler) {
    this.chatButton.href = href;
    this.chatButton.addEventListener('click', (e) => {
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation(); // not the router's link handling: the handler decides
      handler();
    });
  }

  /** `handler()` while someone types in the reply box (the controller throttles). */
  bindTyping(handler) {
    this.textarea.addEventListener('input', () => {
      if (this.textarea.value.trim()) handler(this.isInternal());
    });
  }

  setPresence(people, meId) {
    const others = people.filter((p) => p.id !== meId).map((p) => p.name);
    this.presence.textContent = others.length ? `Also here now: ${others.join(', ')}` : '';
  }

  showTyping(user, ms) {
    this.typing.show(user, ms);
  }

  /** A reply became an internal note: staff see it marked, requesters lose it. */
  markInternal(id) {
    const item = this.list.querySelector(`[data-id="${id}"]`);
    if (!item) return;
    if (!this.staff) {
      item.remove();
      if (!this.list.children.length) replace(this.list, h('li', { class: 'muted empty-line', text: 'No replies yet.' }));
      return;
    }
    if (item.classList.contains('comment-internal')) return;
    item.classList.add('comment-internal');
    item.prepend(h('p', { class: 'internal-label', text: INTERNAL_LABEL }));
  }

  isInternal() {
    return !!this.internal?.checked;
  }

  updateMode() {
    const internal = this.isInternal();
    this.form.classList.toggle('is-internal', internal);
    this.modeNote.hidden = !internal;
    this.label.textContent = internal ? 'Internal note' : 'Reply';
    this.submit.textContent = internal ? 'Add internal note' : 'Send reply';
  }

  setCanReply(allowed) {
    this.form.hidden = !allowed;
  }

  /** The organization's upload limit, shown before anyone picks a file. */
  setAttachmentLimit(bytes) {
    this.picker.setLimit(bytes);
  }

  /**
   * Draws the replies with their files; `files`, when given, are the ticket's
   * attachments (those without a comment are listed above the replies).
   */
  render(comments, files) {
    this.list.removeAttribute('aria-busy');
    if (files) {
      const loose = files.filter((a) => a.comment_id === null || a.comment_id === undefined);
      replace(this.ticketFiles, loose.length ? [h('h3', { class: 'files-heading', text: 'Files on this ticket' }), this.files(loose)] : []);
    }
    if (!comments.length) {
      replace(this.list, h('li', { class: 'muted empty-line', text: 'No replies yet.' }));
      return;
    }
    replace(this.list, comments.map((c) => commentItem(c, this.files(c.attachments))));
  }

  /** Adds a comment unless it is shown already (the POST's answer and its event both come). */
  append(comment) {
    if (this.list.querySelector(`[data-id="${comment.id}"]`)) return;
    if (this.list.querySelector('.empty-line')) replace(this.list);
    this.list.append(commentItem(comment, this.files(comment.attachments)));
    this.typing.clear(comment.author?.id);
  }

  files(list) {
    const mine = (a) => this.staff || a.uploader?.id === this.me?.id;
    return attachmentList(list, { canRemove: mine, onRemove: (a) => this.onRemove(a) });
  }

  /** `handler({body, internal, files, picker})`: body may be empty when files go alone. */
  bindSend(handler) {
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.message.clear();
      const body = this.textarea.value.trim();
      const files = this.picker.files();
      if (!body && !files.length) {
        this.message.show('Write something or attach a file first.');
        this.textarea.focus();
        return;
      }
      const raw = this.minutes?.control.value.trim();
      const minutes = raw ? Number(raw) : undefined;
      busy(this.submit, files.length ? 'Uploading…' : 'Sending…', async () => {
        const ok = await handler({ body, internal: this.isInternal(), minutes, files, picker: this.picker });
        if (ok) {
          this.editor.value = '';
          this.editor.clearDraft();
          if (this.minutes) this.minutes.control.value = '';
        }
      });
    });
  }

  /** `handler(attachment)` when someone removes a file. */
  bindRemoveFile(handler) {
    this.onRemove = handler;
  }

  /** A refused reply: a 422 on `body` shows beside the text box, anything else on top. */
  showError(error) {
    showFormError(this.form, this.message, error);
  }
}

function commentItem(c, files) {
  const role = c.author?.role;
  return h(
    'li',
    { class: `comment${c.internal ? ' comment-internal' : ''}${role && role !== 'requester' ? ' comment-staff' : ''}`, dataset: { id: c.id } },
    c.internal ? h('p', { class: 'internal-label', text: INTERNAL_LABEL }) : null,
    h(
      'p',
      { class: 'comment-head' },
      h('strong', { text: c.author?.name || 'Someone' }),
      role && role !== 'requester' ? h('span', { class: 'role-tag', text: ROLE_LABELS[role] || role }) : null,
      ' ',
      timeEl(c.created_at),
    ),
    // Markdown replies: the server's sanitised HTML. Plain-text replies: as written.
    c.html ? setSafeHtml(h('div', { class: 'prose markdown' }), c.html) : h('div', { class: 'prose', text: c.body }),
    files,
  );
}
