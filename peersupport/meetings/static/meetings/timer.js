// The role-play page's round timer: counts each round down, then moves to the next one and
// highlights it. Loaded as a file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function setUp(box) {
    var minutes = parseInt(box.getAttribute("data-minutes"), 10) || 15;
    var rounds = parseInt(box.getAttribute("data-rounds"), 10) || 1;
    var clock = box.querySelector("[data-timer-clock]");
    var roundLabel = box.querySelector("[data-timer-round]");
    var round = 1;
    var left = minutes * 60;
    var ticking = null;

    function show() {
      clock.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
      roundLabel.textContent = String(round);
      document.querySelectorAll("[data-practice-round]").forEach(function (section) {
        section.classList.toggle("practice-round--now", section.getAttribute("data-practice-round") === String(round));
      });
    }

    function stop() {
      if (ticking !== null) { clearInterval(ticking); ticking = null; }
    }

    function next() {
      stop();
      if (round < rounds) { round += 1; }
      left = minutes * 60;
      show();
      var section = document.querySelector('[data-practice-round="' + round + '"]');
      if (section) { section.scrollIntoView({ behavior: "smooth", block: "start" }); }
    }

    function tick() {
      left -= 1;
      if (left <= 0) {
        left = 0;
        show();
        box.classList.add("timer--done");
        stop();
        return;
      }
      show();
    }

    box.querySelector("[data-timer-start]").addEventListener("click", function () {
      box.classList.remove("timer--done");
      if (ticking === null) { ticking = setInterval(tick, 1000); }
    });
    box.querySelector("[data-timer-pause]").addEventListener("click", stop);
    box.querySelector("[data-timer-next]").addEventListener("click", function () {
      box.classList.remove("timer--done");
      next();
    });
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-round-timer]").forEach(setUp);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
