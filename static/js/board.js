/* The venue screen: show one mode, or each in turn, as the facilitator set (#board-config, live). */
(function () {
  "use strict";

  var MODES = ["wall", "now", "market"];
  var index = 0;
  var timer = null;

  function config() {
    var element = document.getElementById("board-config");
    var every = element ? parseInt(element.getAttribute("data-every"), 10) : 20;
    return { mode: element ? element.getAttribute("data-mode") : "cycle", every: isNaN(every) ? 20 : every };
  }

  function show(mode) {
    document.body.setAttribute("data-mode", mode);
  }

  function tick() {
    var current = config();
    clearTimeout(timer);
    if (current.mode !== "cycle") {
      show(current.mode);
      timer = setTimeout(tick, 2000); // notice when the facilitator switches back to cycling
      return;
    }
    show(MODES[index % MODES.length]);
    index += 1;
    timer = setTimeout(tick, current.every * 1000);
  }

  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "board-config") tick();
  });
})();
