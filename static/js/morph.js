// htmx's "morph" swap, through idiomorph: a swap changes only the elements, attributes and text
// that differ, instead of removing and rebuilding every element. On the simulator that is most
// of a click's work: htmx no longer cleans up, re-processes and lays out some 300 elements that
// come back the same, and plotly updates its charts in place instead of drawing them anew.
(function () {
  "use strict";

  // plotly owns a chart's children: morphing them would remove its drawing. Only the chart's
  // data changes hands; charts.js redraws it from there (htmx:load follows every swap).
  function keepPlot(oldNode, newNode) {
    if (!oldNode.dataset || oldNode.dataset.figure === undefined) return true;
    if (!newNode.dataset || newNode.dataset.figure === undefined) return true;
    if (oldNode.dataset.figure !== newNode.dataset.figure) {
      oldNode.dataset.figure = newNode.dataset.figure;
      oldNode.classList.remove("is-drawn");
    }
    return false;
  }

  // A chart's table that a learner opened stays open while they change the stack, showing the
  // new numbers: for a screen reader user the table is the chart. (Other disclosures close, as
  // the server sends them: the ledger fetches its tables when it is opened.)
  function keepOpenTable(attribute, element) {
    return !(attribute === "open" && element.classList.contains("chart__table"));
  }

  var styles = { morph: "outerHTML", "morph:outerHTML": "outerHTML", "morph:innerHTML": "innerHTML" };

  window.htmx.defineExtension("morph", {
    isInlineSwap: function (swapStyle) { return styles[swapStyle] === "outerHTML"; },
    handleSwap: function (swapStyle, target, fragment) {
      if (!styles[swapStyle]) return false;
      return window.Idiomorph.morph(target, fragment.children, {
        morphStyle: styles[swapStyle],
        callbacks: { beforeNodeMorphed: keepPlot, beforeAttributeUpdated: keepOpenTable },
      });
    },
  });
})();
