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

/* Tabs: a `.tabs` element whose child sections each start with an h2 becomes a tab list (WAI-ARIA tabs:
   arrow keys, Home, End). Without JavaScript the sections simply follow one another. The tab shown first is
   the one the address names (#id of the section or of something inside it), else one holding an error, else
   the one last used on this page (a form posted from it comes back to it), else the first. */
(function () {
  "use strict";
  function key(root) { return "conduct-tab:" + location.pathname + ":" + (root.id || ""); }
  function pick(panels, root) {
    var hash = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var i;
    for (i = 0; hash && i < panels.length; i++) { if (panels[i].contains(hash)) { return i; } }
    for (i = 0; i < panels.length; i++) {
      if (panels[i].querySelector(".msg.error, .errorlist, [aria-invalid='true']")) { return i; }
    }
    var kept = null;
    try { kept = sessionStorage.getItem(key(root)); } catch (e) { kept = null; }
    for (i = 0; kept && i < panels.length; i++) { if (panels[i].id === kept) { return i; } }
    return 0;
  }
  function build(root, n) {
    var panels = Array.prototype.filter.call(root.children, function (el) {
      return el.tagName === "SECTION" && el.querySelector("h2");
    });
    if (panels.length < 2) { return; }
    var list = document.createElement("div");
    list.className = "tablist";
    list.setAttribute("role", "tablist");
    if (root.dataset.label) { list.setAttribute("aria-label", root.dataset.label); }
    var tabs = panels.map(function (panel, i) {
      var heading = panel.querySelector("h2");
      if (!panel.id) { panel.id = heading.id ? heading.id + "-panel" : "tabs" + n + "-panel" + i; }
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = panel.id + "-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = heading.textContent.trim();
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.setAttribute("tabindex", "0");
      list.appendChild(tab);
      return tab;
    });
    function show(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) { tabs[index].focus(); }
      try { sessionStorage.setItem(key(root), panels[index].id); } catch (e) { /* private mode */ }
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { show(i, false); });
      tab.addEventListener("keydown", function (event) {
        var to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (to === undefined) { return; }
        event.preventDefault();
        show((to + tabs.length) % tabs.length, true);
      });
    });
    root.insertBefore(list, panels[0]);
    root.classList.add("tabs-on");
    show(pick(panels, root), false);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".tabs").forEach(build);
  });
})();
