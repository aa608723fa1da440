/* The "Embed" box (partials/sp_embed_button.html): copy buttons, and on /sales/ the wall's code
 * and preview follow the page's filters. Runs from Material's document$, like storyportal.js.
 * The code is put into textareas with .value: nothing is parsed as HTML.
 */
(function () {
  "use strict";

  var FACETS = ["type", "industry", "company_size", "region", "products", "use_cases", "lang"];

  /* Interface strings in the page's language: storyportal.js reads them from the page. */
  function t(key, vars) {
    var portal = window.storyportal;
    return portal && portal.t ? portal.t(key, vars) : key;
  }

  function copy(button) {
    var area = document.getElementById(button.getAttribute("data-sp-embed-copy"));
    var status = button.parentNode.querySelector("[data-sp-embed-status]");
    var say = function (text) { if (status) status.textContent = text; };
    var fallback = function () {
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? t("code_copied") : t("code_select"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(function () { say(t("code_copied")); }, fallback);
    } else {
      fallback();
    }
  }

  /* The page's facet filters as the wall's query: the same names as /stories/. */
  function wallQuery() {
    var params = new URLSearchParams(location.search), out = new URLSearchParams();
    FACETS.forEach(function (name) { if (params.get(name)) out.set(name, params.get(name)); });
    return out.toString();
  }

  function escapeAttr(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  /* The live preview, made on first opening: a closed box costs no frame and no request. */
  function showPreview(box, query) {
    var holder = box.querySelector("[data-sp-embed-preview]"), frame = holder.querySelector("iframe");
    var src = holder.getAttribute("data-sp-embed-src") + (query ? "?" + query : "");
    var open = box.querySelector("[data-sp-embed-open]");
    if (open) open.setAttribute("href", src);
    if (!box.open) return;
    if (!frame) {
      frame = holder.appendChild(document.createElement("iframe"));
      frame.className = "sp-embed__preview";
      frame.title = t("embed_preview");
    }
    if (frame.getAttribute("src") !== src) frame.setAttribute("src", src);
  }

  function followFilters(box) {
    var script = box.querySelector("[data-sp-embed-script]"), frame = box.querySelector("[data-sp-embed-iframe]");
    var scriptBase = script.defaultValue, frameBase = frame.defaultValue;
    function update() {
      var query = wallQuery();
      script.value = scriptBase.replace('data-storyportal-wall=""', 'data-storyportal-wall="' + escapeAttr(query) + '"');
      frame.value = frameBase.replace(/(src="[^"?]*)/, "$1" + (query ? "?" + escapeAttr(query) : ""));
      showPreview(box, query);
    }
    box.addEventListener("toggle", update);
    var sales = document.querySelector("[data-sp-sales]");
    if (sales) ["change", "input", "click", "submit"].forEach(function (type) {
      sales.addEventListener(type, function () { setTimeout(update, 0); }); // after the table wrote the URL
    });
    window.addEventListener("popstate", update);
    update();
  }

  function start() {
    document.querySelectorAll("[data-sp-embed]:not([data-sp-embed-ready])").forEach(function (box) {
      box.setAttribute("data-sp-embed-ready", "");
      box.querySelectorAll("[data-sp-embed-copy]").forEach(function (button) {
        button.addEventListener("click", function () { copy(button); });
      });
      if (box.hasAttribute("data-sp-embed-wall")) followFilters(box);
      else box.addEventListener("toggle", function () { showPreview(box, ""); });
    });
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start);
  else document.addEventListener("DOMContentLoaded", start);
}());
