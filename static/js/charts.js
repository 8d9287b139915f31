// Draws the charts (simulator, progress) from the JSON in their data-figure attributes.
// No inline script and no eval: this file is allowed by the page's Content Security Policy.
//
// plotly.js is large: parsing and running it costs a phone hundreds of milliseconds. A page that
// includes it itself (the progress page) gets its charts drawn at once. A page that names it in
// this script's data-plotly attribute instead (the simulator) shows its figures and tables first
// and loads plotly only when a chart is about to be seen, or when the browser is idle after the
// learner's first action, so that parsing it never delays that first action.
//
// Drawing costs too (about 15 ms a chart on a laptop). On the simulator a swap morphs the page
// (morph.js): a chart whose data did not change keeps its drawing, and one whose data changed is
// redrawn in place. Only the charts a learner can see are redrawn before the browser paints (at
// least a quarter of the chart above the pinned summary); the others are redrawn just after, or
// as they come near the screen.
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
  function reserve(plot) {
    var height = figureOf(plot).layout.height;
    var figure = plot.closest("figure");
    if (!figure) return;
    if (height) figure.style.setProperty("--plot-height", height + "px");
    figure.classList.add("chart--live");
  }

  function draw(plot, colours) {
    // Swapped out while plotly was loading, or plotly could not load: the table stays.
    if (!plot.isConnected || typeof window.Plotly === "undefined") return;
    var figure = figureOf(plot);
    var layout = Object.assign({}, figure.layout, { font: Object.assign({}, figure.layout.font, { color: colours.text }) });
    ["xaxis", "yaxis"].forEach(function (axis) {
      layout[axis] = Object.assign({ gridcolor: colours.grid, zerolinecolor: colours.grid }, layout[axis] || {});
    });
    window.Plotly.react(plot, figure.data, layout, { displayModeBar: false, responsive: true });
    plot.classList.add("is-drawn");
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

  function drawWhenLoaded(plots) {
    loadPlotly().then(function () {
      var colours = themeColours();
      plots.forEach(function (plot) { draw(plot, colours); });
    });
  }

  function whenIdle(callback) {
    if (window.requestIdleCallback) window.requestIdleCallback(callback, { timeout: 2000 });
    else setTimeout(callback, 200);
  }

  // How much of a chart a learner sees: the summary pinned to the bottom of the screen covers
  // what is behind it.
  function inSight(plot) {
    var box = plot.getBoundingClientRect();
    var summary = document.getElementById("sim-summary");
    var floor = Math.min(window.innerHeight, summary ? summary.getBoundingClientRect().top : Infinity);
    var seen = Math.min(box.bottom, floor) - Math.max(box.top, 0);
    return box.height > 0 && seen >= box.height / 4;
  }

  // Each chart is drawn once it comes within half a screen of the viewport (loading plotly first
  // if need be), then no longer watched.
  var nearby = null;
  if (window.IntersectionObserver) {
    nearby = new IntersectionObserver(function (entries) {
      var near = entries.filter(function (entry) { return entry.isIntersecting; })
        .map(function (entry) { return entry.target; });
      near.forEach(function (plot) { nearby.unobserve(plot); });
      if (near.length) drawWhenLoaded(near);
    }, { rootMargin: "50% 0px" });
  }

  function watch(root) {
    var plots = Array.prototype.slice.call(root.querySelectorAll("[data-figure]"));
    plots.forEach(reserve);
    plots = plots.filter(function (plot) { return !plot.classList.contains("is-drawn"); });
    if (!nearby) return drawWhenLoaded(plots);
    var loaded = typeof window.Plotly !== "undefined";
    var now = !loaded ? [] : plotlySource ? plots.filter(inSight) : plots;
    if (now.length) {
      var colours = themeColours();
      now.forEach(function (plot) { draw(plot, colours); });
    }
    plots.forEach(function (plot) { if (now.indexOf(plot) < 0) nearby.observe(plot); });
  }

  // A plot a swap takes away: let plotly drop its resize listener, or they pile up, and stop
  // watching it. (Only the plots htmx removes: a swap elsewhere, such as the terminal's, leaves
  // the charts drawn.)
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var plot = event.target;
    if (!plot.dataset || !plot.dataset.figure) return;
    if (nearby) nearby.unobserve(plot);
    if (window.Plotly && plot.classList.contains("js-plotly-plot")) window.Plotly.purge(plot);
  });

  // htmx calls this for the page once loaded, then for each part a swap brings in (the target
  // and each out-of-band part). Anything after the page itself follows the learner's first
  // action: from then on plotly may load whenever the browser is idle.
  var first = true;
  window.htmx.onLoad(function (root) {
    watch(root);
    if (!first && !loading) whenIdle(loadPlotly);
    first = false;
  });
  var scheme = window.matchMedia("(prefers-color-scheme: dark)");
  if (scheme.addEventListener) {
    scheme.addEventListener("change", function () {
      drawWhenLoaded(Array.prototype.slice.call(document.querySelectorAll(".is-drawn[data-figure]")));
    });
  }
})();
