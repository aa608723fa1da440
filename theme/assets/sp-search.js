/* Site search with Pagefind (https://pagefind.app), loaded only when the visitor focuses the
 * search box: a page load fetches nothing for search. Pagefind's index is split into chunks,
 * so a query downloads only the words it needs. Results are drawn with DOM APIs (textContent),
 * never as HTML, so no story text can inject markup. Event delegation on document: Material's
 * instant navigation swaps page content, and the handlers must survive it. */
(() => {
  "use strict";
  const MAX_RESULTS = 10;
  let engine = null; // Promise of the Pagefind module, made on first focus
  let latest = 0; // the newest query's number: older answers are dropped

  function siteRoot() {
    const config = document.getElementById("__config");
    const base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), document.baseURI);
  }

  function load() {
    if (!engine) {
      const root = siteRoot();
      engine = import(new URL("pagefind/pagefind.js", root).href).then(async (pagefind) => {
        await pagefind.options({ baseUrl: root.pathname, excerptLength: 0 });
        await pagefind.init();
        return pagefind;
      });
    }
    return engine;
  }

  const $ = (selector) => document.querySelector(selector);
  const toggle = () => document.getElementById("__search");

  function open(state) {
    const box = toggle();
    if (box && box.checked !== state) box.checked = state;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function resultItem(data) {
    const meta = data.meta || {};
    const link = element("a", "md-search-result__link");
    link.href = data.url;
    const article = element("article", "md-search-result__article md-typeset");
    article.append(element("h1", "", meta.title || data.url));
    const facts = [meta.company, meta.type, (data.filters && data.filters.industry || [])[0]].filter(Boolean);
    if (facts.length) article.append(element("p", "sp-search-result__facts", facts.join(" · ")));
    if (meta.summary) article.append(element("p", "", meta.summary));
    link.append(article);
    const item = element("li", "md-search-result__item");
    item.append(link);
    return item;
  }

  /* Interface strings in the page's language: storyportal.js reads them from the page. */
  function t(key, vars) {
    var portal = window.storyportal;
    return portal && portal.t ? portal.t(key, vars) : key;
  }

  function say(text) {
    const meta = $("[data-sp-search-meta]");
    if (meta) meta.textContent = text;
  }

  async function run(query) {
    const mine = ++latest;
    const list = $("[data-sp-search-results]");
    if (!list) return;
    if (!query.trim()) {
      list.replaceChildren();
      say(list.dataset.placeholder || t("search_type"));
      return;
    }
    const pagefind = await load();
    const search = await pagefind.debouncedSearch(query, {}, 150);
    if (search === null || mine !== latest) return; // a newer keystroke took over
    const found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (mine !== latest) return;
    list.replaceChildren(...found.map(resultItem));
    const n = search.results.length;
    say(n === 0 ? t("search_none") : t("search_count", { count: n }));
  }

  document.addEventListener("focusin", (event) => {
    if (!event.target.matches || !event.target.matches("[data-sp-search-input]")) return;
    open(true);
    load().catch(() => say(t("search_unavailable")));
  });

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("[data-sp-search-input]")) {
      run(event.target.value).catch(() => say(t("search_unavailable")));
    }
  });

  document.addEventListener("submit", (event) => {
    if (!event.target.matches || !event.target.matches("[data-sp-search-form]")) return;
    event.preventDefault();
    const first = $("[data-sp-search-results] a");
    if (first) first.click();
  });

  document.addEventListener("reset", (event) => {
    if (event.target.matches && event.target.matches("[data-sp-search-form]")) run("");
  });

  // Material's keyboard shortcuts ("/", "s", "f") would look for its own search box; open ours.
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    const input = $("[data-sp-search-input]");
    if (!input) return;
    if (event.key === "Escape" && toggle() && toggle().checked) {
      open(false);
      input.blur();
      return;
    }
    if (!typing && ["/", "s", "f"].includes(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      event.stopImmediatePropagation();
      input.focus();
    }
  }, true);

  // Opening the dialog from the magnifier (a label for the toggle) moves focus into the box.
  document.addEventListener("change", (event) => {
    if (event.target === toggle() && event.target.checked) {
      const input = $("[data-sp-search-input]");
      if (input) input.focus();
    }
  });
})();
