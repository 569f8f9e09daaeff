// controllers/search.js — the search page behind the header's search box.

import { SearchView } from '../views/search.js';

export async function searchPage(ctx, { query, token }) {
  const q = query.get('q') || '';
  const view = new SearchView({ q });
  const run = async (text) => {
    if (!text) return view.showMessage('Type a word to search tickets and articles.');
    try {
      const result = await ctx.api.search(text);
      if (ctx.current(token)) view.render(result);
    } catch (error) {
      if (!ctx.current(token)) return;
      if (error.status === 422) return view.showMessage(error.fields?.q || error.message);
      view.showMessage(error.message);
      ctx.fail(error);
    }
  };
  view.bindSearch((text) => {
    history.replaceState(history.state, '', `/search?q=${encodeURIComponent(text)}`);
    ctx.shell.setSearch(text);
    run(text);
  });
  ctx.shell.show(view, q ? `Search: ${q}` : 'Search');
  ctx.shell.setSearch(q);
  await run(q);
}
