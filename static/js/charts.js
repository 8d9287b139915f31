// Draws the charts (simulator, progress) from the JSON in their data-figure attributes, on load and after
// each htmx swap.
// No inline script and no eval: this file is allowed by the page's Content Security Policy.
(function () {
  "use strict";

  function themeColours() {
    var style = getComputedStyle(document.body);
    return { text: style.color, grid: style.getPropertyValue("--border").trim() || "#cbd2dc" };
  }

  function draw(root) {
    if (typeof window.Plotly === "undefined") return;
    var colours = themeColours();
    root.querySelectorAll("[data-figure]").forEach(function (plot) {
      var figure = JSON.parse(plot.dataset.figure);
      var layout = Object.assign({}, figure.layout, { font: Object.assign({}, figure.layout.font, { color: colours.text }) });
      ["xaxis", "yaxis"].forEach(function (axis) {
        layout[axis] = Object.assign({ gridcolor: colours.grid, zerolinecolor: colours.grid }, layout[axis] || {});
      });
      window.Plotly.react(plot, figure.data, layout, { displayModeBar: false, responsive: true });
      plot.classList.add("is-drawn");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // A swap replaces the plots: let plotly drop their resize listeners first, or they pile up.
  document.addEventListener("htmx:beforeSwap", function () {
    if (typeof window.Plotly === "undefined") return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) { window.Plotly.purge(plot); });
  });

  // One swap settles several elements (the target and the out-of-band parts), each with its own
  // afterSettle event: draw once, after the last of them.
  var drawPending = false;
  document.addEventListener("htmx:afterSettle", function () {
    if (drawPending) return;
    drawPending = true;
    queueMicrotask(function () {
      drawPending = false;
      draw(document);
    });
  });
  var scheme = window.matchMedia("(prefers-color-scheme: dark)");
  if (scheme.addEventListener) scheme.addEventListener("change", function () { draw(document); });
})();
