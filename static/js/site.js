// Site-wide behaviour: no inline script, no eval. Everything here also works without it.
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

  // A "Copy" button on each code block of a lesson. The block is plain text without it.
  function copyButton(pre) {
    var code = pre.querySelector("code") || pre;
    var wrapper = document.createElement("div");
    wrapper.className = "code-block";
    pre.parentNode.insertBefore(wrapper, pre);
    wrapper.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "code-block__copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(button);
    wrapper.appendChild(status);
    button.addEventListener("click", function () {
      var say = function (words) {
        status.textContent = words;
        button.textContent = words === "Copied" ? "Copied" : "Copy";
        window.setTimeout(function () {
          button.textContent = "Copy";
          status.textContent = "";
        }, 3000);
      };
      if (!navigator.clipboard) {
        say("Copying is not available here: select the code and copy it");
        return;
      }
      navigator.clipboard.writeText(code.textContent.replace(/\n$/, "")).then(
        function () { say("Copied"); },
        function () { say("Copying failed: select the code and copy it"); }
      );
    });
  }

  function addCopyButtons(root) {
    var blocks = root.querySelectorAll ? root.querySelectorAll(".prose pre") : [];
    Array.prototype.forEach.call(blocks, function (pre) {
      if (!pre.parentNode.classList.contains("code-block")) copyButton(pre);
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(addCopyButtons);
  } else {
    document.addEventListener("DOMContentLoaded", function () { addCopyButtons(document); });
  }
})();
