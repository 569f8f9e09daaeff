// views/category-editor.js — edit one category and its questionnaire: name, guidance,
// default priority, active; questions can be added, removed and reordered, each with a
// kind, options (for choice) and a required flag. Saving sends the whole list; questions
// keep their `id` so answers already given stay linked (docs/api.md).

import { h, replace, field, nextId, formMessage, clearFieldErrors, busy, showFormError } from '../dom.js';
import { PRIORITIES, PRIORITY_LABELS, KIND_LABELS } from '../format.js';
import { adminTabs } from './admin-nav.js';

export class CategoryEditorView {
  constructor({ category }) {
    const c = category || { name: '', guidance: '', default_priority: 'normal', active: true, questions: [] };
    this.isNew = !category;
    this.handlers = {};
    this.questions = (c.questions || []).map((q) => ({ ...q, options: [...(q.options || [])] }));
    this.message = formMessage();
    this.name = field({ label: 'Name', name: 'name', value: c.name, required: true });
    this.guidance = field({ label: 'Guidance', name: 'guidance', kind: 'textarea', value: c.guidance, hint: 'Shown to requesters when they pick this category: what to include, what to try first.' });
    this.priority = field({ label: 'Default priority', name: 'default_priority', kind: 'select', value: c.default_priority, options: PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]]) });
    const activeId = nextId('active');
    this.active = h('input', { type: 'checkbox', id: activeId, checked: c.active !== false });
    this.list = h('ol', { class: 'question-list' });
    const addQuestion = h('button', { type: 'button', text: 'Add question' });
    addQuestion.addEventListener('click', () => {
      this.questions.push({ label: '', kind: 'text', required: false, options: [] });
      this.renderQuestions();
      this.list.lastElementChild?.querySelector('input')?.focus();
    });
    this.save = h('button', { type: 'submit', class: 'primary', text: this.isNew ? 'Create category' : 'Save category' });
    this.remove = h('button', { type: 'button', class: 'danger', text: 'Delete category', hidden: this.isNew });
    this.remove.addEventListener('click', () => this.handlers.remove?.());
    this.form = h(
      'form',
      { class: 'stack', novalidate: true },
      this.message.el,
      this.name.el,
      this.guidance.el,
      this.priority.el,
      h('div', { dataset: { field: 'active' } }, h('div', { class: 'checkbox' }, this.active, h('label', { for: activeId, text: 'Active (offered on new tickets)' })), h('p', { class: 'field-error', hidden: true })),
      h('fieldset', { class: 'questions-editor', dataset: { field: 'questions' } }, h('legend', { text: 'Questions' }), h('p', { class: 'hint', text: 'Asked on every new ticket in this category, after the category is picked.' }), this.list, addQuestion, h('p', { class: 'field-error', hidden: true })),
      h('div', { class: 'actions' }, h('a', { href: '/admin/categories', class: 'button', text: 'Back' }), this.remove, this.save),
    );
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.save, 'Saving…', async () => this.handlers.save?.(this.value()));
    });
    this.el = h(
      'div',
      { class: 'page narrow' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/categories'),
      h('h2', { text: this.isNew ? 'New category' : `Edit category: ${c.name}` }),
      this.form,
    );
    this.renderQuestions();
  }

  bindSave(fn) { this.handlers.save = fn; }
  bindRemove(fn) { this.handlers.remove = fn; }

  value() {
    return {
      name: this.name.control.value.trim(),
      guidance: this.guidance.control.value.trim(),
      default_priority: this.priority.control.value,
      active: this.active.checked,
      questions: this.questions.map((q) => ({
        ...(q.id ? { id: q.id } : {}),
        label: q.label.trim(),
        kind: q.kind,
        required: !!q.required,
        options: q.kind === 'choice' ? q.options.map((o) => o.trim()).filter(Boolean) : [],
      })),
    };
  }

  move(index, delta) {
    const to = index + delta;
    if (to < 0 || to >= this.questions.length) return;
    const [q] = this.questions.splice(index, 1);
    this.questions.splice(to, 0, q);
    this.renderQuestions();
    this.list.children[to]?.querySelector(delta < 0 ? '[data-move="up"]' : '[data-move="down"]')?.focus();
  }

  renderQuestions() {
    if (!this.questions.length) {
      replace(this.list, h('li', { class: 'muted empty-line', text: 'No questions: only title and description will be asked.' }));
      return;
    }
    replace(this.list, this.questions.map((q, i) => this.questionRow(q, i)));
  }

  questionRow(q, i) {
    const n = i + 1;
    const label = field({ label: `Question ${n}`, name: `questions.${i}.label`, value: q.label, required: true });
    label.control.addEventListener('input', () => (q.label = label.control.value));
    const kind = field({ label: 'Kind', name: `questions.${i}.kind`, kind: 'select', value: q.kind, options: Object.entries(KIND_LABELS) });
    const options = field({ label: 'Options, one per line', name: `questions.${i}.options`, kind: 'textarea', value: q.options.join('\n') });
    options.control.rows = 3;
    options.el.hidden = q.kind !== 'choice';
    options.control.addEventListener('input', () => (q.options = options.control.value.split('\n')));
    kind.control.addEventListener('change', () => {
      q.kind = kind.control.value;
      options.el.hidden = q.kind !== 'choice';
    });
    const reqId = nextId('req');
    const required = h('input', { type: 'checkbox', id: reqId, checked: !!q.required });
    required.addEventListener('change', () => (q.required = required.checked));
    const tool = (text, aria, fn, attrs = {}) => {
      const b = h('button', { type: 'button', class: 'small', text, 'aria-label': aria, ...attrs });
      b.addEventListener('click', fn);
      return b;
    };
    return h(
      'li',
      { class: 'question-row' },
      h('div', { class: 'grid-2' }, label.el, kind.el),
      options.el,
      h('div', { dataset: { field: `questions.${i}.required` } }, h('div', { class: 'checkbox' }, required, h('label', { for: reqId, text: 'Required' })), h('p', { class: 'field-error', hidden: true })),
      h(
        'div',
        { class: 'question-tools' },
        tool('↑', `Move question ${n} up`, () => this.move(i, -1), { 'data-move': 'up', disabled: i === 0 }),
        tool('↓', `Move question ${n} down`, () => this.move(i, 1), { 'data-move': 'down', disabled: i === this.questions.length - 1 }),
        tool('Remove', `Remove question ${n}`, () => {
          this.questions.splice(i, 1);
          this.renderQuestions();
        }),
      ),
      h('p', { class: 'field-error', hidden: true }),
    );
  }

  showError(error) {
    showFormError(this.form, this.message, error, { allPlaced: 'Please correct the highlighted fields.' });
  }
}
