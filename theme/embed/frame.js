/* Inside every /embed/ page: the ?theme=light|dark choice, and the page's height for embed.js.
 *
 * The height goes to any parent ("*"): the embed cannot know its host, and a height is no
 * secret. The host's embed.js acts only on messages from the portal's origin, from one of its
 * own frames, shaped {type: "storyportal:height", height: <number>}. Runs in <head>, so the
 * chosen theme is set before the first paint.
 */
(function () {
  "use strict";

  var theme = new URLSearchParams(location.search).get("theme");
  if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
  if (window.parent === window) return;

  var last = -1;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "storyportal:height", height: height }, "*");
  }

  document.addEventListener("DOMContentLoaded", function () {
    report();
    if (window.ResizeObserver) new ResizeObserver(report).observe(document.documentElement);
    window.addEventListener("load", report); // logos change the height once they arrive
  });
}());
