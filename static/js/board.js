/* The venue screen: show one mode, or each in turn, as the facilitator set (#board-config, live). */
(function () {
  "use strict";

  var MODES = ["wall", "now", "market", "join"]; // unless #board-config says (it adds "themes" when there are themes)
  var MAX_ROWS = 5; // slots on screen at once: the one running now and the next ones, at a size the back row reads
  var index = 0;
  var timer = null;

  function config() {
    var element = document.getElementById("board-config");
    var every = element ? parseInt(element.getAttribute("data-every"), 10) : 20;
    var cycle = element && element.getAttribute("data-cycle") ? element.getAttribute("data-cycle").split(" ") : MODES;
    return { mode: element ? element.getAttribute("data-mode") : "cycle", every: isNaN(every) ? 20 : every, cycle: cycle };
  }

  function show(mode) {
    document.body.setAttribute("data-mode", mode);
  }

  function tick() {
    var current = config();
    var element = document.getElementById("board-config");
    // High contrast and large type, switched on the facilitator page, live.
    document.body.classList.toggle("b-contrast", !!element && element.getAttribute("data-contrast") === "high");
    clearTimeout(timer);
    if (current.mode !== "cycle") {
      show(current.mode);
      timer = setTimeout(tick, 2000); // notice when the facilitator switches back to cycling
      return;
    }
    show(current.cycle[index % current.cycle.length]);
    index += 1;
    timer = setTimeout(tick, current.every * 1000);
  }

  /* Slots that are over fold away and the one running now is marked, by the venue's clock (the server's, at
   * load, carried forward: the laptop's own time zone does not matter). After the last slot, all show again. */
  function markTime() {
    var now = window.hallwayLive.venueNow();
    var rows = Array.prototype.slice.call(document.querySelectorAll("#board-grid .b-row[data-ends]"));
    var over = rows.filter(function (row) { return Date.parse(row.getAttribute("data-ends")) <= now; });
    var allOver = over.length === rows.length;
    var shown = 0;
    rows.forEach(function (row) {
      var past = !allOver && over.indexOf(row) !== -1;
      var current = Date.parse(row.getAttribute("data-starts")) <= now && Date.parse(row.getAttribute("data-ends")) > now;
      row.classList.toggle("past", past);
      row.classList.toggle("current", current);
      var later = !past && shown >= (document.body.classList.contains("b-contrast") ? MAX_ROWS - 1 : MAX_ROWS);
      row.classList.toggle("later", later);
      if (!past && !later) shown += 1;
    });
    var hiddenLater = rows.filter(function (row) { return row.classList.contains("later"); }).length;
    var note = document.getElementById("board-later");
    if (note) {
      note.hidden = hiddenLater === 0;
      // In the board's language (partials/script_words.html), each form of the count; English otherwise.
      var forms = (window.hallwayWords || {}).board_later;
      note.textContent = forms && window.hallwayCount
        ? window.hallwayCount(forms, hiddenLater)
        : (hiddenLater === 1 ? "…and 1 more slot later" : "…and " + hiddenLater + " more slots later");
    }
  }

  document.addEventListener("DOMContentLoaded", function () { markTime(); tick(); });
  document.addEventListener("htmx:wsAfterMessage", markTime);
  setInterval(markTime, 30000);
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "board-config") tick();
  });
})();
