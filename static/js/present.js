/* Presentation mode (templates/meetings/present.html): one screen at a time. ← → PageUp PageDown
   Home End and the on-screen buttons move between screens, the address's hash keeps the screen
   (#3), Esc goes back to the meeting page. Without this file the page is a long run of sections. */
(function () {
  "use strict";
  var body = document.body;
  var screens = Array.prototype.slice.call(document.querySelectorAll(".slide[data-screen]"));
  var controls = document.querySelector(".present-controls");
  if (!screens.length || !controls) { return; }
  var position = controls.querySelector("[data-position]");
  var prev = controls.querySelector('[data-go="prev"]');
  var next = controls.querySelector('[data-go="next"]');
  var current = 0;

  function fromHash() {
    var n = parseInt(window.location.hash.replace("#", ""), 10);
    return isNaN(n) ? 1 : n;
  }

  function show(n) {
    n = Math.min(Math.max(n, 1), screens.length);
    if (n === current) { return; }
    current = n;
    screens.forEach(function (screen, i) {
      var on = i === n - 1;
      screen.classList.toggle("current", on);
      screen.setAttribute("aria-hidden", on ? "false" : "true");
      if (on) { screen.scrollTop = 0; }
    });
    position.textContent = n + " / " + screens.length;
    prev.disabled = n === 1;
    next.disabled = n === screens.length;
    if (window.location.hash !== "#" + n) {
      window.history.replaceState(null, "", "#" + n);
    }
  }

  body.classList.add("js-present");
  controls.hidden = false;
  show(fromHash());

  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) { return; }
    var moves = {
      ArrowRight: current + 1, PageDown: current + 1, ArrowLeft: current - 1, PageUp: current - 1,
      Home: 1, End: screens.length
    };
    if (event.key === "Escape") {
      window.location.href = body.getAttribute("data-back");
    } else if (Object.prototype.hasOwnProperty.call(moves, event.key)) {
      event.preventDefault();
      show(moves[event.key]);
    }
  });
})();
