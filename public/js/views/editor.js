// views/editor.js — the Markdown editor used for articles and ticket replies: a text box
// with a formatting toolbar (bold, italic, heading, list, numbered list, quote, code,
// link), the usual keyboard shortcuts (Ctrl/⌘ + B, I, K, E; Ctrl/⌘ + Shift + 7, 8, 9, H),
// a live preview beside it (stacked at phone width), and a draft kept in localStorage
// while typing so a reload loses nothing.
//
// The preview is rendered by the server (POST /api/markdown, sanitised there) through a
// handler the controller binds; this view never calls the API and never builds HTML
// from text: the sanitised answer goes in through dom.js `setSafeHtml`.

import { h, nextId, setSafeHtml } from '../dom.js';

const PREVIEW_DELAY_MS = 250;
const DRAFT_DELAY_MS = 300;

/** [label, shortcut key, shift?, action] */
const TOOLS = [
  ['Bold', 'b', false, (ed) => ed.wrap('**', '**', 'bold text')],
  ['Italic', 'i', false, (ed) => ed.wrap('_', '_', 'italic text')],
  ['Heading', 'h', true, (ed) => ed.prefixLines(() => '## ')],
  ['List', '8', true, (ed) => ed.prefixLines(() => '- ')],
  ['Numbered list', '7', true, (ed) => ed.prefixLines((i) => `${i + 1}. `)],
  ['Quote', '9', true, (ed) => ed.prefixLines(() => '> ')],
  ['Code', 'e', false, (ed) => ed.code()],
  ['Link', 'k', false, (ed) => ed.link()],
];
const ICONS = { Bold: 'B', Italic: 'I', Heading: 'H', List: '•', 'Numbered list': '1.', Quote: '❝', Code: '</>', Link: 'Link' };
const MAC = /Mac|iPhone|iPad/.test(navigator.platform || '');

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // private mode or disabled: the editor still works, without drafts
  }
}

export class MarkdownEditor {
  /**
   * label: the visible label; draftKey: where the draft lives (null: no drafts);
   * value: the saved text (a newer draft wins over it, and says so).
   */
  constructor({ label, name = 'body', value = '', draftKey = null, rows = 8, hint }) {
    const id = nextId('md');
    this.draftKey = draftKey ? `helpdesk:draft:${draftKey}` : null;
    this.textarea = h('textarea', { id, name, rows, class: 'md-input', 'aria-describedby': `${id}-hint ${id}-error` });
    this.textarea.value = value;
    this.previewBox = h('div', { class: 'md-preview prose', 'aria-live': 'off' });
    this.previewEmpty = h('p', { class: 'muted', text: 'The preview appears here as you type.' });
    this.previewBox.append(this.previewEmpty);
    this.draftNote = h('p', { class: 'draft-note', hidden: true });
    this.error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    const mod = MAC ? '⌘' : 'Ctrl';
    const toolbar = h(
      'div',
      { class: 'md-toolbar', role: 'toolbar', 'aria-label': 'Formatting', 'aria-controls': id },
      TOOLS.map(([tool, key, shift, action]) => {
        const combo = `${mod}+${shift ? 'Shift+' : ''}${key.toUpperCase()}`;
        return h('button', {
          type: 'button',
          class: `md-tool md-${tool.toLowerCase().replace(/\s+/g, '-')}`,
          'aria-label': `${tool} (${combo})`,
          title: `${tool} (${combo})`,
          text: ICONS[tool],
          on: { click: () => { action(this); this.textarea.focus(); } },
        });
      }),
    );
    this.el = h(
      'div',
      { class: 'field md-editor', dataset: { field: name } },
      h('label', { for: id, text: label }),
      h('p', { class: 'hint', id: `${id}-hint`, text: hint || 'Markdown: **bold**, _italic_, ## heading, - list, > quote, `code`, [link](https://…).' }),
      this.draftNote,
      toolbar,
      h(
        'div',
        { class: 'md-panes' },
        this.textarea,
        h('section', { class: 'md-preview-pane', 'aria-label': 'Preview' }, h('p', { class: 'md-preview-title', text: 'Preview' }), this.previewBox),
      ),
      this.error,
    );
    this.previewHandler = null;
    this.previewTimer = null;
    this.draftTimer = null;
    this.previewSeq = 0;
    this.textarea.addEventListener('keydown', (e) => this.shortcut(e));
    this.textarea.addEventListener('input', () => this.changed());
    this.restoreDraft(value);
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.changed();
  }

  focus() {
    this.textarea.focus();
  }

  /** `handler(text)` resolves to sanitised HTML from the server (or rejects). */
  bindPreview(handler) {
    this.previewHandler = handler;
    this.schedulePreview(0);
  }

  shortcut(e) {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    // Shift changes what e.key says for digits; e.code is the key itself.
    const digit = e.code?.startsWith('Digit') ? e.code.slice(5) : null;
    for (const [, k, shift, action] of TOOLS) {
      if (shift !== e.shiftKey) continue;
      if (k === key || (shift && digit === k)) {
        e.preventDefault();
        action(this);
        return;
      }
    }
  }

  /** Wraps the selection (or a placeholder, selected) in `before` and `after`. */
  wrap(before, after, placeholder) {
    const t = this.textarea;
    const { selectionStart: a, selectionEnd: b } = t;
    const inner = t.value.slice(a, b) || placeholder;
    t.setRangeText(`${before}${inner}${after}`, a, b, 'end');
    t.setSelectionRange(a + before.length, a + before.length + inner.length);
    this.changed();
  }

  /** Prefixes every line the selection touches: `prefix(i)` for the i-th line. */
  prefixLines(prefix) {
    const t = this.textarea;
    const start = t.value.lastIndexOf('\n', t.selectionStart - 1) + 1;
    let end = t.value.indexOf('\n', t.selectionEnd);
    if (end === -1) end = t.value.length;
    const lines = t.value.slice(start, end).split('\n');
    const text = lines.map((line, i) => prefix(i) + line).join('\n');
    t.setRangeText(text, start, end, 'end');
    this.changed();
  }

  code() {
    const t = this.textarea;
    const selected = t.value.slice(t.selectionStart, t.selectionEnd);
    if (selected.includes('\n')) this.wrap('```\n', '\n```', '');
    else this.wrap('`', '`', 'code');
  }

  link() {
    const t = this.textarea;
    const { selectionStart: a, selectionEnd: b } = t;
    const label = t.value.slice(a, b) || 'link text';
    t.setRangeText(`[${label}](https://)`, a, b, 'end');
    // Select the address so typing replaces it.
    const urlStart = a + label.length + 3;
    t.setSelectionRange(urlStart, urlStart + 'https://'.length);
    this.changed();
  }

  changed() {
    this.schedulePreview(PREVIEW_DELAY_MS);
    if (!this.draftKey) return;
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.saveDraft(), DRAFT_DELAY_MS);
  }

  schedulePreview(delay) {
    if (!this.previewHandler) return;
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.renderPreview(), delay);
  }

  async renderPreview() {
    const text = this.textarea.value;
    const seq = ++this.previewSeq;
    if (!text.trim()) {
      this.previewBox.replaceChildren(this.previewEmpty);
      return;
    }
    try {
      const html = await this.previewHandler(text);
      // A slower answer for older text must not overwrite a newer one.
      if (seq === this.previewSeq) setSafeHtml(this.previewBox, html);
    } catch {
      if (seq === this.previewSeq) this.previewBox.replaceChildren(h('p', { class: 'muted', text: 'The preview is not available right now; your text is safe.' }));
    }
  }

  saveDraft() {
    const s = storage();
    if (!s || !this.draftKey) return;
    try {
      if (this.textarea.value.trim()) s.setItem(this.draftKey, JSON.stringify({ text: this.textarea.value, at: Date.now() }));
      else s.removeItem(this.draftKey);
    } catch {
      // Storage full: drafts are a convenience; typing goes on.
    }
  }

  restoreDraft(saved) {
    const s = storage();
    if (!s || !this.draftKey) return;
    let draft = null;
    try {
      draft = JSON.parse(s.getItem(this.draftKey) || 'null');
    } catch {
      draft = null;
    }
    if (!draft || typeof draft.text !== 'string' || draft.text === saved) return;
    this.textarea.value = draft.text;
    const discard = h('button', {
      type: 'button',
      class: 'link-button',
      text: 'Discard draft',
      on: {
        click: () => {
          this.clearDraft();
          this.textarea.value = saved;
          this.draftNote.hidden = true;
          this.changed();
        },
      },
    });
    this.draftNote.replaceChildren('Your unsaved draft was restored. ', discard);
    this.draftNote.hidden = false;
  }

  /** Forgets the draft (after a successful save or send). */
  clearDraft() {
    clearTimeout(this.draftTimer);
    this.draftNote.hidden = true;
    const s = storage();
    if (s && this.draftKey) {
      try {
        s.removeItem(this.draftKey);
      } catch {
        // nothing to do
      }
    }
  }
}
