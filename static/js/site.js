// Site-wide behaviour after htmx swaps part of a page. No inline script, no eval.
// New quiz feedback or an error message carries `autofocus`, which htmx honours after a swap,
// so a screen reader reads it next; nothing here re-implements that.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    // A removed button cannot keep focus: give it to a nearby heading instead of the page.
    if (document.activeElement === document.body) {
      var fallback = document.querySelector("[data-focus-fallback]");
      if (fallback) fallback.focus({ preventScroll: true });
    }
  });
})();
