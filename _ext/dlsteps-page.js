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
// Font Awesome turns the icons into SVG after the page loads, so this runs again on changes.
(function () {
  "use strict";
  function fix() {
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
