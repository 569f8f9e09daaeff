// views/admin-nav.js — the tabs shared by the admin screens.

import { h } from '../dom.js';

export function adminTabs(current) {
  const tabs = [
    ['/admin/users', 'Users'],
    ['/admin/categories', 'Categories'],
    ['/admin/schedules', 'Schedules'],
    ['/admin/org', 'Organization'],
    ['/admin/sla', 'Hours & SLA'],
    ['/admin/mail', 'E-mail'],
    ['/admin/tokens', 'API tokens'],
    ['/admin/audit', 'Audit log'],
  ];
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'Administration' },
    tabs.map(([href, text]) => h('a', { href, class: 'tab', text, 'aria-current': current === href ? 'page' : null })),
  );
}
