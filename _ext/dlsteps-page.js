// Accessibility fixes for the theme's pages (axe-core, WCAG 2.1 AA). For the buttons (WCAG 2.5.3,
// "label in name"; axe-core's label-content-name-mismatch):
//  - the search button shows "Search Ctrl+K" but is named "Search": it takes its name from
//    what it shows;
//  - the colour-mode button is named "Color mode" but its icon carries a title ("Light",
//    "Dark"): the icon is decoration, hidden from assistive technology.
// For the bibliography: docutils marks each entry of its list (role "list") with the
// DPUB-ARIA role "doc-biblioentry", deprecated since DPUB-ARIA 1.1 (axe-core's
// aria-deprecated-role, and a list with no "listitem" fails aria-required-children); each entry
// becomes the list item it is.
// On the Chinese pages: the theme's words that its templates and scripts write in English with
// no translation to use (the rest come from Sphinx's catalogs and _ext/locale) are put in
// Chinese: two tooltips, the names screen readers give two landmarks and the solutions' toggle.
// Font Awesome turns the icons into SVG after the page loads, so this runs again on changes.
(function () {
  "use strict";
  const CHINESE = {
    "Toggle primary sidebar": "显示或隐藏导航栏",
    "Toggle secondary sidebar": "显示或隐藏本页目录",
    "Toggle hidden content": "显示或隐藏内容",
    "Main": "主导航",
    "Page": "页面导航",
    "列印成 PDF": "打印为 PDF",
  };
  const chinese = document.documentElement.lang.startsWith("zh");
  function translate() {
    for (const attr of ["title", "aria-label", "data-bs-original-title"]) {
      for (const el of document.querySelectorAll(`[${attr}]`)) {
        const word = CHINESE[el.getAttribute(attr)];
        if (word) el.setAttribute(attr, word);
      }
    }
  }
  function fix() {
    if (chinese) translate();
    for (const entry of document.querySelectorAll("[role=doc-biblioentry]")) {
      entry.setAttribute("role", "listitem");
    }
    for (const button of document.querySelectorAll(".search-button-field[aria-label]")) {
      button.removeAttribute("aria-label");
    }
    for (const icon of document.querySelectorAll(".theme-switch-button svg")) {
      if (icon.getAttribute("aria-hidden") !== "true") {
        icon.setAttribute("aria-hidden", "true");
        icon.removeAttribute("role");
        icon.removeAttribute("aria-labelledby");
        const title = icon.querySelector("title");
        if (title) title.remove();
      }
    }
  }
  document.addEventListener("DOMContentLoaded", () => {
    fix();
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  });
})();
