// Session notes: keep what someone is typing safe while saves and live updates arrive.
//  - After a save, the server may send merged text (out of band) for the editor's fields and a new base
//    version. They are applied only if nothing was typed since the save was sent; otherwise the editor
//    keeps the person's text and its older base, so the next save merges again (nothing typed is lost).
//  - The live line "notes-latest-<topic>" carries the latest saved version; when it is newer than the
//    editor's base version, it is marked stale and says so ("A newer version (N) … save to merge").
(function () {
  "use strict";
  var sent = null; // the fields' values when the last save left
  var typedSince = false;

  function form() { return document.getElementById("notes-form"); }

  function fieldValues() {
    var values = {};
    var f = form();
    if (!f) return values;
    f.querySelectorAll("[data-notes-field]").forEach(function (el) { values[el.id] = el.value; });
    return values;
  }

  function markStale() {
    var page = document.querySelector("[data-topic-id]");
    if (!page) return;
    var latest = document.getElementById("notes-latest-" + page.getAttribute("data-topic-id"));
    var base = document.getElementById("notes-base-version");
    if (!latest || !base) return;
    var stale = Number(latest.getAttribute("data-version")) > Number(base.value);
    if (stale) latest.setAttribute("data-stale", "true"); else latest.removeAttribute("data-stale");
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    if (evt.detail.elt === form()) { sent = fieldValues(); }
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.requestConfig && evt.detail.requestConfig.elt === form() && sent) {
      var now = fieldValues();
      typedSince = Object.keys(now).some(function (id) { return now[id] !== sent[id]; });
    }
  });

  document.addEventListener("htmx:oobBeforeSwap", function (evt) {
    var target = evt.detail.target;
    var incoming = evt.detail.fragment && evt.detail.fragment.firstElementChild;
    if (!target || !incoming) return;
    if (target.hasAttribute("data-notes-field")) {
      // Never replace the element (that would lose focus and the caret): set its value, or keep the person's.
      evt.preventDefault();
      evt.detail.shouldSwap = false;
      if (!typedSince) {
        var caret = target.selectionStart;
        target.value = incoming.value;
        if (document.activeElement === target && caret !== null) { target.setSelectionRange(caret, caret); }
      }
    } else if (target.id === "notes-base-version") {
      evt.preventDefault();
      evt.detail.shouldSwap = false;
      // A plain save holds exactly what was sent: its version is the base of whatever was typed after it.
      if (!typedSince || incoming.getAttribute("data-outcome") === "saved") { target.value = incoming.value; }
    }
  });

  document.addEventListener("htmx:afterSettle", markStale);
  document.addEventListener("htmx:oobAfterSwap", markStale);
  document.addEventListener("DOMContentLoaded", markStale);
})();
