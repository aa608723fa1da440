/* Story Portal page scripts: the /stories/ browser, the /sales/ table, the video facade, copy buttons.
 *
 * Plain script, no build step, no third-party requests. Page code runs from Material's
 * document$ (instant navigation swaps the content without re-running scripts), and every
 * part checks that its element is on the page. Data is only ever put into the page with
 * textContent and setAttribute on URLs we built: never innerHTML.
 */
(function () {
  "use strict";

  var teardown = []; // undo functions for window-level listeners of the current page

  /* ---- interface strings: the page's language, from #sp-messages (theme/main.html, core/messages.py) -- */

  var messages = null; // read once per page: instant navigation may bring a page in another language

  function strings() {
    if (!messages) {
      var blob = document.getElementById("sp-messages");
      try { messages = JSON.parse(blob ? blob.getAttribute("data-sp-messages") : "{}") || {}; } catch (e) { messages = {}; }
      messages.m = messages.m || {};
    }
    return messages;
  }

  /* The string `key` with {name} replaced from `vars`; vars.count chooses the one/other form. */
  function t(key, vars) {
    var all = strings(), text = all.m[key];
    vars = vars || {};
    if (text === undefined || text === null) return key;
    if (typeof text === "object") {
      var n = vars.count;
      text = n === 1 || (n === 0 && all.zeroIsOne) ? text.one : text.other;
    }
    return String(text).replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole;
    });
  }

  function pageLang() {
    return strings().lang || document.documentElement.lang;
  }

  /* ---- URL state: ?industry=retail,healthcare&type=video&q=onboarding ---------------------- */

  function readState(search, facetNames) {
    var params = new URLSearchParams(search);
    var state = { facets: {}, q: (params.get("q") || "").trim(), sort: params.get("sort") || "" };
    facetNames.forEach(function (name) {
      var values = [];
      params.getAll(name).forEach(function (raw) { // "a,b" and the no-JS form's "a&name=b" both work
        raw.split(",").forEach(function (v) { v = v.trim(); if (v && values.indexOf(v) < 0) values.push(v); });
      });
      state.facets[name] = values;
    });
    return state;
  }

  function encode(value) {
    return encodeURIComponent(value).replace(/%2C/gi, ",");
  }

  /* The query for a state; parameters we do not own (utm_*, anything else) are kept as they were. */
  function writeQuery(state, facetNames, search, withSort) {
    var own = facetNames.concat(["q", "sort"]);
    var pairs = [];
    facetNames.forEach(function (name) {
      var values = state.facets[name] || [];
      if (values.length) pairs.push(encode(name) + "=" + values.map(encode).join(","));
    });
    if (state.q) pairs.push("q=" + encode(state.q));
    if (withSort && state.sort) pairs.push("sort=" + encode(state.sort));
    new URLSearchParams(search).forEach(function (value, key) {
      if (own.indexOf(key) < 0) pairs.push(encode(key) + "=" + encode(value));
    });
    return pairs.length ? "?" + pairs.join("&") : "";
  }

  function isEmpty(state) {
    return !state.q && Object.keys(state.facets).every(function (k) { return !state.facets[k].length; });
  }

  /* ---- filtering: OR within a facet, AND across facets, counts per facet under the others -------- */

  /* items: [{values: {facet: [slug, ...]}, text: "lowercase"}]; returns matching positions and counts. */
  function filterItems(items, state, facetNames, textOf) {
    var selected = facetNames.map(function (name) { return state.facets[name] || []; });
    var words = state.q ? state.q.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var counts = {};
    facetNames.forEach(function (name) { counts[name] = {}; });
    var matches = [];
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      if (words.length) {
        var text = textOf(i);
        if (words.some(function (w) { return text.indexOf(w) < 0; })) continue;
      }
      var failed = -1, failures = 0;
      for (var f = 0; f < facetNames.length && failures < 2; f++) {
        if (!selected[f].length) continue;
        var have = item.values[facetNames[f]] || [];
        if (!have.some(function (v) { return selected[f].indexOf(v) >= 0; })) { failures++; failed = f; }
      }
      if (failures > 1) continue;
      if (failures === 0) matches.push(i);
      for (f = 0; f < facetNames.length; f++) {
        if (failures === 1 && f !== failed) continue; // counted under the other facets' filters only
        (item.values[facetNames[f]] || []).forEach(function (v) {
          counts[facetNames[f]][v] = (counts[facetNames[f]][v] || 0) + 1;
        });
      }
    }
    return { matches: matches, counts: counts };
  }

  /* ---- the facet form, shared by /stories/ and /sales/ --------------------------------------- */

  function facetForm(form) {
    var names = [];
    form.querySelectorAll("[data-sp-facet]").forEach(function (fs) { names.push(fs.getAttribute("data-sp-facet")); });
    var boxes = function (name) {
      return Array.prototype.filter.call(form.querySelectorAll("[data-sp-facet] input[type=checkbox]"),
        function (box) { return box.name === name; });
    };
    return {
      names: names,
      known: function (name) { return boxes(name).map(function (box) { return box.value; }); },
      labelOf: function (name, value) {
        var box = boxes(name).filter(function (b) { return b.value === value; })[0];
        var label = box && box.labels && box.labels[0] && box.labels[0].querySelector(".sp-facet__label");
        return label ? label.textContent : value;
      },
      legend: function (name) {
        var box = boxes(name)[0], legend = box && box.closest("fieldset").querySelector("legend");
        return legend ? legend.textContent : name;
      },
      q: form.querySelector("[data-sp-q]"),
      clear: form.querySelector("[data-sp-clear]"),
      read: function () {
        var state = { facets: {}, q: this.q ? this.q.value.trim() : "" };
        names.forEach(function (n) { state.facets[n] = []; });
        form.querySelectorAll("[data-sp-facet] input[type=checkbox]").forEach(function (box) {
          if (box.checked) state.facets[box.name].push(box.value);
        });
        return state;
      },
      apply: function (state) {
        form.querySelectorAll("[data-sp-facet] input[type=checkbox]").forEach(function (box) {
          box.checked = (state.facets[box.name] || []).indexOf(box.value) >= 0;
        });
        if (this.q && this.q.value.trim() !== state.q) this.q.value = state.q;
        if (this.clear) this.clear.hidden = isEmpty(state);
        var active = form.querySelector("[data-sp-active]");
        if (active) {
          var n = Object.keys(state.facets).reduce(function (sum, k) { return sum + state.facets[k].length; }, state.q ? 1 : 0);
          active.textContent = n ? t("active", { count: n }) : "";
        }
      },
      showCounts: function (counts, state) {
        form.querySelectorAll("[data-sp-facet] input[type=checkbox]").forEach(function (box) {
          var n = (counts[box.name] || {})[box.value] || 0;
          var item = box.closest("li");
          var out = item.querySelector("[data-sp-count]");
          if (out) out.textContent = String(n);
          item.hidden = n === 0 && !box.checked;
          item.classList.toggle("sp-facet__value--empty", n === 0);
        });
        form.querySelectorAll("[data-sp-facet]").forEach(function (group) { // no value to offer: no heading either
          group.hidden = !group.querySelector(".sp-facet__value:not([hidden])");
        });
      }
    };
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function copyState(state) {
    var facets = {};
    Object.keys(state.facets).forEach(function (k) { facets[k] = state.facets[k].slice(); });
    return { facets: facets, q: state.q, sort: state.sort };
  }

  function distance(a, b) { // Levenshtein, for "did you mean" on a mistyped filter value
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var prev = row[0];
      row[0] = i;
      for (j = 1; j <= b.length; j++) {
        var here = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length];
  }

  function closestValue(value, known) {
    var best = null, bestD = Math.max(1, Math.floor(value.length / 3)) + 1;
    known.forEach(function (k) { var d = distance(value.toLowerCase(), k); if (d < bestD) { best = k; bestD = d; } });
    return best;
  }

  /* Values in the URL that no checkbox has (a mistyped or outdated link): taken out of the state. */
  function takeUnknown(state, ui) {
    var unknown = [];
    ui.names.forEach(function (name) {
      var known = ui.known(name);
      state.facets[name] = state.facets[name].filter(function (v) {
        if (known.indexOf(v) >= 0) return true;
        unknown.push({ facet: name, value: v, near: closestValue(v, known) });
        return false;
      });
    });
    return unknown;
  }

  function button(className, text, onClick) {
    var b = el("button", className, text);
    b.setAttribute("type", "button");
    b.addEventListener("click", onClick);
    return b;
  }

  /* Say which filters of the link were left out, with the nearest real value to use instead. */
  function showUnknown(box, unknown, ui, pick) {
    if (!box || !unknown.length) return;
    box.textContent = "";
    unknown.forEach(function (u) {
      var p = el("p", "sp-notice__text", t("left_out", { facet: ui.legend(u.facet), value: u.value }));
      if (u.near) {
        p.appendChild(document.createTextNode(" "));
        p.appendChild(button("sp-chip", t("show_instead", { label: ui.labelOf(u.facet, u.near) }), function () {
          box.hidden = true;
          pick(u.facet, u.near);
        }));
      }
      box.appendChild(p);
    });
    box.appendChild(button("sp-chip sp-chip--quiet", t("dismiss"), function () { box.hidden = true; }));
    box.hidden = false;
  }

  /* The nearest non-empty views of an empty result: each active filter taken away in turn. */
  function wayOut(items, state, names, textOf) {
    var options = [];
    var count = function (next) { return filterItems(items, next, names, textOf).matches.length; };
    names.forEach(function (name) {
      state.facets[name].forEach(function (value) {
        var next = copyState(state);
        next.facets[name] = next.facets[name].filter(function (v) { return v !== value; });
        options.push({ facet: name, value: value, state: next, n: count(next) });
      });
    });
    if (state.q) {
      var next = copyState(state);
      next.q = "";
      options.push({ q: state.q, state: next, n: count(next) });
    }
    return options.filter(function (o) { return o.n > 0; }).sort(function (a, b) { return b.n - a.n; }).slice(0, 3);
  }

  function showWayOut(box, options, ui, go) {
    if (!box) return;
    box.textContent = "";
    box.hidden = !options.length;
    if (!options.length) return;
    box.appendChild(el("p", "sp-empty__lead", t("nearest")));
    var list = el("ul", "sp-empty__list");
    options.forEach(function (o) {
      var what = o.q !== undefined ? t("the_search", { q: o.q }) : ui.legend(o.facet) + ": " + ui.labelOf(o.facet, o.value);
      var li = el("li");
      li.appendChild(button("sp-chip", t("remove", { what: what, count: o.n }), function () { go(o.state); }));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  /* Wire a facet form to a view: pushState on each change, replaceState while typing, popstate restores. */
  function bindForm(form, ui, onState) {
    var typing = debounce(function () { onState(ui.read(), "replace"); }, 250);
    form.addEventListener("change", function (ev) {
      if (ev.target.matches("input[type=checkbox]")) onState(ui.read(), "push");
    });
    if (ui.q) ui.q.addEventListener("input", typing);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); onState(ui.read(), "push"); });
    if (ui.clear) ui.clear.addEventListener("click", function () {
      var state = { facets: {}, q: "" };
      ui.names.forEach(function (n) { state.facets[n] = []; });
      onState(state, "push");
      if (ui.q) ui.q.focus();
    });
    form.querySelectorAll("[data-sp-nojs]").forEach(function (b) { b.hidden = true; });
    var panel = form.querySelector("[data-sp-panel]");
    // The panel is closed in the HTML, so phones show the cards first without a layout shift;
    // on wide screens it sits in its own column and opens without moving the cards.
    if (panel && window.matchMedia(panel.getAttribute("data-sp-panel-open")).matches) panel.open = true;
    var path = location.pathname;
    var pop = function (ev) {
      if (location.pathname !== path) return; // another page: Material's instant navigation loads it
      // Only the query changed: this page restores the view itself, without Material refetching the page.
      ev.stopImmediatePropagation();
      onState(readState(location.search, ui.names), "none");
    };
    window.addEventListener("popstate", pop, true); // capture runs before Material's listener on window
    teardown.push(function () { window.removeEventListener("popstate", pop, true); });
  }

  function setUrl(query, how) {
    if (how === "none") return;
    var url = location.pathname + query + location.hash;
    if (url === location.pathname + location.search + location.hash) return;
    if (how === "push") history.pushState(null, "", url); // state null: Material's instant navigation ignores it
    else history.replaceState(null, "", url);
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  /* ---- /stories/ ---------------------------------------------------------------------------- */

  function safeLink(root, path) {
    // Card URLs are site paths ("stories/acme/"); anything with a scheme or starting with / is refused.
    return typeof path === "string" && !/^[a-z][a-z0-9+.-]*:|^\/|^\\/i.test(path) ? root + path : null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  /* The DOM twin of partials/sp_card.html. */
  function cardElement(card, root) {
    var li = el("li", "sp-card"), article = el("article", "sp-card__inner");
    var logo = card.logo && safeLink(root, card.logo);
    if (logo) {
      var box = el("div", "sp-card__logo"), img = el("img", "sp-img sp-img--logo");
      img.setAttribute("src", logo);
      img.setAttribute("alt", t("logo_alt", { company: card.company || "" }));
      img.setAttribute("loading", "lazy");
      img.setAttribute("decoding", "async");
      box.appendChild(img);
      article.appendChild(box);
    }
    var h = el("h3", "sp-card__title"), a = el("a", null, card.title);
    var href = safeLink(root, card.url);
    if (href) a.setAttribute("href", href);
    h.appendChild(a);
    article.appendChild(h);
    var meta = el("p", "sp-card__meta", [card.company, card.type, card.industry].filter(Boolean).join(" · "));
    if (card.lang && card.lang !== pageLang()) { // the twin of the template's language badge
      meta.insertBefore(document.createTextNode(" "), meta.firstChild);
      meta.insertBefore(el("span", "sp-badge sp-badge--lang", card.lang_label || card.lang), meta.firstChild);
    }
    article.appendChild(meta);
    if (card.metric) article.appendChild(el("p", "sp-card__metric", card.metric));
    article.appendChild(el("p", "sp-card__summary", card.summary));
    var date = el("p", "sp-card__date"), time = el("time", null, card.date);
    time.setAttribute("datetime", card.date || "");
    date.appendChild(time);
    article.appendChild(date);
    if (card.lang && card.lang !== pageLang()) li.setAttribute("lang", card.lang);
    li.appendChild(article);
    return li;
  }

  function StoryBrowser(root) {
    this.root = root;
    this.form = root.querySelector("[data-sp-filters]");
    this.ui = facetForm(this.form);
    this.list = root.querySelector("[data-sp-cards]");
    this.status = root.querySelector("[data-sp-status]");
    this.more = root.querySelector("[data-sp-more]");
    this.notice = root.querySelector("[data-sp-notice]");
    this.empty = root.querySelector("[data-sp-empty]");
    this.siteRoot = root.getAttribute("data-sp-root") || "";
    this.total = parseInt(root.getAttribute("data-sp-total"), 10) || 0;
    // Cards per "show more" step: as many as the server-rendered first view (plan.FIRST_VIEW).
    this.page = parseInt(root.getAttribute("data-sp-page"), 10) || Math.max(this.list.children.length, 1);
    this.index = null; // facets.json
    this.items = null;
    this.text = null; // text.json, only once a search is typed
    this.chunks = {}; // k -> Promise of cards-k.json
    this.shown = this.list.children.length;
    this.state = readState(location.search, this.ui.names);
    this.seq = 0;
  }

  StoryBrowser.prototype.url = function (attr) {
    return new URL(this.root.getAttribute(attr), location.href).href;
  };

  StoryBrowser.prototype.loadIndex = function () {
    var self = this;
    if (!this.indexPromise) {
      this.indexPromise = fetchJson(this.url("data-sp-facets-url")).then(function (index) {
        self.index = index;
        self.items = index.stories.map(function (row) {
          var values = {};
          index.facets.forEach(function (facet, f) {
            values[facet.name] = row[f + 1].map(function (i) { return facet.values[i][0]; });
          });
          return { slug: row[0], values: values };
        });
        return index;
      });
    }
    return this.indexPromise;
  };

  StoryBrowser.prototype.loadText = function () {
    var self = this;
    if (!this.textPromise) {
      this.textPromise = fetchJson(this.url("data-sp-text-url")).then(function (text) { self.text = text; return text; });
    }
    return this.textPromise;
  };

  StoryBrowser.prototype.loadChunk = function (k) {
    if (!this.chunks[k]) {
      this.chunks[k] = fetchJson(this.url("data-sp-cards-url").replace(/cards-0\.json(?=$|[?#])/, "cards-" + k + ".json"));
    }
    return this.chunks[k];
  };

  StoryBrowser.prototype.start = function () {
    var self = this;
    bindForm(this.form, this.ui, function (state, how) { self.change(state, how); });
    this.more.addEventListener("click", function () { self.render(self.shown + self.page, true); });
    var unknown = takeUnknown(this.state, this.ui);
    if (unknown.length) setUrl(writeQuery(this.state, this.ui.names, location.search, false), "replace");
    showUnknown(this.notice, unknown, this.ui, function (facet, value) {
      var state = self.ui.read();
      state.facets[facet].push(value);
      self.change(state, "push");
    });
    this.ui.apply(this.state);
    if (!isEmpty(this.state)) {
      this.update(); // a shared filtered link: restore the view now
    } else {
      this.more.hidden = this.shown >= this.total;
      // Counts need the index; fetch it once the page is idle, not before the first view.
      (window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); })(function () { self.loadIndex(); });
    }
  };

  StoryBrowser.prototype.change = function (state, how) {
    this.state = state;
    this.ui.apply(state);
    setUrl(writeQuery(state, this.ui.names, location.search, false), how);
    this.update();
  };

  StoryBrowser.prototype.update = function () {
    var self = this, seq = ++this.seq;
    this.root.setAttribute("aria-busy", "true");
    var ready = [this.loadIndex()];
    if (this.state.q) ready.push(this.loadText());
    return Promise.all(ready).then(function () {
      if (seq !== self.seq) return null;
      var result = filterItems(self.items, self.state, self.ui.names, function (i) { return self.text[i] || ""; });
      self.result = result;
      self.ui.showCounts(result.counts, self.state);
      return self.render(self.page, false);
    }).catch(function (err) {
      self.status.textContent = t("load_failed");
      if (window.console) console.error(err);
    }).then(function () {
      if (seq === self.seq) self.root.removeAttribute("aria-busy");
    });
  };

  /* Show the first `count` matches, loading the card chunks they live in. */
  StoryBrowser.prototype.render = function (count, appending) {
    var self = this, seq = this.seq;
    if (!this.result) { // "show more" on the unfiltered first view
      return this.loadIndex().then(function () {
        self.result = filterItems(self.items, self.state, self.ui.names, function () { return ""; });
        return self.render(count, appending);
      });
    }
    if (this.result.matches.length === count + 1) count += 1; // never a "Show more" for a single card
    var positions = this.result.matches.slice(0, count);
    var chunkSize = this.index.chunk, needed = [];
    positions.forEach(function (p) { var k = Math.floor(p / chunkSize); if (needed.indexOf(k) < 0) needed.push(k); });
    return Promise.all(needed.map(function (k) { return self.loadChunk(k); })).then(function (chunks) {
      if (seq !== self.seq) return;
      var byChunk = {};
      needed.forEach(function (k, i) { byChunk[k] = chunks[i]; });
      var start = appending ? self.list.children.length : 0;
      if (!appending) self.list.textContent = "";
      var fragment = document.createDocumentFragment();
      positions.slice(start).forEach(function (p) {
        var card = byChunk[Math.floor(p / chunkSize)][p % chunkSize];
        if (card) fragment.appendChild(cardElement(card, self.siteRoot));
      });
      self.list.appendChild(fragment);
      self.shown = positions.length;
      var total = self.result.matches.length;
      self.more.hidden = self.shown >= total;
      self.status.textContent = total === 0 ? t("no_match")
        : self.shown < total ? t("showing", { shown: self.shown, count: total })
        : t("count", { count: total });
      var textOf = function (i) { return self.text ? self.text[i] || "" : ""; };
      showWayOut(self.empty, total === 0 ? wayOut(self.items, self.state, self.ui.names, textOf) : [], self.ui,
                 function (state) { self.change(state, "push"); });
      if (appending && self.list.children[start]) {
        var link = self.list.children[start].querySelector("a");
        if (link) link.focus(); // keep keyboard users where the new cards begin
      }
    });
  };

  /* ---- /sales/ ------------------------------------------------------------------------------ */

  /* The row field each sortable column shows (and sorts by). */
  var SALES_SORT = { title: "title", company: "company", type: "type_label", industry: "industry_label",
                     company_size: "company_size_label", region: "region_label", metric: "headline_metric",
                     published: "published", updated: "updated" };

  /* The page holds the first rows (sales.FIRST_ROWS); every row is in sales/rows-<k>.json, fetched after the
   * first view. Filters and sorting work on all of them; the table shows a page of matches at a time. */
  function SalesTable(root) {
    this.root = root;
    this.form = root.querySelector("[data-sp-filters]");
    this.ui = facetForm(this.form);
    this.table = root.querySelector("[data-sp-table]");
    this.body = this.table.tBodies[0];
    this.template = root.querySelector("[data-sp-row-template]");
    this.status = root.querySelector("[data-sp-status]");
    this.notice = root.querySelector("[data-sp-notice]");
    this.empty = root.querySelector("[data-sp-empty]");
    this.more = root.querySelector("[data-sp-more]");
    this.siteRoot = root.getAttribute("data-sp-root") || "";
    this.total = parseInt(root.getAttribute("data-sp-total"), 10) || 0;
    this.chunkCount = parseInt(root.getAttribute("data-sp-chunks"), 10) || 0;
    this.shown = this.body.rows.length;
    this.page = parseInt(root.getAttribute("data-sp-page"), 10) || Math.max(this.shown, 1);
    this.rows = null; // every row, once the chunks are in
    this.items = null;
    this.result = null; // matches of the current state, in display order
    this.collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    this.state = readState(location.search, this.ui.names);
    this.seq = 0;
  }

  SalesTable.prototype.loadRows = function () {
    var self = this;
    if (!this.rowsPromise) {
      var first = new URL(this.root.getAttribute("data-sp-rows-url"), location.href).href, urls = [];
      for (var k = 0; k < this.chunkCount; k++) urls.push(first.replace(/rows-0\.json(?=$|[?#])/, "rows-" + k + ".json"));
      this.rowsPromise = Promise.all(urls.map(fetchJson)).then(function (chunks) {
        self.rows = [].concat.apply([], chunks);
        self.items = self.rows.map(function (row) {
          var values = {};
          self.ui.names.forEach(function (n) {
            var v = row[n];
            values[n] = Array.isArray(v) ? v : v ? [String(v)] : [];
          });
          return { values: values, text: [row.title, row.company, row.headline_metric].join(" ").toLowerCase() };
        });
      });
      this.rowsPromise.catch(function () { self.rowsPromise = null; }); // a later change tries again
    }
    return this.rowsPromise;
  };

  SalesTable.prototype.start = function () {
    var self = this;
    bindForm(this.form, this.ui, function (state, how) {
      state.sort = state.sort === undefined ? self.state.sort : state.sort;
      self.change(state, how);
    });
    this.table.querySelectorAll("[data-sp-sort]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-sp-sort");
        var state = self.ui.read();
        state.sort = self.state.sort === key ? "-" + key : key;
        self.change(state, "push");
      });
    });
    ["[data-sp-lb-name]", "[data-sp-lb-campaign]", "[data-sp-lb-lang]"].forEach(function (sel) {
      var input = root(self, sel);
      if (input) input.addEventListener(sel === "[data-sp-lb-lang]" ? "change" : "input", function () { self.showLink(); });
    });
    var jump = root(this, "[data-sp-lb-jump]"), builder = root(this, "[data-sp-lb]");
    if (jump && builder) jump.addEventListener("click", function () { builder.open = true; });
    if (this.more) this.more.addEventListener("click", function () { self.render(self.shown + self.page, true); });
    var unknown = takeUnknown(this.state, this.ui);
    if (unknown.length) setUrl(writeQuery(this.state, this.ui.names, location.search, true), "replace");
    showUnknown(this.notice, unknown, this.ui, function (facet, value) {
      var state = self.ui.read();
      state.sort = self.state.sort;
      state.facets[facet].push(value);
      self.change(state, "push");
    });
    var copy = root(this, "[data-sp-lb-copy]");
    if (copy) copy.addEventListener("click", function () {
      copyText(self.showLink(), copy.parentNode.querySelector("[data-sp-copy-status]"), "Prospect link copied");
    });
    this.ui.apply(this.state);
    if (!isEmpty(this.state) || this.state.sort) return this.update(); // a shared link: its view, from every row
    this.showLink(); // the HTML already shows the first view: newest first, no filter
    if (this.more) this.more.hidden = this.shown >= this.total;
    if (this.shown < this.total) {
      (window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); })(function () {
        self.loadRows().catch(function () { return null; }); // the next change reports a failure
      });
    }
    return null;
  };

  function root(view, selector) { return view.root.querySelector(selector); }

  SalesTable.prototype.change = function (state, how) {
    this.state = state;
    this.ui.apply(state);
    setUrl(writeQuery(state, this.ui.names, location.search, true), how);
    return this.update();
  };

  SalesTable.prototype.update = function () {
    var self = this, seq = ++this.seq;
    this.showLink();
    this.root.setAttribute("aria-busy", "true");
    return this.loadRows().then(function () {
      if (seq !== self.seq) return;
      self.result = self.filter();
      self.ui.showCounts(self.result.counts, self.state);
      self.render(self.page, false);
    }).catch(function (err) {
      self.status.textContent = t("sales_load_failed");
      if (window.console) console.error(err);
    }).then(function () {
      if (seq === self.seq) self.root.removeAttribute("aria-busy");
    });
  };

  /* The matches of the current state (positions in this.rows), sorted as its `sort` asks. */
  SalesTable.prototype.filter = function () {
    var self = this;
    var result = filterItems(this.items, this.state, this.ui.names, function (i) { return self.items[i].text; });
    result.matches = this.sort(result.matches, this.state.sort || "-published");
    return result;
  };

  SalesTable.prototype.sort = function (matches, spec) {
    var desc = spec.charAt(0) === "-", key = desc ? spec.slice(1) : spec;
    if (!SALES_SORT.hasOwnProperty(key)) { key = "published"; desc = true; }
    var field = SALES_SORT[key], rows = this.rows, collator = this.collator;
    var order = matches.map(function (i) { return { i: i, v: String(rows[i][field] || "").trim() }; });
    order.sort(function (a, b) {
      var c = collator.compare(a.v, b.v);
      if (c === 0) return a.i - b.i; // ties keep the index order: newest first, then by slug
      if (a.v === "") return 1; // empty cells last either way
      if (b.v === "") return -1;
      return desc ? -c : c;
    });
    this.table.querySelectorAll("th").forEach(function (th) {
      var b = th.querySelector("[data-sp-sort]");
      if (b && b.getAttribute("data-sp-sort") === key) th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    return order.map(function (o) { return o.i; });
  };

  /* Show the first `count` matches; appending keeps the rows already shown (the HTML's own, at first). */
  SalesTable.prototype.render = function (count, appending) {
    var self = this;
    if (!this.result) { // "show more" on the unfiltered first view
      return this.loadRows().then(function () {
        self.result = self.filter();
        return self.render(count, appending);
      });
    }
    var matches = this.result.matches;
    if (matches.length === count + 1) count += 1; // never a "Show more" for a single row
    var positions = matches.slice(0, count), start = appending ? this.shown : 0;
    if (!appending) this.body.textContent = "";
    var fragment = document.createDocumentFragment();
    positions.slice(start).forEach(function (p) { fragment.appendChild(self.rowElement(self.rows[p])); });
    this.body.appendChild(fragment);
    this.shown = positions.length;
    var total = matches.length;
    if (this.more) this.more.hidden = this.shown >= total;
    this.status.textContent = total === 0 ? t("no_match")
      : this.shown < total ? t("showing", { shown: this.shown, count: total })
      : t("count", { count: total });
    var textOf = function (i) { return self.items[i].text; };
    showWayOut(this.empty, total === 0 ? wayOut(this.items, this.state, this.ui.names, textOf) : [], this.ui,
               function (state) { self.change(state, "push"); });
    if (appending && this.body.rows[start]) {
      var link = this.body.rows[start].querySelector("a");
      if (link) link.focus(); // keep keyboard users where the new rows begin
    }
    return null;
  };

  /* A table row from the page's <template> (the twin of sp_sales.html's sales_row), filled with text only. */
  SalesTable.prototype.rowElement = function (row) {
    var tr = this.template.content.querySelector("tr").cloneNode(true);
    var cell = function (key) { return tr.querySelector('[data-sp-key="' + key + '"]'); };
    var setTime = function (key, value) {
      var time = cell(key).querySelector("time");
      if (!value) { if (time) time.remove(); return; }
      time.textContent = value;
      time.setAttribute("datetime", value);
    };
    tr.classList.toggle("sp-row--stale", !!row.stale);
    var link = cell("title").querySelector("a"), href = safeLink(this.siteRoot, "stories/" + encodeURIComponent(row.slug) + "/");
    link.textContent = row.title;
    if (href) link.setAttribute("href", href); else link.removeAttribute("href");
    if (!row.stale) cell("title").querySelector(".sp-stale").remove();
    ["company", "type_label", "industry_label", "company_size_label", "region_label", "headline_metric"].forEach(function (f) {
      var key = f === "headline_metric" ? "metric" : f.replace(/_label$/, "");
      cell(key).textContent = row[f] || "";
    });
    setTime("published", row.published);
    setTime("updated", row.updated);
    fillLanguages(cell("languages"), row, this.siteRoot);
    var copy = tr.querySelector("[data-sp-copy]");
    copy.setAttribute("data-sp-copy", row.url || "");
    copy.setAttribute("aria-label", copy.getAttribute("data-sp-copy-label") + " " + row.title);
    bindCopyButton(copy);
    return tr;
  };

  /* The Languages cell (sites with several languages): a link to each version, the original's language first. */
  function fillLanguages(td, row, siteRoot) {
    if (!td) return;
    td.textContent = "";
    (row.languages || []).forEach(function (code) {
      var address = String((row.language_urls || {})[code] || ""), href, url;
      // Without site_url the addresses are site paths (/de/stories/x/): from the site's root, which may be a subfolder.
      if (address.charAt(0) === "/") href = safeLink(siteRoot, address.slice(1));
      else {
        try { url = new URL(address); } catch (e) { return; }
        if (url.protocol === "https:" || url.protocol === "http:") href = url.href;
      }
      if (!href) return;
      var a = document.createElement("a");
      a.href = href;
      a.hreflang = code;
      a.lang = code;
      a.textContent = code.toUpperCase();
      td.appendChild(a);
    });
  }

  /* The prospect link: the public /stories/ view of the current filters, tagged for analytics. */
  SalesTable.prototype.showLink = function () {
    var out = root(this, "[data-sp-lb-out]");
    var lang = root(this, "[data-sp-lb-lang]"); // the prospect's language: that site's story list
    var base = new URL(lang ? lang.value : this.root.getAttribute("data-sp-stories-url"), location.href);
    var name = (root(this, "[data-sp-lb-name]") || {}).value || "";
    var campaign = (root(this, "[data-sp-lb-campaign]") || {}).value || "";
    var extra = [];
    if (name.trim()) extra.push("utm_source=" + encode(name.trim()));
    extra.push("utm_medium=sales-link");
    if (campaign.trim()) extra.push("utm_campaign=" + encode(campaign.trim()));
    var query = writeQuery({ facets: this.state.facets, q: this.state.q }, this.ui.names, "", false);
    var link = base.origin + base.pathname + (query ? query + "&" : "?") + extra.join("&");
    if (out) out.value = link;
    return link;
  };

  /* ---- copy buttons ------------------------------------------------------------------------- */

  function copyText(text, status, done) {
    var say = function (message) { if (status) status.textContent = message; };
    var fallback = function () {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "sp-offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      say(ok ? done : t("copy_this", { url: text }));
    };
    say("");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say(done); }, fallback);
    } else {
      fallback();
    }
  }

  function bindCopyButton(button) {
    if (button.hasAttribute("data-sp-ready")) return; // bound already (rows drawn by the sales table)
    button.setAttribute("data-sp-ready", "");
    button.addEventListener("click", function () {
      var status = button.parentNode.querySelector("[data-sp-copy-status]");
      if (!status) { // table rows: the button shows it, a shared live region announces it
        var label = button.textContent, shared = document.querySelector("[data-sp-row-status]");
        status = { set textContent(message) {
          if (shared) shared.textContent = message;
          if (!message) return;
          button.textContent = message === t("link_copied") ? t("copied") : t("copy_failed");
          setTimeout(function () { button.textContent = label; }, 2000);
        } };
      }
      copyText(button.getAttribute("data-sp-copy"), status, t("link_copied"));
    });
  }

  function bindCopyButtons(scope) {
    scope.querySelectorAll("[data-sp-copy]").forEach(bindCopyButton);
  }

  /* ---- video facade ------------------------------------------------------------------------- */

  /* The player origins the build allows (core/video.py, the same list as the CSP's frame-src), from the
   * page: "https://host" each, nothing else, so a malformed list allows nothing rather than too much. */
  function embedOrigins(box) {
    box = box || document.querySelector("[data-sp-embed-origins]");
    var listed = box ? (box.getAttribute("data-sp-embed-origins") || "").split(/\s+/) : [];
    return listed.filter(function (o) { return /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(o); });
  }

  /* The player URL if it is https, without user or port, on an allowed origin; else null. */
  function embedUrl(raw, origins) {
    var url;
    try { url = new URL(raw); } catch (e) { return null; }
    if (url.protocol !== "https:" || url.username || url.password || url.port) return null;
    return (origins || embedOrigins()).indexOf(url.origin) >= 0 ? url.href : null;
  }

  function bindVideos(scope) {
    scope.querySelectorAll("[data-sp-video]").forEach(function (box) {
      var button = box.querySelector("button");
      var src = embedUrl(box.getAttribute("data-sp-embed") || "", embedOrigins(box));
      if (!button) return;
      if (!src) { button.disabled = true; return; }
      box.setAttribute("data-sp-ready", "");
      button.addEventListener("click", function () {
        var frame = document.createElement("iframe");
        frame.setAttribute("src", src);
        frame.setAttribute("title", t("video_title", { title: box.getAttribute("data-sp-title") || "" }));
        frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media");
        frame.setAttribute("allowfullscreen", "");
        frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
        frame.className = "sp-video__iframe";
        box.textContent = "";
        box.appendChild(frame);
        frame.focus();
      }, { once: true });
    });
  }

  /* ---- page setup --------------------------------------------------------------------------- */

  function setup() {
    teardown.splice(0).forEach(function (undo) { undo(); });
    messages = null; // this page's strings
    var lang = strings().lang;
    if (lang && document.documentElement.lang && lang !== document.documentElement.lang) {
      // Instant navigation into another language's site swapped the content only: <html lang>, dir and
      // Material's own strings are the old page's. Load the page itself (its lang then matches: no loop).
      location.reload();
      return;
    }
    var browser = document.querySelector("[data-sp-browser]");
    if (browser && browser.querySelector("[data-sp-cards]")) new StoryBrowser(browser).start();
    var sales = document.querySelector("[data-sp-sales]");
    var salesShown = sales && sales.querySelector("[data-sp-table]") ? new SalesTable(sales).start() : null;
    if (browser) browser.setAttribute("data-sp-ready", ""); // bound: for tests
    // The sales table is ready once it shows the view the URL asks for (a shared link loads every row first).
    if (sales) Promise.resolve(salesShown).then(function () { sales.setAttribute("data-sp-ready", ""); });
    bindVideos(document);
    bindCopyButtons(document);
  }

  // Exposed for tests of the pure parts only.
  window.storyportal = { readState: readState, writeQuery: writeQuery, filterItems: filterItems, embedUrl: embedUrl };
  // The other page scripts (sp-search.js, embed-button.js) take their strings from here.
  window.storyportal.t = t;

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { setup(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
