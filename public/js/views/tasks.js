// views/tasks.js — the checklist inside a ticket: add, tick, rename and delete (delete
// asks first, through the handler the controller binds).

import { h, replace, busy, nextId } from '../dom.js';

export class TasksView {
  constructor() {
    this.handlers = {};
    this.list = h('ul', { class: 'tasks' });
    this.count = h('span', { class: 'muted count' });
    const id = nextId('task');
    this.input = h('input', { id, name: 'title', type: 'text', required: true, maxlength: 200, placeholder: 'e.g. Replace the power adapter' });
    this.add = h('button', { type: 'submit', text: 'Add task' });
    this.form = h('form', { class: 'inline-form add-task' }, h('div', { class: 'field' }, h('label', { for: id, text: 'New task' }), this.input), this.add);
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const title = this.input.value.trim();
      if (!title) return this.input.focus();
      busy(this.add, 'Adding…', async () => {
        if (await this.handlers.add?.(title)) this.input.value = '';
        this.input.focus();
      });
    });
    this.el = h(
      'section',
      { class: 'card', 'aria-labelledby': 'tasks-heading' },
      h('h2', { id: 'tasks-heading' }, 'Tasks ', this.count),
      this.list,
      this.form,
    );
  }

  bindAdd(fn) { this.handlers.add = fn; }
  bindToggle(fn) { this.handlers.toggle = fn; }
  bindRename(fn) { this.handlers.rename = fn; }
  bindDelete(fn) { this.handlers.remove = fn; }

  setEditable(editable) {
    this.editable = editable;
    this.form.hidden = !editable;
  }

  render(tasks) {
    this.tasks = tasks;
    const done = tasks.filter((t) => t.done).length;
    this.count.textContent = tasks.length ? `${done} of ${tasks.length} done` : '';
    if (!tasks.length) {
      replace(this.list, h('li', { class: 'muted empty-line', text: 'No tasks yet.' }));
      return;
    }
    replace(this.list, tasks.map((t) => this.item(t)));
  }

  item(task) {
    const id = nextId('t');
    const box = h('input', { type: 'checkbox', id, checked: task.done, disabled: !this.editable });
    box.addEventListener('change', () => this.handlers.toggle?.(task, box.checked));
    const label = h('label', { for: id, class: task.done ? 'done' : '', text: task.title });
    const li = h('li', { class: 'task' }, h('div', { class: 'task-main' }, box, label));
    if (this.editable) {
      const rename = h('button', { type: 'button', class: 'small', text: 'Rename', 'aria-label': `Rename task: ${task.title}` });
      const del = h('button', { type: 'button', class: 'small danger-text', text: 'Delete', 'aria-label': `Delete task: ${task.title}` });
      rename.addEventListener('click', () => this.startRename(li, task));
      del.addEventListener('click', () => this.handlers.remove?.(task));
      li.append(h('div', { class: 'task-tools' }, rename, del));
    }
    return li;
  }

  startRename(li, task) {
    const id = nextId('rn');
    const input = h('input', { id, type: 'text', value: task.title, maxlength: 200 });
    const save = h('button', { type: 'submit', class: 'small primary', text: 'Save' });
    const cancel = h('button', { type: 'button', class: 'small', text: 'Cancel' });
    const form = h('form', { class: 'inline-form rename' }, h('label', { for: id, class: 'visually-hidden', text: 'Task name' }), input, save, cancel);
    cancel.addEventListener('click', () => this.render(this.tasks));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const title = input.value.trim();
      if (!title) return input.focus();
      busy(save, 'Saving…', async () => this.handlers.rename?.(task, title));
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.render(this.tasks);
    });
    replace(li, form);
    input.focus();
    input.select();
  }
}
