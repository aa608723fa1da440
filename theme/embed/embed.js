/* Story Portal embeds for other sites. Include once, then mark where stories go:
 *
 *   <script src="https://stories.example.com/embed/embed.js" defer></script>
 *   <div data-storyportal-story="northwind"></div>
 *   <div data-storyportal-wall="industry=retail&type=testimonial&layout=carousel"></div>
 *
 * Each element gets an iframe of the portal's /embed/ page; the frame reports its height with
 * postMessage. A message is acted on only if it comes from the portal's origin (that of this
 * script's own src), from one of the frames made here, and has the shape
 * {type: "storyportal:height", height: <number>}. No library, no request to anyone else.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = new URL(".", script.src); // the portal's /embed/ folder
  var SLUG = /^[a-z0-9][a-z0-9-]*$/;
  var MAX_HEIGHT = 20000;
  var frames = [];

  function withTheme(el, query) {
    var theme = el.getAttribute("data-storyportal-theme");
    if (theme === "light" || theme === "dark") query.set("theme", theme);
    var text = query.toString();
    return text ? "?" + text : "";
  }

  function addFrame(el, path, title) {
    var iframe = document.createElement("iframe");
    iframe.src = new URL(path, base).href;
    iframe.title = title;
    iframe.loading = "lazy";
    iframe.style.border = "0"; // through the CSSOM: allowed by a host's strict style-src too
    iframe.style.display = "block";
    iframe.style.width = "100%";
    iframe.style.height = (el.hasAttribute("data-storyportal-wall") ? 720 : 360) + "px";
    el.replaceChildren(iframe); // a fallback link inside the element is for readers without JavaScript
    frames.push(iframe);
  }

  function start() {
    document.querySelectorAll("[data-storyportal-story]").forEach(function (el) {
      var slug = el.getAttribute("data-storyportal-story");
      if (el.querySelector("iframe") || !SLUG.test(slug)) return;
      addFrame(el, slug + "/" + withTheme(el, new URLSearchParams()), el.getAttribute("data-storyportal-title") || "Customer story");
    });
    document.querySelectorAll("[data-storyportal-wall]").forEach(function (el) {
      if (el.querySelector("iframe")) return;
      var query = new URLSearchParams(el.getAttribute("data-storyportal-wall") || "");
      addFrame(el, "wall/" + withTheme(el, query), el.getAttribute("data-storyportal-title") || "Customer stories");
    });
  }

  function validHeight(data) {
    return data !== null && typeof data === "object" && data.type === "storyportal:height" &&
      typeof data.height === "number" && isFinite(data.height) && data.height >= 0 && data.height <= MAX_HEIGHT;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== base.origin || !validHeight(event.data)) return;
    frames.forEach(function (iframe) {
      if (iframe.contentWindow === event.source) iframe.style.height = Math.ceil(event.data.height) + "px";
    });
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}());
