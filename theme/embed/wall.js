/* /embed/wall/: redraws the wall for the address's filters, `limit` and `layout`.
 *
 * The parameters are those of /stories/ (values within a facet OR, facets AND). It filters
 * with /stories/facets.json, the index the site already publishes, then fetches only the
 * chunks of cards-N.json (beside this page, in the same order) that hold the cards shown.
 * Without any parameter, or without JavaScript, the newest cards rendered into the page stay.
 * Data reaches the page only through textContent and setAttribute on URLs built here.
 */
(function () {
  "use strict";

  var FACETS = ["type", "industry", "company_size", "region", "products", "use_cases", "lang"];
  var LAYOUTS = ["grid", "carousel", "rotate"];
  var DEFAULT_LIMIT = 6;
  var MAX_LIMIT = 50;
  var ROTATE_MS = 8000;
  var UI_LANG = document.documentElement.lang || "en";
  var UI_DIR = document.documentElement.dir || "ltr";
  var STRINGS = (function () { // the interface strings of this page's language (core/messages.py)
    var blob = document.querySelector('meta[name="sp-messages"]');
    try { return JSON.parse(blob ? blob.getAttribute("content") : "{}") || {}; } catch (e) { return {}; }
  }());

  /* The string `key` with {name} replaced from `vars`. */
  function t(key, vars) {
    var text = (STRINGS.m || {})[key];
    vars = vars || {};
    if (typeof text !== "string") return key;
    return text.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole;
    });
  }

  /* Positions (newest first) of the stories that match; a facet the index lacks is not asked. */
  function matching(index, chosen) {
    var wanted = index.facets.map(function (facet) {
      var slugs = chosen[facet.name] || [];
      if (!slugs.length) return null;
      return facet.values.map(function (v, id) { return slugs.indexOf(v[0]) >= 0 ? id : -1; })
        .filter(function (id) { return id >= 0; });
    });
    var found = [];
    index.stories.forEach(function (row, position) {
      var ok = wanted.every(function (ids, f) {
        return !ids || row[f + 1].some(function (id) { return ids.indexOf(id) >= 0; });
      });
      if (ok) found.push(position);
    });
    return found;
  }

  function getJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  /* The cards at these positions, fetching each chunk that holds one once. */
  function loadCards(wall, index, positions) {
    var chunks = {};
    positions.forEach(function (p) { chunks[Math.floor(p / index.chunk)] = null; });
    var base = new URL(wall.getAttribute("data-spe-chunks"), location.href);
    return Promise.all(Object.keys(chunks).map(function (n) {
      return getJson(new URL("cards-" + n + ".json", base)).then(function (cards) { chunks[n] = cards; });
    })).then(function () {
      return positions.map(function (p) { return chunks[Math.floor(p / index.chunk)][p % index.chunk]; });
    });
  }

  function selection(params) {
    var chosen = {};
    FACETS.forEach(function (name) {
      chosen[name] = [];
      params.getAll(name).forEach(function (raw) {
        raw.split(",").forEach(function (v) { v = v.trim(); if (v) chosen[name].push(v); });
      });
    });
    return chosen;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function who(card, strong) {
    var p = el(strong ? "figcaption" : "p", strong ? "" : "spe-card__who");
    if (card.name) { p.appendChild(el("strong", "", card.name)); p.appendChild(document.createTextNode(", ")); }
    p.appendChild(document.createTextNode((card.role ? card.role + ", " : "") + card.company));
    return p;
  }

  /* The same markup as partials/sp_embed_card.html. */
  function cardElement(card, root) {
    var article = el("article", "spe-card");
    article.setAttribute("lang", card.lang);
    if (card.dir === "rtl" || card.dir === "ltr") article.setAttribute("dir", card.dir);
    var head = article.appendChild(el("div", "spe-card__head"));
    if (card.logo) {
      var img = head.appendChild(el("div", "spe-card__logo")).appendChild(el("img", "sp-img sp-img--logo"));
      img.setAttribute("src", new URL(card.logo, root).href);
      img.setAttribute("alt", t("logo_alt", { company: card.company }));
    }
    head.appendChild(el("p", "spe-card__kicker", card.type + " · " + card.company));
    article.appendChild(el("h2", "spe-card__title", card.title));
    if (card.metric) article.appendChild(el("p", "spe-card__metric", card.metric));
    if (card.quote) {
      var figure = article.appendChild(el("figure", "spe-card__quote"));
      figure.appendChild(el("blockquote")).appendChild(el("p", "", card.quote));
      figure.appendChild(who(card, true));
    } else {
      article.appendChild(el("p", "spe-card__summary", card.summary));
      if (card.name) article.appendChild(who(card, false));
    }
    var more = article.appendChild(el("p", "spe-card__more"));
    more.setAttribute("lang", UI_LANG); // our words, not the story's
    more.setAttribute("dir", UI_DIR);
    var link = more.appendChild(el("a", "", t("wall_read")));
    var utm = new URLSearchParams({ utm_source: "embed", utm_medium: "story-wall", utm_campaign: card.slug });
    link.setAttribute("href", new URL(card.url, root).href + "?" + utm.toString());
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener");
    link.appendChild(el("span", "spe-hidden", t("wall_new_tab", { title: card.title })));
    return article;
  }

  function button(label, onClick) {
    var b = el("button", "spe-button", label);
    b.setAttribute("type", "button");
    b.addEventListener("click", onClick);
    return b;
  }

  function carousel(wall, list) {
    list.setAttribute("tabindex", "0"); // a scrolling region must be reachable by keyboard
    list.setAttribute("aria-label", t("wall_scroll"));
    var step = function (dir) { list.scrollBy({ left: dir * list.clientWidth * 0.8, behavior: "smooth" }); };
    var controls = wall.insertBefore(el("div", "spe-controls"), list);
    controls.appendChild(button(t("wall_previous"), function () { step(-1); }));
    controls.appendChild(button(t("wall_next"), function () { step(1); }));
  }

  /* One card at a time; stops on request, on hover and focus, and never moves for reduced motion. */
  function rotate(wall, list) {
    var items = list.children, current = 0, timer = null;
    var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var show = function (i) {
      current = (i + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, n) { item.classList.toggle("spe-off", n !== current); });
    };
    var controls = wall.insertBefore(el("div", "spe-controls"), list);
    var pause = button(t("wall_pause"), function () { timer ? stop() : play(); });
    function stop() { clearInterval(timer); timer = null; pause.textContent = t("wall_play"); list.setAttribute("aria-live", "polite"); }
    function play() {
      timer = setInterval(function () { show(current + 1); }, ROTATE_MS);
      pause.textContent = t("wall_pause");
      list.setAttribute("aria-live", "off");
    }
    controls.appendChild(button(t("wall_previous"), function () { show(current - 1); }));
    controls.appendChild(button(t("wall_next"), function () { show(current + 1); }));
    show(0);
    if (items.length < 2) return;
    controls.appendChild(pause);
    if (still) stop(); else play();
  }

  function draw(wall, shown, layout) {
    var root = new URL(wall.getAttribute("data-spe-root"), location.href);
    var list = wall.querySelector("[data-spe-list]");
    list.replaceChildren();
    list.className = "spe-list spe-list--" + layout;
    shown.forEach(function (card) { list.appendChild(el("li", "spe-list__item")).appendChild(cardElement(card, root)); });
    if (!shown.length) list.appendChild(el("li", "spe-empty", t("wall_none")));
    if (layout === "carousel" && shown.length) carousel(wall, list);
    if (layout === "rotate" && shown.length) rotate(wall, list);
  }

  var wall = document.querySelector("[data-spe-wall]");
  var params = new URLSearchParams(location.search);
  var own = FACETS.concat(["limit", "layout"]).some(function (name) { return params.has(name); });
  if (!wall || !own) return; // the newest cards are already in the page
  var limit = parseInt(params.get("limit"), 10);
  limit = limit >= 1 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT;
  var layout = LAYOUTS.indexOf(params.get("layout")) >= 0 ? params.get("layout") : "grid";
  var chosen = selection(params);
  getJson(new URL(wall.getAttribute("data-spe-index"), location.href)).then(function (index) {
    // A one-language site has no language facet: all its stories share the first one's language.
    var oneLang = chosen.lang.length && !index.facets.some(function (f) { return f.name === "lang"; });
    return loadCards(wall, index, matching(index, chosen).slice(0, limit)).then(function (cards) {
      return oneLang && cards.length && chosen.lang.indexOf(cards[0].lang) < 0 ? [] : cards;
    });
  }).then(function (cards) { draw(wall, cards, layout); });
}());
