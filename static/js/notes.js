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
  var synced = null; // the fields' values as the page last filled them (load, a save's answer, a live update)

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

  function untouched() {
    if (synced === null) return false;
    var now = fieldValues();
    return Object.keys(now).every(function (id) { return now[id] === synced[id]; });
  }

  /* Someone else saved: an editor nobody has typed in since it was filled takes the new text and its version,
   * so the person starts from the latest; one with typing keeps it (markStale then says a newer one exists). */
  function takeLatest(current) {
    var base = document.getElementById("notes-base-version");
    var version = Number(current.getAttribute("data-version"));
    if (!form() || !base || version <= Number(base.value) || !untouched()) return;
    current.querySelectorAll("textarea[data-field]").forEach(function (value) {
      var field = document.getElementById(value.getAttribute("data-field"));
      if (field) field.value = value.value;
    });
    base.value = String(version);
    synced = fieldValues();
  }

  /* The live line of this page's session says a newer version was saved: ask for it (only this session's
   * pages ask; the event's other notes pages don't get the text). Readers see it redrawn; an untouched
   * editor takes it (takeLatest). */
  var asked = null;
  function fetchLatestIfNewer() {
    var page = document.querySelector("[data-latest-url]");
    if (!page) return;
    var latest = document.getElementById("notes-latest-" + page.getAttribute("data-topic-id"));
    var version = latest ? latest.getAttribute("data-version") : null;
    if (version === null || version === asked) return;
    if (asked === null) { asked = version; return; } // the page as loaded already shows this version
    asked = version;
    var base = document.getElementById("notes-base-version");
    if (base && Number(version) <= Number(base.value)) return; // this page's own save: it holds that version
    htmx.ajax("GET", page.getAttribute("data-latest-url"), { target: "#" + latest.id, swap: "none" });
  }
  document.addEventListener("DOMContentLoaded", fetchLatestIfNewer);

  document.addEventListener("htmx:oobAfterSwap", function (evt) {
    var target = evt.detail.target;
    if (!target || !target.id) return;
    // The target swapped out; the one now on the page has the same id.
    if (target.id.indexOf("notes-current-") === 0) takeLatest(document.getElementById(target.id));
    if (target.id.indexOf("notes-latest-") === 0) fetchLatestIfNewer();
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    // A save's answer has been drawn (with any merged text): that is what the editor now holds as saved.
    if (evt.detail.elt === form() && evt.detail.successful && !typedSince) synced = fieldValues();
  });

  /* Unsaved notes survive a reload or a dead battery: what is typed is kept on this device (localStorage, a
   * key per event and session) with the base version it was typed on, until the server confirms a save.
   * On load, a kept draft that differs from the saved notes is put back in the editor on its own base
   * version and saved at once, so the server merges it as usual (or shows the clash); the page says so.
   * Nothing is kept while the page says the notes are locked. */
  var DRAFT_KEEP_AFTER_MS = 400;
  var confirmed = null; // the fields' values as the server last confirmed them (load, a 200 save, another's save)
  var draftTimer = null;

  function draftKey() {
    var page = document.querySelector("[data-topic-id]");
    return page ? "hallway:notes-draft:" + (location.pathname.split("/")[2] || "") + ":" + page.getAttribute("data-topic-id") : null;
  }
  function locked() {
    var lock = document.getElementById("notes-lock");
    return lock !== null && !lock.hidden;
  }
  function same(a, b) {
    return Object.keys(a).every(function (id) { return !(id in b) || a[id] === b[id]; });
  }
  function readDraft() {
    try {
      var kept = JSON.parse(localStorage.getItem(draftKey()) || "null");
      return kept && typeof kept.fields === "object" && kept.fields !== null ? kept : null;
    } catch (e) { return null; }
  }
  function forgetDraft() {
    try { localStorage.removeItem(draftKey()); } catch (e) { /* private mode */ }
  }
  function keepDraft() {
    clearTimeout(draftTimer);
    var base = document.getElementById("notes-base-version");
    if (!form() || !base || !draftKey() || locked() || confirmed === null) return;
    var now = fieldValues();
    if (same(now, confirmed)) { forgetDraft(); return; }
    try {
      localStorage.setItem(draftKey(), JSON.stringify({ fields: now, base: Number(base.value), at: Date.now() }));
    } catch (e) { /* storage full or private mode: the autosave still runs */ }
  }
  document.addEventListener("input", function (evt) {
    if (!form() || !form().contains(evt.target)) return;
    clearTimeout(draftTimer);
    draftTimer = setTimeout(keepDraft, DRAFT_KEEP_AFTER_MS);
  });
  // The page going away (closed, switched from, the battery's last second): keep what is typed now.
  document.addEventListener("visibilitychange", function () { if (document.hidden) keepDraft(); });
  window.addEventListener("pagehide", keepDraft);

  document.addEventListener("htmx:afterRequest", function (evt) {
    if (evt.detail.elt !== form() || !evt.detail.xhr || evt.detail.xhr.status !== 200) return;
    // Saved (or merged, or unchanged): what was sent is the server's. Anything typed since stays kept, on the
    // base version the editor keeps for it.
    confirmed = typedSince ? sent : fieldValues();
    keepDraft();
  });
  document.addEventListener("htmx:oobAfterSwap", function (evt) {
    // Someone else's save taken by an untouched editor (takeLatest): the editor holds the server's text.
    if (evt.detail.target && evt.detail.target.id.indexOf("notes-current-") === 0 && untouched()) confirmed = fieldValues();
  });

  function restoreDraft() {
    var base = document.getElementById("notes-base-version");
    var notice = document.getElementById("notes-draft");
    if (!form() || !base) return;
    confirmed = fieldValues();
    var draft = readDraft();
    if (draft === null || locked()) return;
    if (same(draft.fields, confirmed)) { forgetDraft(); return; } // it was saved after all (its answer was lost)
    Object.keys(draft.fields).forEach(function (id) {
      var field = document.getElementById(id);
      if (field && field.hasAttribute("data-notes-field") && typeof draft.fields[id] === "string") field.value = draft.fields[id];
    });
    var latest = Number(base.value);
    var typedOn = Math.min(Number(draft.base) || 0, latest); // never ahead of the server's own versions
    base.value = String(typedOn);
    if (notice) {
      var at = new Date(draft.at || Date.now());
      var time = (at.getHours() < 10 ? "0" : "") + at.getHours() + ":" + (at.getMinutes() < 10 ? "0" : "") + at.getMinutes();
      var words = window.hallwayWords || {};
      var said = typedOn === latest
        ? words.draft_put_back || "Put back what you typed on this device at {time} and had not saved yet " +
          "(typed on version {version}, the latest). It is being saved."
        : words.draft_put_back_merging || "Put back what you typed on this device at {time} and had not saved yet " +
          "(typed on version {version}; the notes are at version {latest} now). It is being saved, merged with what others wrote since.";
      notice.textContent = said.replace("{time}", time).replace("{version}", typedOn).replace("{latest}", latest);
      notice.hidden = false;
    }
    markStale();
    // After htmx has set up the form (its own DOMContentLoaded listener runs first, but let it finish).
    setTimeout(function () { if (form()) form().requestSubmit(); }, 0);
  }

  document.addEventListener("htmx:afterSettle", markStale);
  document.addEventListener("htmx:oobAfterSwap", markStale);
  document.addEventListener("DOMContentLoaded", function () { synced = fieldValues(); markStale(); });
  // After the line above: the editor's text as loaded is the server's, whatever a draft then puts back.
  document.addEventListener("DOMContentLoaded", restoreDraft);
})();
