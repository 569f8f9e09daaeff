// views/admin-org.js — organization settings: its name, its time zone and automatic
// assignment (on or off, and categories assigned by hand only), and the join code people
// use to register (shown, as a ready-to-copy join link, and rotated after a confirmation:
// the old code stops working). Also the largest attachment people may upload (in MB, up
// to the operator's ceiling).

import { h, field, checkboxes, formMessage, clearFieldErrors, busy, showFormError, nextId } from '../dom.js';
import { adminTabs } from './admin-nav.js';

export class AdminOrgView {
  constructor({ organization, categories = [] }) {
    this.handlers = {};
    this.message = formMessage();
    this.name = field({ label: 'Organization name', name: 'name', value: organization.name, required: true });
    this.save = h('button', { type: 'submit', class: 'primary', text: 'Save name' });
    this.form = h('form', { class: 'stack', novalidate: true }, this.message.el, this.name.el, h('div', { class: 'actions' }, this.save));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.form);
      this.message.clear();
      busy(this.save, 'Saving…', async () => this.handlers.rename?.(this.name.control.value.trim()));
    });
    const MB = 1024 * 1024;
    const ceiling = Math.floor((organization.attachment_ceiling_bytes || 100 * MB) / MB);
    this.limit = field({
      label: 'Largest attachment (MB)',
      name: 'attachment_limit_bytes',
      kind: 'number',
      value: String(Math.round((organization.attachment_limit_bytes || 25 * MB) / MB)),
      hint: `From 1 to ${ceiling} MB; the server's operator sets the ceiling.`,
      attrs: { min: 1, max: ceiling, step: 1 },
    });
    this.saveLimit = h('button', { type: 'submit', class: 'primary', text: 'Save limit' });
    this.limitMessage = formMessage();
    this.limitForm = h('form', { class: 'stack', novalidate: true }, this.limitMessage.el, this.limit.el, h('div', { class: 'actions' }, this.saveLimit));
    this.limitForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.limitForm);
      this.limitMessage.clear();
      const mb = Number(this.limit.control.value);
      if (!Number.isInteger(mb) || mb < 1 || mb > ceiling) {
        this.limitMessage.show(`Choose a whole number of MB from 1 to ${ceiling}.`);
        return;
      }
      busy(this.saveLimit, 'Saving…', async () => this.handlers.limit?.(mb * MB));
    });
    this.assignMessage = formMessage();
    this.zone = field({
      label: 'Time zone',
      name: 'time_zone',
      value: organization.time_zone || '',
      hint: `Shifts and time off are read in this zone. An IANA name like Europe/Berlin; empty follows the server (${organization.effective_time_zone || 'UTC'}).`,
      attrs: { autocomplete: 'off', spellcheck: 'false', placeholder: organization.effective_time_zone || '' },
    });
    const autoId = nextId('auto');
    this.auto = h('input', { type: 'checkbox', id: autoId, checked: organization.auto_assign !== false });
    this.manual = checkboxes({
      legend: 'Categories assigned by hand only',
      name: 'manual_categories',
      hint: 'Tickets in these categories wait in the queue for someone to take or assign them.',
      items: categories,
      checked: organization.manual_categories || [],
    });
    this.saveAssign = h('button', { type: 'submit', class: 'primary', text: 'Save assignment settings' });
    this.assignForm = h(
      'form',
      { class: 'stack', novalidate: true },
      this.assignMessage.el,
      this.zone.el,
      h('div', { class: 'field', dataset: { field: 'auto_assign' } }, h('div', { class: 'checkbox' }, this.auto, h('label', { for: autoId, text: 'Assign new tickets automatically to an available agent' }))),
      this.manual.el,
      h('div', { class: 'actions' }, this.saveAssign),
    );
    this.assignForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearFieldErrors(this.assignForm);
      this.assignMessage.clear();
      const zone = this.zone.control.value.trim();
      const body = {
        time_zone: zone || null,
        auto_assign: this.auto.checked,
        manual_categories: this.manual.checked(),
      };
      busy(this.saveAssign, 'Saving…', async () => this.handlers.saveAssignment?.(body));
    });
    this.code = h('code', { class: 'join-code', id: 'join-code', text: organization.join_code || '—' });
    // The link people open to register, ready to paste into an e-mail or chat.
    this.link = h('input', { type: 'text', readonly: true, id: 'join-link', 'aria-label': 'Join link', class: 'join-link' });
    this.copy = h('button', { type: 'button', text: 'Copy link', on: { click: () => this.copyLink() } });
    this.rotate = h('button', { type: 'button', class: 'danger', text: 'Rotate join code' });
    this.rotate.addEventListener('click', () => busy(this.rotate, 'Rotating…', async () => this.handlers.rotate?.()));
    this.el = h(
      'div',
      { class: 'page' },
      h('h1', { text: 'Administration' }),
      adminTabs('/admin/org'),
      h('section', { class: 'card', 'aria-labelledby': 'org-heading' }, h('h2', { id: 'org-heading', text: 'Organization' }), this.form),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'assign-heading' },
        h('h2', { id: 'assign-heading', text: 'Time zone and automatic assignment' }),
        h('p', { class: 'muted' }, 'New, escalated and re-categorized tickets go to an agent who is on shift, available and under their cap. Set hours on the ', h('a', { href: '/admin/schedules', text: 'Schedules' }), ' page.'),
        this.assignForm,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'code-heading' },
        h('h2', { id: 'code-heading', text: 'Join code' }),
        h('p', { text: 'People register at the sign-up page with this code. Share it inside your organization only.' }),
        h('p', { class: 'join-code-line' }, h('span', { class: 'label', text: 'Current code: ' }), this.code),
        h('label', { for: 'join-link', class: 'label', text: 'Join link (the code filled in):' }),
        h('div', { class: 'copy-row' }, this.link, this.copy),
        h('p', { class: 'muted', text: 'Rotating makes a new code at once; the old one stops working. Existing accounts are not affected.' }),
        this.rotate,
      ),
      h('section', { class: 'card', 'aria-labelledby': 'files-heading' }, h('h2', { id: 'files-heading', text: 'Attachments' }), this.limitForm),
    );
    this.render(organization);
  }

  bindRename(fn) { this.handlers.rename = fn; }
  bindRotate(fn) { this.handlers.rotate = fn; }
  bindLimit(fn) { this.handlers.limit = fn; }
  bindSaveAssignment(fn) { this.handlers.saveAssignment = fn; }

  render(organization) {
    this.name.control.value = organization.name;
    this.code.textContent = organization.join_code || '—';
    this.link.value = organization.join_code ? `${location.origin}/register?code=${encodeURIComponent(organization.join_code)}` : '';
  }

  async copyLink() {
    try {
      await navigator.clipboard.writeText(this.link.value);
      this.copy.textContent = 'Copied';
    } catch {
      // No clipboard permission (plain http on a LAN name): select it for Ctrl+C.
      this.link.select();
      this.copy.textContent = 'Press Ctrl+C';
    }
  }

  showError(error) {
    showFormError(this.form, this.message, error);
  }

  showLimitError(error) {
    showFormError(this.limitForm, this.limitMessage, error);
  }

  showAssignmentError(error) {
    showFormError(this.assignForm, this.assignMessage, error);
  }

  renderAssignment(organization) {
    this.zone.control.value = organization.time_zone || '';
    this.auto.checked = organization.auto_assign !== false;
    this.manual.set(organization.manual_categories || []);
  }
}
