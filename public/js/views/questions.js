// views/questions.js — one form control for one category question, shared by the new-ticket
// questionnaire and the ticket editor so both ask the same way. The field's data-field is
// `answers.<question_id>`, the key the server uses for a bad answer in a 422 `fields` map.

import { field, radios } from '../dom.js';

/**
 * Returns {el, read}: `read()` gives the answer to send (string, bool for yes/no) or null
 * when unanswered. `value` pre-fills an earlier answer.
 */
export function questionField(q, value = null) {
  const name = `answers.${q.id}`;
  if (q.kind === 'yes_no') {
    const start = value === true ? 'yes' : value === false ? 'no' : null;
    const r = radios({ legend: q.label, name, required: q.required, value: start, choices: [['yes', 'Yes'], ['no', 'No']] });
    return { el: r.el, read: () => (r.value() === null ? null : r.value() === 'yes') };
  }
  if (q.kind === 'choice') {
    const options = q.options || [];
    // A handful of choices read best as radios; a long list stays a compact select.
    if (options.length <= 4) {
      const r = radios({ legend: q.label, name, required: q.required, value, choices: options.map((o) => [o, o]) });
      return { el: r.el, read: () => r.value() };
    }
    const f = field({ label: q.label, name, kind: 'select', required: q.required, value: value ?? '', options: [['', 'Choose…'], ...options.map((o) => [o, o])] });
    return { el: f.el, read: () => f.control.value || null };
  }
  const f = field({ label: q.label, name, kind: q.kind === 'long_text' ? 'textarea' : 'text', required: q.required, value: value ?? '' });
  return { el: f.el, read: () => f.control.value.trim() || null };
}

/** Collects `{"<question_id>": value}` from [[question, read]] pairs, skipping blanks. */
export function readAnswers(readers) {
  const answers = {};
  for (const [q, read] of readers) {
    const value = read();
    if (value !== null) answers[String(q.id)] = value;
  }
  return answers;
}
