// views/new-ticket.js — the questionnaire for a new ticket: pick a category (its guidance
// text shows under the picker), answer that category's own questions, then title,
// description, priority and contact details, which start from the person's profile.
// Server validation errors land next to their fields: keys like `title` or
// `answers.<question_id>`. While the title and description are typed, up to five
// published articles are suggested beneath them (debounced); "This solved it" files no
// ticket.

import { h, replace, field, formMessage, clearFieldErrors, busy, showFormError, marked } from '../dom.js';
import { questionField, readAnswers } from './questions.js';
import { PRIORITIES, PRIORITY_LABELS } from '../format.js';

export class NewTicketView {
  constructor({ categories, user }) {
    this.categories = categories;
    this.answerReaders = [];
    this.message = formMessage();
    this.category = field({
      label: 'What do you need help with?',
      name: 'category_id',
      kind: 'select',
      required: true,
      options: [['', 'Choose a category…'], ...categories.map((c) => [String(c.id), c.name])],
    });
    this.guidance = h('div', { class: 'guidance', hidden: true, 'aria-live': 'polite' });
    this.questions = h('div', { class: 'questions' });
    this.category.control.addEventListener('change', () => this.showCategory());
    this.title = field({ label: 'Title', name: 'title', required: true, hint: 'A short summary, like “Laptop won’t connect to Wi-Fi”.', attrs: { maxlength: 200 } });
    this.description = field({ label: 'Description', name: 'description', kind: 'textarea', required: true, hint: 'What happened, what you expected, and anything you already tried.' });
    this.description.control.rows = 6;
    this.priority = field({ label: 'Priority', name: 'priority', kind: 'select', value: 'normal', options: PRIORITIES.map((p) => [p, PRIORITY_LABELS[p]]) });
    this.contactName = field({ label: 'Name', name: 'contact.name', value: user.name, attrs: { autocomplete: 'name' } });
    this.contactEmail = field({ label: 'E-mail', name: 'contact.email', kind: 'email', value: user.email, attrs: { autocomplete: 'email' } });
    this.contactPhone = field({ label: 'Phone', name: 'contact.phone', kind: 'tel', value: user.phone || '', attrs: { autocomplete: 'tel' } });
    this.submit = h('button', { type: 'submit', class: 'primary', text: 'Submit ticket' });
    this.suggestList = h('ul', { class: 'suggestions-list' });
    this.suggestions = h(
      'section',
      { class: 'suggestions', hidden: true, 'aria-live': 'polite', 'aria-labelledby': 'suggestions-heading' },
      h('h2', { id: 'suggestions-heading', text: 'These articles may solve it' }),
      this.suggestList,
    );
    this.form = h(
      'form',
      { class: 'stack questionnaire', novalidate: true },
      this.message.el,
      h('fieldset', {}, h('legend', { class: 'step', dataset: { label: 'Category' } }), this.category.el, this.guidance),
      h('fieldset', { class: 'questions-set' }, h('legend', { class: 'step', dataset: { label: 'A few questions' } }), this.questions),
      h('fieldset', {}, h('legend', { class: 'step', dataset: { label: 'Describe the problem' } }), this.title.el, this.description.el, this.suggestions, this.priority.el),
      h(
        'fieldset',
        { class: 'contact' },
        h('legend', { class: 'step', dataset: { label: 'How can we reach you?' } }),
        h('div', { class: 'grid-3' }, this.contactName.el, this.contactEmail.el, this.contactPhone.el),
      ),
      h('div', { class: 'actions' }, h('a', { href: '/', class: 'button', text: 'Cancel' }), this.submit),
    );
    this.el = h(
      'div',
      { class: 'page narrow' },
      h('h1', { text: 'New ticket' }),
      categories.length
        ? this.form
        : h('p', { class: 'empty', text: 'No categories have been set up yet, so tickets cannot be filed. Please tell your IT team.' }),
    );
    this.showCategory();
  }

  selected() {
    return this.categories.find((c) => String(c.id) === this.category.control.value) || null;
  }

  showCategory() {
    const cat = this.selected();
    this.answerReaders = [];
    const set = this.form.querySelector('.questions-set');
    if (!cat) {
      this.guidance.hidden = true;
      replace(this.questions, h('p', { class: 'muted', text: 'Choose a category first.' }));
      set.hidden = true;
      this.numberSteps();
      return;
    }
    this.guidance.hidden = !cat.guidance;
    replace(this.guidance, h('p', { text: cat.guidance || '' }));
    if (cat.default_priority) this.priority.control.value = cat.default_priority;
    const questions = cat.questions || [];
    set.hidden = !questions.length;
    replace(this.questions, questions.map((q) => this.questionField(q)));
    this.numberSteps();
  }

  /** Numbers the steps shown, so a category without questions does not skip one. */
  numberSteps() {
    let n = 0;
    for (const legend of this.form.querySelectorAll('legend.step')) {
      if (legend.closest('fieldset').hidden) continue;
      n += 1;
      legend.textContent = `${n}. ${legend.dataset.label}`;
    }
  }

  questionField(q) {
    const { el, read } = questionField(q);
    this.answerReaders.push([q, read]);
    return el;
  }

  bindSubmit(handler) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      const answers = readAnswers(this.answerReaders);
      const categoryId = Number(this.category.control.value) || null;
      busy(this.submit, 'Submitting…', () =>
        handler({
          category_id: categoryId,
          title: this.title.control.value.trim(),
          description: this.description.control.value.trim(),
          priority: this.priority.control.value,
          answers,
          contact: {
            name: this.contactName.control.value.trim(),
            email: this.contactEmail.control.value.trim(),
            phone: this.contactPhone.control.value.trim(),
          },
        }),
      );
    });
  }

  /** `handler(text)` runs 300 ms after the title or description stops changing. */
  bindTyping(handler) {
    let timer = null;
    const fire = () => {
      clearTimeout(timer);
      timer = setTimeout(() => handler(`${this.title.control.value}\n${this.description.control.value}`.trim()), 300);
    };
    this.title.control.addEventListener('input', fire);
    this.description.control.addEventListener('input', fire);
  }

  bindSolved(handler) {
    this.solvedHandler = handler;
  }

  /** Up to five articles, best first: title (matched words marked), snippet, actions. */
  showSuggestions(articles) {
    this.suggestions.hidden = !articles.length;
    replace(
      this.suggestList,
      articles.map((a) =>
        h(
          'li',
          { class: 'suggestion' },
          h('a', { href: `/articles/${a.id}`, target: '_blank', rel: 'noopener', class: 'suggestion-title' }, marked(a.title)),
          h('p', { class: 'excerpt' }, marked(a.snippet)),
          h('button', { type: 'button', class: 'small', text: 'This solved it', on: { click: () => this.solvedHandler?.(a) } }),
        ),
      ),
    );
  }

  /** Shows a refused submit: field errors beside their fields, the rest on top. */
  showError(error) {
    showFormError(this.form, this.message, error, { allPlaced: 'Please correct the highlighted fields.' });
  }
}
