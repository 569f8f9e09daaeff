// controllers/articles.js — the knowledge base screens: list and search, one article
// (solved, delete, revisions and restore for staff), and the article form with the
// Markdown editor's server-rendered preview.

import { ArticleListView, ArticleView, ArticleFormView } from '../views/articles.js';
import { isStaff } from '../format.js';

export async function articlesPage(ctx, { query, token }) {
  const staff = isStaff(ctx.session.user);
  const q = query.get('q') || '';
  const view = new ArticleListView({ staff, q });
  let status = '';
  const load = async (text) => {
    try {
      if (text) {
        const result = await ctx.api.search(text, 'articles');
        if (ctx.current(token)) view.renderHits(result.hits || [], result.counts?.articles || { count: 0 });
      } else {
        const result = await ctx.api.articles({ status });
        if (ctx.current(token)) view.render(result.articles || [], result.total || 0);
      }
    } catch (error) {
      if (!ctx.current(token)) return;
      view.showError(error.message);
      if (error.status !== 422) ctx.fail(error);
    }
  };
  view.bindSearch((text) => {
    history.replaceState(history.state, '', text ? `/articles?q=${encodeURIComponent(text)}` : '/articles');
    load(text);
  });
  view.bindStatus((value) => {
    status = value;
    load('');
  });
  ctx.shell.show(view, 'Knowledge base');
  await load(q);
}

export async function articlePage(ctx, { params, token }) {
  const staff = isStaff(ctx.session.user);
  const { article } = await ctx.api.article(params.id);
  if (!ctx.current(token)) return;
  const view = new ArticleView({ article, staff });
  const loadRevisions = async () => {
    if (!staff) return;
    try {
      const { revisions } = await ctx.api.revisions(article.id);
      if (ctx.current(token)) view.renderRevisions(revisions);
    } catch (error) {
      ctx.fail(error);
    }
  };
  view.bindSolved(async () => {
    try {
      await ctx.api.solved(article.id);
      view.solvedDone();
      ctx.shell.toast('Thanks! We count that, so this article is suggested to others.');
    } catch (error) {
      ctx.fail(error);
    }
  });
  view.bindDelete(async () => {
    const ok = await ctx.shell.confirm({ title: 'Delete this article?', message: `“${article.title}” and all its revisions will be removed.`, confirmLabel: 'Delete article' });
    if (!ok) return;
    try {
      await ctx.api.deleteArticle(article.id);
      ctx.shell.toast('Article deleted.');
      ctx.navigate('/articles');
    } catch (error) {
      ctx.fail(error);
    }
  });
  view.bindRestore(async (rev) => {
    const ok = await ctx.shell.confirm({ title: `Restore revision ${rev.revision}?`, message: 'Its text is saved again as the newest revision; nothing is lost.', confirmLabel: 'Restore' });
    if (!ok) return;
    try {
      await ctx.api.restoreRevision(article.id, rev.revision);
      ctx.shell.toast(`Revision ${rev.revision} restored.`);
      ctx.navigate(`/articles/${article.id}`, { replace: true });
    } catch (error) {
      ctx.fail(error);
    }
  });
  ctx.shell.show(view, article.title);
  loadRevisions();
}

export async function articleFormPage(ctx, { params, token }) {
  const id = params.id;
  const [{ categories }, found] = await Promise.all([ctx.api.categories(), id ? ctx.api.article(id) : Promise.resolve(null)]);
  if (!ctx.current(token)) return;
  const article = found?.article || null;
  const orgKey = `org${ctx.session.organization?.id ?? ''}`;
  const view = new ArticleFormView({ article, categories, orgKey });
  view.bindPreview(async (text) => (await ctx.api.markdown(text)).html);
  view.bindSave(async (body) => {
    try {
      const result = article ? await ctx.api.updateArticle(article.id, body) : await ctx.api.createArticle(body);
      view.saved();
      ctx.shell.toast(article ? 'Article saved.' : 'Article created.');
      ctx.navigate(`/articles/${result.article.id}`);
    } catch (error) {
      if (error.status === 401) return ctx.fail(error);
      view.showError(error);
    }
  });
  ctx.shell.show(view, article ? `Edit ${article.title}` : 'New article');
}
