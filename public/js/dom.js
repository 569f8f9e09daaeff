// dom.js — small helpers for building elements without innerHTML.
//
// Everything a person typed reaches the page through `textContent` (the `text` option or
// a string child), so no user text is ever parsed as HTML. Form fields are built here so
// every control has a label, an optional hint and an error slot tied together with
// aria-describedby; `showFieldErrors` fills those slots from a 422 `fields` map.

let uid = 0;
/** A page-unique id for label/aria wiring. */
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * h('button', {class: 'primary', type: 'submit', on: {click: fn}}, 'Save')
 * Options: class, text, on (events), dataset, hidden, and anything else as an attribute
 * (booleans toggle the attribute; `value`, `checked`, `disabled`, `selected` are properties).
 */
export function h(tag, options = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(options || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (['value', 'checked', 'disabled', 'selected', 'hidden', 'open'].includes(key))
      el[key] = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A labelled field. kind: input type, or 'textarea' / 'select'.
 * Returns {el, control, error}; `el` carries data-field=name for showFieldErrors.
 */
export function field({ label, name, kind = 'text', value = '', hint, required, options, attrs = {} }) {
  const id = nextId(name ? name.replace(/[^a-z0-9]/gi, '-') : 'f');
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  let control;
  if (kind === 'textarea') {
    control = h('textarea', { id, name, rows: 4, required, ...attrs });
    control.value = value ?? '';
  } else if (kind === 'select') {
    control = h(
      'select',
      { id, name, required, ...attrs },
      (options || []).map(([v, text]) => h('option', { value: v, text })),
    );
    control.value = value ?? '';
  } else {
    control = h('input', { id, name, type: kind, required, ...attrs });
    control.value = value ?? '';
  }
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const el = h(
    'div',
    { class: 'field', dataset: { field: name || '' } },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null),
    hint ? h('p', { class: 'hint', id: hintId, text: hint }) : null,
    control,
    error,
  );
  return { el, control, error };
}

/** A fieldset of radio buttons; returns {el, inputs, value()}. */
export function radios({ legend, name, choices, value, hint, required }) {
  const errorId = nextId('err');
  const inputs = [];
  const group = h(
    'fieldset',
    { class: 'field radios', dataset: { field: name }, 'aria-describedby': errorId },
    h('legend', {}, legend, required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null),
    hint ? h('p', { class: 'hint', text: hint }) : null,
    choices.map(([v, text]) => {
      const id = nextId('r');
      const input = h('input', { type: 'radio', id, name, value: v, checked: v === value });
      inputs.push(input);
      return h('div', { class: 'radio' }, input, h('label', { for: id, text }));
    }),
    h('p', { class: 'field-error', id: errorId, hidden: true }),
  );
  return { el: group, inputs, value: () => inputs.find((i) => i.checked)?.value ?? null };
}

/**
 * A fieldset of checkboxes, one per `{id, name}` item, keyed `name` for showFieldErrors.
 * Returns {el, checked()} where checked() lists the ticked ids as numbers.
 */
export function checkboxes({ legend, name, hint, items, checked = [] }) {
  const ticked = new Set(checked.map(String));
  const boxes = items.map((item) => {
    const id = nextId('cb');
    const input = h('input', { type: 'checkbox', id, value: String(item.id), checked: ticked.has(String(item.id)) });
    return { input, el: h('div', { class: 'checkbox' }, input, h('label', { for: id, text: item.name })) };
  });
  const el = h(
    'fieldset',
    { class: 'field', dataset: { field: name } },
    h('legend', { text: legend }),
    hint ? h('p', { class: 'hint', text: hint }) : null,
    h('div', { class: 'checkbox-grid' }, boxes.map((b) => b.el)),
    h('p', { class: 'field-error', hidden: true }),
  );
  return {
    el,
    checked: () => boxes.filter((b) => b.input.checked).map((b) => Number(b.input.value)),
    set(ids) {
      const on = new Set(ids.map(String));
      for (const b of boxes) b.input.checked = on.has(b.input.value);
    },
  };
}

/**
 * Shows server validation errors next to their fields (matched by data-field) and
 * returns the messages that had no field on this form, for a summary.
 */
export function showFieldErrors(root, fields = {}) {
  clearFieldErrors(root);
  const unmatched = [];
  let first = null;
  for (const [key, message] of Object.entries(fields)) {
    const wrap = root.querySelector(`[data-field="${CSS.escape(key)}"]`);
    // Only the wrapper's own slot: a group (e.g. `questions`) holds its members' slots too.
    const slot = wrap && wrap.querySelector(':scope > .field-error');
    if (!slot) {
      unmatched.push(message);
      continue;
    }
    slot.textContent = message;
    slot.hidden = false;
    wrap.classList.add('invalid');
    const control = wrap.querySelector('input, select, textarea');
    if (control) control.setAttribute('aria-invalid', 'true');
    if (!first && control) first = control;
  }
  if (first) first.focus();
  return unmatched;
}

/**
 * Shows an API error on a form: each field's message beside its field, and in the
 * form's message box the error's own message plus any field messages this form has
 * no place for. When every message found its field the box says `allPlaced`
 * (nothing, unless given).
 */
export function showFormError(form, box, error, { allPlaced = '' } = {}) {
  const fields = error.fields || {};
  const rest = showFieldErrors(form, fields);
  if (rest.length || !Object.keys(fields).length) box.show([error.message, ...rest].join(' '));
  else if (allPlaced) box.show(allPlaced);
}

export function clearFieldErrors(root) {
  for (const wrap of root.querySelectorAll('.invalid')) wrap.classList.remove('invalid');
  for (const slot of root.querySelectorAll('.field-error')) {
    slot.textContent = '';
    slot.hidden = true;
  }
  for (const c of root.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
}

/** A form-level message box (role=alert), hidden until `show`. */
export function formMessage() {
  const el = h('div', { class: 'form-message', role: 'alert', hidden: true });
  return {
    el,
    show(text) {
      el.textContent = text;
      el.hidden = !text;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/** Disables a submit button and shows a waiting label while `promise` runs. */
export async function busy(button, label, work) {
  const original = button.textContent;
  button.disabled = true;
  button.textContent = label;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = original;
    button.removeAttribute('aria-busy');
  }
}
