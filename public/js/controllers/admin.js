// controllers/admin.js — the admin screens: users (role, tier, deactivate), categories
// with their question editor, organization settings (name, time zone, automatic
// assignment, join code), and business hours with SLA targets. Schedules are
// controllers/schedule.js.

import { AdminUsersView } from '../views/admin-users.js';
import { AdminOrgView } from '../views/admin-org.js';
import { AdminCategoriesView } from '../views/admin-categories.js';
import { AdminSlaView } from '../views/admin-sla.js';
import { CategoryEditorView } from '../views/category-editor.js';
import { AdminTokensView } from '../views/admin-tokens.js';
import { AdminAuditView } from '../views/admin-audit.js';
import { ROLE_LABELS } from '../format.js';
import { ApiError } from '../api.js';

export async function usersPage(ctx, { query, token }) {
  const { api, shell } = ctx;
  const view = new AdminUsersView({ me: ctx.session.user, q: query.get('q') || '', role: query.get('role') || '' });
  let filter = { q: query.get('q') || '', role: query.get('role') || '' };
  const load = async (f, page = 1) => {
    filter = f;
    try {
      const result = await api.users({ ...f, page });
      if (!ctx.current(token)) return;
      view.render(result.users);
      view.renderPager(result);
    } catch (error) {
      ctx.fail(error);
    }
  };
  view.bindPage((page) => load(filter, page));
  view.bindAdd(async (body) => {
    try {
      // An invitation: e-mailed when a relay is set, and the link shown to hand over either way.
      const { user, link, emailed } = await api.invite(body);
      view.showLink(
        emailed
          ? `Invitation e-mailed to ${user.email}. The same link, if they need it handed over (valid 7 days):`
          : `${user.name} can now set a password with this link (valid 7 days):`,
        link,
      );
      await load(filter, view.page);
      return true;
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else view.showAddError(error);
      return false;
    }
  });
  view.bindResetLink(async (user) => {
    try {
      const { link } = await api.resetLink(user.id);
      view.showLink(`Password reset link for ${user.name} (valid 24 hours; their current password keeps working until they use it):`, link);
    } catch (error) {
      ctx.fail(error);
    }
  });
  view.bindSearch((filter) => {
    const q = new URLSearchParams();
    if (filter.q) q.set('q', filter.q);
    if (filter.role) q.set('role', filter.role);
    history.replaceState({}, '', `/admin/users${q.toString() ? `?${q}` : ''}`);
    load(filter);
  });
  view.bindUpdate(async (user, patch) => {
    try {
      const { user: updated } = await api.updateUser(user.id, patch);
      view.update(updated);
      shell.toast(`${updated.name} is now ${ROLE_LABELS[updated.role] || updated.role}${updated.tier ? `, tier ${updated.tier}` : ''}.`);
    } catch (error) {
      ctx.fail(error);
      view.update(user);
    }
  });
  view.bindToggleActive(async (user) => {
    if (user.active) {
      const ok = await shell.confirm({
        title: `Deactivate ${user.name}?`,
        message: 'They will be signed out and cannot sign in until reactivated. Their tickets stay.',
        confirmLabel: 'Deactivate',
      });
      if (!ok) return;
    }
    try {
      const { user: updated } = await api.updateUser(user.id, { active: !user.active });
      view.update(updated);
      shell.toast(`${updated.name} ${updated.active ? 'reactivated' : 'deactivated'}.`);
    } catch (error) {
      ctx.fail(error);
    }
  });
  shell.show(view, 'Users');
  await load({ q: query.get('q') || '', role: query.get('role') || '' });
}

export async function orgPage(ctx, { token }) {
  const { api, shell } = ctx;
  const [{ organization }, { categories }] = await Promise.all([api.org(), api.categories()]);
  if (!ctx.current(token)) return;
  const view = new AdminOrgView({ organization, categories });
  view.bindSaveAssignment(async (body) => {
    try {
      const { organization: org } = await api.updateOrg(body);
      view.renderAssignment(org);
      shell.toast('Assignment settings saved.');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showAssignmentError(error);
    }
  });
  view.bindRename(async (name) => {
    try {
      const { organization: org } = await api.updateOrg({ name });
      view.render(org);
      ctx.setSession({ ...ctx.session, organization: org });
      shell.toast('Organization name saved.');
    } catch (error) {
      view.showError(error);
    }
  });
  view.bindLimit(async (bytes) => {
    try {
      await api.updateOrg({ attachment_limit_bytes: bytes });
      shell.toast('Attachment limit saved.');
    } catch (error) {
      if (error.status === 401) ctx.fail(error);
      else view.showLimitError(error);
    }
  });
  view.bindRotate(async () => {
    const ok = await shell.confirm({
      title: 'Rotate the join code?',
      message: 'A new code is made at once and the current one stops working. Anyone who has not registered yet will need the new code.',
      confirmLabel: 'Rotate code',
    });
    if (!ok) return;
    try {
      const { organization: org } = await api.rotateJoinCode();
      view.render(org);
      shell.toast('New join code made.');
    } catch (error) {
      ctx.fail(error);
    }
  });
  shell.show(view, 'Organization');
}

export async function categoriesPage(ctx, { token }) {
  const view = new AdminCategoriesView();
  ctx.shell.show(view, 'Categories');
  const { categories } = await ctx.api.categories(true);
  if (ctx.current(token)) view.render(categories);
}

export async function categoryEditorPage(ctx, { params, token }) {
  const { api, shell } = ctx;
  let category = null;
  if (params.id) {
    const { categories } = await api.categories(true);
    if (!ctx.current(token)) return;
    category = categories.find((c) => String(c.id) === params.id);
    if (!category) throw new ApiError(404, 'not_found', 'That category does not exist.');
  }
  const view = new CategoryEditorView({ category });
  view.bindSave(async (data) => {
    try {
      const result = category ? await api.updateCategory(category.id, data) : await api.createCategory(data);
      shell.toast(`Category “${result.category.name}” saved.`);
      ctx.navigate('/admin/categories');
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showError(error);
    }
  });
  view.bindRemove(async () => {
    const ok = await shell.confirm({
      title: `Delete “${category.name}”?`,
      message: 'If tickets already use it, it is deactivated instead, so their history stays intact.',
      confirmLabel: 'Delete category',
    });
    if (!ok) return;
    try {
      const result = await api.deleteCategory(category.id);
      shell.toast(result?.category ? 'The category is in use, so it was deactivated.' : 'Category deleted.');
      ctx.navigate('/admin/categories');
    } catch (error) {
      ctx.fail(error);
    }
  });
  shell.show(view, category ? `Edit ${category.name}` : 'New category');
}

export async function tokensPage(ctx, { token }) {
  const { api, shell } = ctx;
  const view = new AdminTokensView();
  const load = async () => {
    const { tokens } = await api.allTokens();
    if (ctx.current(token)) view.render(tokens);
  };
  view.bindRevoke(async (t) => {
    const ok = await shell.confirm({
      title: `Revoke “${t.name}”?`,
      message: `Scripts using ${t.user.name}'s token stop working at once.`,
      confirmLabel: 'Revoke token',
    });
    if (!ok) return;
    try {
      await api.revokeToken(t.id);
      shell.toast('Token revoked.');
      await load();
    } catch (error) {
      ctx.fail(error);
    }
  });
  shell.show(view, 'API tokens');
  await load();
}

export async function auditPage(ctx, { token }) {
  const view = new AdminAuditView();
  view.bindLoad(async (filter) => {
    try {
      const page = await ctx.api.audit(filter);
      if (ctx.current(token)) view.render(page);
    } catch (error) {
      ctx.fail(error);
    }
  });
  ctx.shell.show(view, 'Audit log');
  view.changed();
}

export async function slaPage(ctx, { token }) {
  const { api, shell } = ctx;
  const [{ business_hours: hours }, { sla }, { categories }] = await Promise.all([api.businessHours(), api.slaTargets(), api.categories()]);
  if (!ctx.current(token)) return;
  const view = new AdminSlaView({ hours, sla, categories });
  view.bindSaveHours(async (body) => {
    try {
      const { business_hours: saved } = await api.saveBusinessHours(body);
      view.renderHours(saved);
      shell.toast('Business hours saved; open tickets\' due times were recomputed.');
    } catch (error) {
      if (error.status === 401 || error.code === 'network') return ctx.fail(error);
      view.showHoursError(error);
    }
  });
  view.bindSaveTargets(async (body) => {
    try {
      const { sla: saved } = await api.saveSlaTargets(body);
      view.renderTargets(saved);
      shell.toast('SLA targets saved; open tickets\' due times were recomputed.');
    } catch (error) {
      if (error.status === 401 || error.code === 'network') return ctx.fail(error);
      view.showTargetsError(error);
    }
  });
  shell.show(view, 'Hours & SLA');
}
