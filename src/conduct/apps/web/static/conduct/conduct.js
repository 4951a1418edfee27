/* Scroll boxes (tables, pre, .table-scroll) that overflow their width get tabindex="0", so keyboard users can
   scroll them (axe: scrollable-region-focusable); re-checked after resizes and HTMX swaps. */
(function () {
  "use strict";
  var SELECTOR = "main table, main pre, main .table-scroll";
  function mark() {
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
      } else if (!overflows && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(mark, 100); }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", mark);
})();
