// Where keyboard focus goes after htmx swaps part of a page. No inline script, no eval.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    // New feedback or an error message takes focus, so a screen reader reads it next.
    var fresh = document.querySelector("[data-swap-focus]");
    if (fresh) {
      document.querySelectorAll("[data-swap-focus]").forEach(function (element) {
        element.removeAttribute("data-swap-focus");
      });
      fresh.focus();
      return;
    }
    // A removed button cannot keep focus: give it to a nearby heading instead of the page.
    if (document.activeElement === document.body) {
      var fallback = document.querySelector("[data-focus-fallback]");
      if (fallback) fallback.focus({ preventScroll: true });
    }
  });
})();
