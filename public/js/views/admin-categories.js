// views/admin-categories.js — the list of ticket categories, with links to edit each
// one and to make a new one. Inactive categories stay listed so they can be revived.

import { h, replace } from '../dom.js';
import { priorityLabel } from '../format.js';
import { adminTabs } from './admin-nav.js';

export class AdminCategoriesView {
  constructor() {
    this.list = h('ul', { class: 'card-list' }, h('li', { class: 'loading', text: 'Loading categories…' }));
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/categories'),
      h('div', { class: 'page-head' }, h('h2', { text: 'Categories' }), h('a', { href: '/admin/categories/new', class: 'button primary', text: 'New category' })),
      h('p', { class: 'muted', text: 'Categories sort new tickets and decide which questions a requester answers.' }),
      this.list,
    );
  }

  render(categories) {
    replace(
      this.list,
      categories.length
        ? categories.map((c) =>
            h(
              'li',
              { class: `ticket-card${c.active ? '' : ' inactive'}` },
              h('div', { class: 'card-top' }, h('a', { href: `/admin/categories/${c.id}`, class: 'card-title', text: c.name }), c.active ? null : h('span', { class: 'badge inactive', text: 'Inactive' })),
              h('p', { class: 'muted', text: `${(c.questions || []).length} question${(c.questions || []).length === 1 ? '' : 's'} · default priority ${priorityLabel(c.default_priority)}` }),
              c.guidance ? h('p', { class: 'small', text: c.guidance }) : null,
            ),
          )
        : h('li', { class: 'empty', text: 'No categories yet. Make one so people can file tickets.' }),
    );
  }
}
