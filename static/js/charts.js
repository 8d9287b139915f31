// Draws the charts (simulator, progress) from the JSON in their data-figure attributes.
// No inline script and no eval: this file is allowed by the page's Content Security Policy.
//
// plotly.js is large: parsing and running it costs a phone hundreds of milliseconds. A page that
// includes it itself (the progress page) gets its charts drawn at once. A page that names it in
// this script's data-plotly attribute instead (the simulator) shows its figures and tables first
// and loads plotly only when a chart is about to be seen, or when the browser is idle after the
// learner's first action, so that parsing it never delays that first action.
(function () {
  "use strict";

  var self = document.currentScript;
  var plotlySource = self && self.dataset.plotly;
  var loading = null;

  function themeColours() {
    var style = getComputedStyle(document.body);
    return { text: style.color, grid: style.getPropertyValue("--border").trim() || "#cbd2dc" };
  }

  function figureOf(plot) {
    return JSON.parse(plot.dataset.figure);
  }

  // Keep each chart's space before plotly draws it, so that nothing below it jumps. The height
  // goes on the figure, through CSSOM (which the CSP allows), not on the plot: when htmx swaps
  // in a new plot it copies the old one's attributes across (same id), and copying a style
  // attribute is what the CSP forbids.
  function reserve(root) {
    root.querySelectorAll("[data-figure]").forEach(function (plot) {
      var height = figureOf(plot).layout.height;
      var figure = plot.closest("figure");
      if (height && figure) figure.style.setProperty("--plot-height", height + "px");
    });
  }

  function draw(root) {
    if (typeof window.Plotly === "undefined") return;
    var colours = themeColours();
    root.querySelectorAll("[data-figure]").forEach(function (plot) {
      var figure = figureOf(plot);
      var layout = Object.assign({}, figure.layout, { font: Object.assign({}, figure.layout.font, { color: colours.text }) });
      ["xaxis", "yaxis"].forEach(function (axis) {
        layout[axis] = Object.assign({ gridcolor: colours.grid, zerolinecolor: colours.grid }, layout[axis] || {});
      });
      window.Plotly.react(plot, figure.data, layout, { displayModeBar: false, responsive: true });
      plot.classList.add("is-drawn");
    });
  }

  function loadPlotly() {
    if (typeof window.Plotly !== "undefined" || !plotlySource) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlySource;
        script.nonce = self.nonce;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function loadAndDraw() {
    loadPlotly().then(function () { draw(document); });
  }

  function whenIdle(callback) {
    if (window.requestIdleCallback) window.requestIdleCallback(callback, { timeout: 2000 });
    else setTimeout(callback, 200);
  }

  var watcher = null;
  if (window.IntersectionObserver) {
    watcher = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        watcher.disconnect();
        loadAndDraw();
      }
    }, { rootMargin: "50% 0px" });
  }

  function watch(root) {
    reserve(root);
    if (typeof window.Plotly !== "undefined") {
      draw(root);
    } else if (watcher) {
      root.querySelectorAll("[data-figure]").forEach(function (plot) { watcher.observe(plot); });
    } else {
      loadAndDraw();
    }
  }

  // A swap replaces the plots: let plotly drop their resize listeners first, or they pile up.
  document.addEventListener("htmx:beforeSwap", function () {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) { window.Plotly.purge(plot); });
  });

  // htmx calls this for the page once loaded, then for each part a swap brings in (the target
  // and each out-of-band part). Anything after the page itself follows the learner's first
  // action: from then on plotly may load whenever the browser is idle.
  var first = true;
  window.htmx.onLoad(function (root) {
    watch(root);
    if (!first && !loading) whenIdle(loadAndDraw);
    first = false;
  });
  var scheme = window.matchMedia("(prefers-color-scheme: dark)");
  if (scheme.addEventListener) scheme.addEventListener("change", function () { draw(document); });
})();
