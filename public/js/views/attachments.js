// views/attachments.js — files on a ticket: the list under a reply (image thumbnails
// inline, other files as named links with their size) and the picker in the reply box
// (a button, drag and drop onto the box, or pasting an image into the text). The
// picker checks the size against the organization's limit before anything is sent
// and shows a progress bar per file while the controller uploads. Names reach the page
// through textContent only; thumbnails load from the API (same origin, so `img-src
// 'self'` in the page's CSP allows them).

import { h, replace, nextId } from '../dom.js';
import { formatBytes } from '../format.js';

/** The types the server accepts (docs/api.md); the input's `accept` mirrors it. */
export const ACCEPT = '.png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,.csv,.zip,.docx,.xlsx,.pptx';
const url = (a) => `/api/attachments/${encodeURIComponent(a.id)}`;
const isImage = (a) => /^image\//.test(a.content_type);

/**
 * The files of one reply (or of the ticket): `canRemove(a)` says which show a
 * remove button, `onRemove(a)` is called when it is pressed.
 */
export function attachmentList(items, { canRemove = () => false, onRemove = () => {} } = {}) {
  if (!items || !items.length) return null;
  return h(
    'ul',
    { class: 'attachments', 'aria-label': 'Attached files' },
    items.map((a) => {
      const remove = canRemove(a)
        ? h('button', { type: 'button', class: 'link-button remove-file', 'aria-label': `Remove ${a.name}`, text: 'Remove', on: { click: () => onRemove(a) } })
        : null;
      if (isImage(a)) {
        return h(
          'li',
          { class: 'attachment attachment-image' },
          h('a', { href: url(a), target: '_blank', rel: 'noopener' }, h('img', { src: url(a), alt: a.name, loading: 'lazy', class: 'thumb' })),
          h('span', { class: 'file-meta' }, h('span', { class: 'file-name', text: a.name }), ` ${formatBytes(a.size)}`),
          remove,
        );
      }
      return h(
        'li',
        { class: 'attachment' },
        h('a', { href: url(a), download: a.name, class: 'file-name', text: a.name }),
        h('span', { class: 'file-meta', text: ` ${formatBytes(a.size)}` }),
        remove,
      );
    }),
  );
}

/** The reply box's file picker and the files waiting to be sent with the reply. */
export class AttachPicker {
  constructor() {
    this.limit = 25 * 1024 * 1024;
    this.pending = [];
    const id = nextId('files');
    this.input = h('input', { type: 'file', id, multiple: true, accept: ACCEPT, class: 'visually-hidden', tabindex: '-1' });
    this.button = h('button', { type: 'button', class: 'attach-button', text: 'Attach files', on: { click: () => this.input.click() } });
    this.hint = h('p', { class: 'hint attach-hint' });
    this.list = h('ul', { class: 'pending-files', 'aria-live': 'polite' });
    this.error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    this.el = h('div', { class: 'attach' }, h('div', { class: 'attach-row' }, this.button, this.input, this.hint), this.error, this.list);
    this.input.addEventListener('change', () => {
      this.add([...this.input.files]);
      this.input.value = '';
    });
    this.setLimit(this.limit);
  }

  setLimit(bytes) {
    this.limit = bytes;
    this.hint.textContent = `Up to ${formatBytes(bytes)} each: images, PDF, text, ZIP, Office. Drop files here or paste a screenshot.`;
  }

  /** Lets files be dropped on `zone` and images pasted into `textarea`. */
  wire(zone, textarea) {
    zone.addEventListener('dragover', (e) => {
      if (![...(e.dataTransfer?.types || [])].includes('Files')) return;
      e.preventDefault();
      zone.classList.add('is-dropping');
    });
    zone.addEventListener('dragleave', (e) => {
      if (!zone.contains(e.relatedTarget)) zone.classList.remove('is-dropping');
    });
    zone.addEventListener('drop', (e) => {
      zone.classList.remove('is-dropping');
      if (!e.dataTransfer?.files?.length) return;
      e.preventDefault();
      this.add([...e.dataTransfer.files]);
    });
    textarea.addEventListener('paste', (e) => {
      const files = [...(e.clipboardData?.files || [])];
      if (!files.length) return; // plain text pastes as usual
      e.preventDefault();
      this.add(files.map((f) => named(f)));
    });
  }

  /** Adds files, refusing (with a message) any over the limit or empty. */
  add(files) {
    const refused = [];
    for (const file of files) {
      if (file.size > this.limit) refused.push(`${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(this.limit)}.`);
      else if (file.size === 0) refused.push(`${file.name} is empty.`);
      else this.pending.push({ file, progress: null, error: '' });
    }
    this.showError(refused.join(' '));
    this.render();
  }

  files() {
    return this.pending.map((p) => p.file);
  }

  clear() {
    this.pending = [];
    this.showError('');
    this.render();
  }

  /** Progress of the `i`th pending file, 0..1 (null hides the bar). */
  setProgress(i, fraction) {
    if (!this.pending[i]) return;
    this.pending[i].progress = fraction;
    const bar = this.list.children[i]?.querySelector('progress');
    if (bar) {
      bar.hidden = fraction === null;
      bar.value = fraction || 0;
    } else this.render();
  }

  /** A file the server refused: keep it listed with the reason, so it can be removed. */
  setFileError(i, message) {
    if (!this.pending[i]) return;
    this.pending[i].error = message;
    this.pending[i].progress = null;
    this.render();
  }

  /** Drops the files that were sent, keeping refused ones. */
  keepFailed(sent) {
    this.pending = this.pending.filter((_, i) => !sent.includes(i));
    this.render();
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  render() {
    replace(
      this.list,
      this.pending.map((p, i) =>
        h(
          'li',
          { class: `pending-file${p.error ? ' has-error' : ''}` },
          h('span', { class: 'file-name', text: p.file.name }),
          h('span', { class: 'file-meta', text: formatBytes(p.file.size) }),
          h('progress', { max: 1, value: p.progress || 0, hidden: p.progress === null, 'aria-label': `Uploading ${p.file.name}` }),
          p.error ? h('span', { class: 'field-error', text: p.error }) : null,
          h('button', {
            type: 'button',
            class: 'link-button',
            'aria-label': `Remove ${p.file.name}`,
            text: 'Remove',
            on: {
              click: () => {
                this.pending.splice(i, 1);
                this.render();
              },
            },
          }),
        ),
      ),
    );
  }
}

/** A pasted screenshot arrives as "image.png": give it a name that says when. */
function named(file) {
  if (file.name && file.name !== 'image.png') return file;
  const ext = (file.type.split('/')[1] || 'png').replace('jpeg', 'jpg');
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return new File([file], `screenshot-${stamp}.${ext}`, { type: file.type });
}
