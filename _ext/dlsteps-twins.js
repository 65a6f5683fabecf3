// The static twins of the slider demos (dlsteps.static.StaticChart calls dlstepsTwin).
//
// Each twin is a Vega-Lite chart whose sliders range over the index of a grid of values. This
// script draws it with the book's shared vega-embed (_static/vega-bundle.js) and
//  - prints the real value beside each slider ("0.03", not the index 3) and gives the same text
//    to screen readers (aria-valuetext);
//  - colours text, axes and grid for the page's light or dark mode, and redraws, keeping the
//    sliders where they are, when the reader switches the theme;
//  - lets the chart take the width of its column (the spec says width: "container"), redrawing
//    when the column changes width.
(function () {
  "use strict";

  function dark() {
    return document.documentElement.dataset.theme === "dark";
  }

  function modeConfig() {
    const fg = dark() ? "#e8e8e8" : "#222222";
    const line = dark() ? "#a0a0a0" : "#888888";
    const grid = dark() ? "#3a3a3a" : "#e2e2e2";
    const font = { labelColor: fg, titleColor: fg, labelFontSize: 12, titleFontSize: 13 };
    return {
      background: "transparent",
      axis: { ...font, domainColor: line, tickColor: line, gridColor: grid },
      legend: { ...font },
      text: { color: fg },
      title: { color: fg },
      view: { stroke: line },
    };
  }

  function withMode(spec, values) {
    const copy = JSON.parse(JSON.stringify(spec));
    copy.config = Object.assign({}, copy.config, modeConfig());
    for (const p of copy.params || []) {
      if (p.name in values) p.value = values[p.name];
    }
    return copy;
  }

  function showValues(el, view, sliders) {
    for (const bind of el.querySelectorAll(".vega-bind")) {
      const name = bind.querySelector(".vega-bind-name");
      const input = bind.querySelector("input[type=range]");
      const param = Object.keys(sliders).find(
        (p) => name && sliders[p].label === name.textContent.trim()
      );
      if (!input || !param) continue;
      const texts = sliders[param].texts;
      // Vega prints the slider's value (here: the index) in the span after it; print the text.
      let shown = input.nextElementSibling;
      if (!shown || shown.tagName !== "SPAN") {
        shown = document.createElement("span");
        input.after(shown);
      }
      shown.classList.add("vega-bind-value");
      input.setAttribute("aria-label", sliders[param].label);
      const update = (index) => {
        const text = texts[Number(index)];
        shown.textContent = text;
        input.setAttribute("aria-valuetext", text);
      };
      update(view.signal(param));
      view.addSignalListener(param, (_, index) => update(index));
      // Vega rewrites the span on both events, so the real value goes in after it each time.
      for (const type of ["input", "change"]) {
        input.addEventListener(type, () => update(input.value));
      }
    }
  }

  window.dlstepsTwin = function (selector, spec, sliders) {
    const el = document.querySelector(selector);
    if (!el || !window.vegaEmbed) return;
    let view = null;
    let width = 0;
    const draw = () => {
      const values = {};
      if (view) {
        for (const p of Object.keys(sliders)) values[p] = view.signal(p);
        view.finalize();
      }
      width = el.clientWidth;
      return vegaEmbed(el, withMode(spec, values), { actions: false, renderer: "svg" })
        .then((result) => {
          view = result.view;
          showValues(el, view, sliders);
        })
        .catch((e) => console.error("static demo " + selector + ":", e));
    };
    draw();
    new MutationObserver(() => draw()).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-theme"],
    });
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        if (view && el.clientWidth !== width) {
          width = el.clientWidth;
          view.resize().runAsync();
        }
      }).observe(el);
    }
  };
})();
