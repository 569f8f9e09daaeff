// views/shell.js — the frame around every screen: skip link, header with navigation
// (collapsing behind a Menu button on a phone), a banner while the server cannot be
// reached, the main region screens render into, the toast region, and the confirmation
// dialog used before anything destructive.

import { h, replace } from '../dom.js';
import { isStaff } from '../format.js';

export class ShellView {
  constructor(root) {
    this.nav = h('nav', { id: 'site-nav', class: 'site-nav', 'aria-label': 'Main' });
    this.menuButton = h('button', {
      type: 'button',
      class: 'menu-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'site-nav',
      text: 'Menu',
      on: { click: () => this.toggleMenu() },
    });
    this.brand = h('a', { href: '/', class: 'brand', text: 'Help desk' });
    // One search over tickets and articles (requesters: their own tickets).
    // Named "Find" so it never shares a name with a screen's own Search controls.
    this.searchInput = h('input', { type: 'search', name: 'q', 'aria-label': 'Find tickets and articles', placeholder: 'Find tickets and articles…' });
    this.searchForm = h('form', { class: 'header-search', role: 'search', 'aria-label': 'Everywhere', hidden: true }, this.searchInput, h('button', { type: 'submit', class: 'small', text: 'Find' }));
    this.searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const q = this.searchInput.value.trim();
      if (q) this.searchHandler?.(q);
    });
    this.header = h(
      'header',
      { class: 'site-header' },
      h('div', { class: 'header-inner' }, this.brand, this.searchForm, this.menuButton, this.nav),
    );
    this.main = h('main', { id: 'main', tabindex: '-1' });
    this.offlineText = h('span');
    this.retryButton = h('button', { type: 'button', class: 'small', text: 'Try again', on: { click: () => this.retryHandler?.() } });
    // role=alert so the change is announced; it stays until the server answers again.
    this.offline = h('div', { class: 'offline-banner', role: 'alert', hidden: true }, this.offlineText, this.retryButton);
    // Quiet on purpose (status, not alert): pages still work while live updates pause.
    this.liveLost = h('div', { class: 'live-banner', role: 'status', hidden: true, text: 'Live updates paused: reconnecting…' });
    this.status = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    this.alert = h('div', { class: 'toasts toasts-alert', role: 'alert', 'aria-live': 'assertive' });
    this.dialog = this.buildDialog();
    replace(
      root,
      h('a', { href: '#main', class: 'skip-link', text: 'Skip to main content', on: { click: (e) => this.skip(e) } }),
      this.header,
      this.offline,
      this.liveLost,
      this.main,
      h('div', { class: 'toast-stack' }, this.status, this.alert),
      this.dialog.el,
    );
    this.signOutHandler = () => {};
  }

  skip(event) {
    event.preventDefault();
    this.main.focus();
  }

  toggleMenu(force) {
    const open = force ?? this.menuButton.getAttribute('aria-expanded') !== 'true';
    this.menuButton.setAttribute('aria-expanded', String(open));
    this.nav.classList.toggle('open', open);
  }

  bindRetry(handler) {
    this.retryHandler = handler;
  }

  /** Shows or hides the "cannot be reached" banner; `message` is the text to show. */
  setOffline(message) {
    this.offline.hidden = !message;
    this.offlineText.textContent = message || '';
  }

  bindSearch(handler) {
    this.searchHandler = handler;
  }

  /** Shows `q` in the header's search box (the search page keeps them in step). */
  setSearch(q) {
    this.searchInput.value = q || '';
  }

  /** Shows or hides the quiet "live updates paused" line. */
  setLiveLost(lost) {
    this.liveLost.hidden = !lost;
  }

  bindSignOut(handler) {
    this.signOutHandler = handler;
  }

  /** `handler(available)` runs when staff flip the header's Available/Away switch. */
  bindAvailability(handler) {
    this.availabilityHandler = handler;
  }

  /** The Available/Away switch for staff: on means automatic assignment may pick them. */
  availabilitySwitch(available) {
    this.switchLabel = h('span');
    this.switchButton = h('button', { type: 'button', role: 'switch' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), this.switchLabel);
    // Busy, not disabled, while the switch is saved: disabling would drop keyboard focus.
    this.switchButton.addEventListener('click', async () => {
      const button = this.switchButton;
      if (button.getAttribute('aria-busy') === 'true') return;
      button.setAttribute('aria-busy', 'true');
      try {
        await this.availabilityHandler?.(button.getAttribute('aria-checked') !== 'true');
      } finally {
        button.removeAttribute('aria-busy');
      }
    });
    this.setAvailable(available);
    return this.switchButton;
  }

  /** Shows the switch as Available (true) or Away (false), in place, keeping focus. */
  setAvailable(available) {
    if (!this.switchButton) return;
    this.switchButton.className = `availability ${available ? 'is-available' : 'is-away'}`;
    this.switchButton.setAttribute('aria-checked', String(available));
    this.switchButton.title = available
      ? 'Tickets may be assigned to you automatically. Switch to Away to stop.'
      : 'No tickets are assigned to you automatically. Switch to Available to start.';
    this.switchLabel.textContent = available ? 'Available' : 'Away';
  }

  /** Fills the navigation for the signed-in person (or hides it when signed out). */
  renderNav(session, path) {
    this.toggleMenu(false);
    if (!session) {
      this.brand.textContent = 'Help desk';
      replace(this.nav);
      this.menuButton.hidden = true;
      this.searchForm.hidden = true;
      return;
    }
    const { user, organization } = session;
    this.brand.textContent = organization?.name ? `${organization.name} help desk` : 'Help desk';
    this.menuButton.hidden = false;
    this.searchForm.hidden = false;
    const links = [];
    if (isStaff(user)) links.push(['/queue', 'Queue'], ['/calendar', 'Calendar'], ['/team', 'Who’s on'], ['/reports', 'Reports']);
    links.push(['/', isStaff(user) ? 'My requests' : 'My tickets']);
    links.push(['/tickets/new', 'New ticket']);
    links.push(['/articles', 'Knowledge base']);
    if (user.role === 'admin') links.push(['/admin/users', 'Admin']);
    links.push(['/profile', 'Profile']);
    const current = (href) =>
      href === '/' ? path === '/' : path === href || (href === '/admin/users' && path.startsWith('/admin')) || (href === '/articles' && path.startsWith('/articles/'));
    replace(
      this.nav,
      h(
        'ul',
        {},
        links.map(([href, text]) =>
          h('li', {}, h('a', { href, text, 'aria-current': current(href) ? 'page' : null })),
        ),
      ),
      h(
        'div',
        { class: 'nav-user' },
        isStaff(user) ? this.availabilitySwitch(session.available !== false) : null,
        h('span', { class: 'nav-name', text: user.name }),
        h('button', {
          type: 'button',
          class: 'link-button',
          text: 'Sign out',
          on: { click: () => this.signOutHandler() },
        }),
      ),
    );
  }

  /** Puts a screen into the main region and moves focus to its heading. */
  show(view, title) {
    replace(this.main, view.el);
    this.main.removeAttribute('aria-busy');
    document.title = title ? `${title} · Help desk` : 'Help desk';
    const heading = this.main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }

  loading(text = 'Loading…') {
    this.main.setAttribute('aria-busy', 'true');
    replace(this.main, h('p', { class: 'loading', text }));
  }

  toast(message) {
    this.pushToast(this.status, message, 'toast');
  }

  error(message) {
    this.pushToast(this.alert, message, 'toast toast-error');
  }

  pushToast(region, message, cls) {
    const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', text: '×' });
    const item = h('div', { class: cls }, h('span', { text: message }), close);
    close.addEventListener('click', () => item.remove());
    region.append(item);
    // Keep the stack short so it never buries the page; the newest messages win.
    while (region.childElementCount > 3) region.firstElementChild.remove();
    setTimeout(() => item.remove(), cls.includes('error') ? 10000 : 4000);
  }

  buildDialog() {
    const message = h('p', { class: 'dialog-message' });
    const title = h('h2', { class: 'dialog-title' });
    const confirm = h('button', { type: 'submit', value: 'confirm', class: 'danger' });
    const cancel = h('button', { type: 'submit', value: 'cancel', text: 'Cancel' });
    const el = h(
      'dialog',
      { class: 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      h('form', { method: 'dialog' }, title, message, h('div', { class: 'actions' }, cancel, confirm)),
    );
    title.id = 'confirm-title';
    return { el, message, title, confirm, cancel };
  }

  /** Asks before something destructive; resolves true only on the confirm button. */
  confirm({ title, message, confirmLabel = 'Confirm' }) {
    const d = this.dialog;
    d.title.textContent = title;
    d.message.textContent = message;
    d.confirm.textContent = confirmLabel;
    d.el.returnValue = '';
    return new Promise((resolve) => {
      d.el.addEventListener('close', () => resolve(d.el.returnValue === 'confirm'), { once: true });
      d.el.showModal();
      d.cancel.focus();
    });
  }
}
