// "Watch it boot": replays the start of one instance of each stack, step by step, from the
// timeline the server drew (the steps' start and duration are data attributes); "Start N
// instances" starts them one after another until the host is full. No inline script, no eval.
// With reduced motion it shows the end state at once; a polite live region says what happens.
(function () {
  "use strict";

  var motion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var frame = null;

  function number(element, name) {
    return parseFloat(element.dataset[name]) || 0;
  }

  function say(text) {
    var status = document.getElementById("boot-status");
    if (status) status.textContent = text;
  }

  function speed() {
    var chosen = document.querySelector("input[name=boot-speed]:checked");
    return chosen ? Number(chosen.value) : 1;
  }

  function lanes() {
    return Array.prototype.slice.call(document.querySelectorAll(".boot__lane"));
  }

  function steps(lane) {
    return Array.prototype.slice.call(lane.querySelectorAll(".boot__step"));
  }

  function stepName(step) {
    return step.querySelector(".boot__name").textContent;
  }

  // Draw one lane at time t (ms since the start was requested); true once it is ready.
  function drawBoot(lane, t) {
    var ready = true;
    steps(lane).forEach(function (step) {
      var start = number(step, "start"), duration = number(step, "duration");
      var meter = step.querySelector("meter");
      var done = t >= start + duration, running = !done && t >= start;
      if (running && !step.classList.contains("is-running")) say(lane.dataset.name + ": " + stepName(step));
      step.classList.toggle("is-done", done);
      step.classList.toggle("is-running", running);
      meter.value = done ? duration : running ? t - start : 0;
      ready = ready && done;
    });
    return ready;
  }

  // Draw the host's memory after n instances have started.
  function drawFill(lane, n, last) {
    var meter = lane.querySelector(".boot__memory");
    meter.value = number(lane, "sharedMb") + n * number(lane, "eachMb");
    lane.querySelector("[data-boot-fill]").textContent = last ? lane.dataset.fill : n + " running";
  }

  function animate(draw) {
    if (frame) cancelAnimationFrame(frame);
    var began = performance.now(), factor = speed();
    function tick(now) {
      var t = (now - began) * factor;
      if (draw(t)) {
        frame = null;
      } else {
        frame = requestAnimationFrame(tick);
      }
    }
    frame = requestAnimationFrame(tick);
  }

  function startBoot() {
    var all = lanes();
    if (motion.matches) {
      all.forEach(function (lane) { drawBoot(lane, Infinity); });
      say(all.map(function (lane) { return lane.querySelector("h3").textContent; }).join(". "));
      return;
    }
    var finished = {};
    all.forEach(function (lane) { drawBoot(lane, -1); });
    say("Starting " + all.map(function (lane) { return lane.dataset.name; }).join(" and "));
    animate(function (t) {
      // Every lane is drawn on every frame (map, not every, which would stop at the first).
      return all.map(function (lane) {
        if (!lane.isConnected) return true;
        var ready = drawBoot(lane, t);
        if (ready && !finished[lane.id]) {
          finished[lane.id] = true;
          say(lane.querySelector("h3").textContent);
        }
        return ready;
      }).every(Boolean);
    });
  }

  function startFill() {
    var all = lanes();
    if (motion.matches) {
      all.forEach(function (lane) { drawFill(lane, number(lane, "running"), true); });
      say(all.map(function (lane) { return lane.dataset.name + ": " + lane.dataset.fill; }).join(". "));
      return;
    }
    all.forEach(function (lane) {
      delete lane.dataset.announced;
      drawFill(lane, 0, false);
    });
    animate(function (t) {
      return all.map(function (lane) {
        if (!lane.isConnected) return true;
        var target = number(lane, "running"), each = number(lane, "total");
        var n = each > 0 ? Math.min(target, Math.floor(t / each)) : target;
        drawFill(lane, n, n >= target);
        if (n >= target && lane.dataset.announced !== "fill") {
          lane.dataset.announced = "fill";
          say(lane.dataset.name + ": " + lane.dataset.fill);
        }
        return n >= target;
      }).every(Boolean);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-boot]");
    if (!button) return;
    if (button.dataset.boot === "start") startBoot();
    else startFill();
  });

  // The controls do something only with this script: show them once it runs, in the page and in
  // every part htmx swaps in.
  window.htmx.onLoad(function (root) {
    root.querySelectorAll("[data-boot-controls]").forEach(function (controls) { controls.hidden = false; });
  });
})();
