/* Live pages for people using a screen reader or the keyboard.
 * - What changes live is said politely in #live-announcer (aria-live=polite), never the whole list: at most one
 *   short sentence every ANNOUNCE_GAP_MS, a burst folded into one ("3 new topics"). hallway.js says its own
 *   news (a session of yours moved, an announcement) through window.hallwayAnnounce.
 * - A live update or an htmx answer that redraws the part of the page holding the focus (a wall row, a topic)
 *   would drop the focus to the top of the page: it is put back on the same control, or the nearest one. */
(function () {
  "use strict";

  var ANNOUNCE_GAP_MS = 5000; // between two sentences
  var SETTLE_MS = 1500; // a burst is waited out, then said once
  var lastSaid = 0;
  var timer = null;
  var queue = []; // sentences waiting, oldest first; one kind ("topics") is a count folded into one
  var newTopics = 0;
  var seenTopics = {};

  function flush() {
    timer = null;
    var sentence = null;
    if (newTopics > 0) {
      var forms = (window.hallwayWords || {}).new_topics || { one: "{count} new topic.", other: "{count} new topics." };
      sentence = window.hallwayCount ? window.hallwayCount(forms, newTopics) : forms.other.replace("{count}", newTopics);
      newTopics = 0;
    } else {
      sentence = queue.shift() || null;
    }
    var announcer = document.getElementById("live-announcer");
    if (sentence && announcer) {
      // Emptied first: the same sentence twice in a row is still read again.
      announcer.textContent = "";
      setTimeout(function () { announcer.textContent = sentence; }, 50);
      lastSaid = Date.now();
    }
    if (newTopics > 0 || queue.length) schedule();
  }

  function schedule() {
    if (timer !== null) return;
    timer = setTimeout(flush, Math.max(SETTLE_MS, lastSaid + ANNOUNCE_GAP_MS - Date.now()));
  }

  /* Say a short sentence politely; the same one waiting already is not queued twice, and a long queue keeps
   * only its latest few (by the time they would be read, older news is stale). */
  function announce(sentence) {
    if (!sentence || queue.indexOf(sentence) !== -1) return;
    queue.push(sentence);
    if (queue.length > 3) queue = queue.slice(-3);
    schedule();
  }
  window.hallwayAnnounce = announce;

  /* The marketplace does not push new topics into the list under a thumb (partials/live_notice.html says there
   * are some); here they are counted: a topic this page has not seen, in a message that says topics are new. */
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    var message = event.detail.message || "";
    if (event.defaultPrevented || message.indexOf('data-notice="new_topics"') === -1) return;
    var pattern = /id="topic-head-(\d+)"/g;
    var found;
    while ((found = pattern.exec(message)) !== null) {
      var id = found[1];
      if (!seenTopics[id] && !document.getElementById("topic-head-" + id)) {
        seenTopics[id] = true;
        newTopics += 1;
      }
    }
    if (newTopics > 0) schedule();
  });
  document.addEventListener("htmx:wsAfterMessage", function (event) {
    var message = (event.detail && event.detail.message) || "";
    // Which notice it is, from its data-notice: its words are in the page's language.
    if (message.indexOf('id="live-notice"') !== -1 && message.indexOf('data-notice="event"') !== -1) {
      announce((window.hallwayWords || {}).event_changed || "The facilitator changed the event.");
    }
  });

  /* Focus: remembered whenever it moves, as the control's id, or (most controls have none) as the nearest
   * element with an id around it and the control's words and place inside that one; put back after a redraw
   * that took it away. Remembered on focusin rather than before a swap: htmx tells of a swap on the element
   * that asked for it, and a live message may already have replaced that one (its events reach no one). */
  var remembered = null;
  var FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";

  function visible(element) {
    return element.offsetParent !== null || element.getClientRects().length > 0;
  }

  function describe(active) {
    if (active.id) return { id: active.id };
    var holder = active.parentElement ? active.parentElement.closest("[id]") : null;
    if (!holder) return null;
    var inside = Array.prototype.slice.call(holder.querySelectorAll(FOCUSABLE));
    return { holder: holder.id, index: inside.indexOf(active), words: active.textContent.trim() };
  }

  document.addEventListener("focusin", function (event) {
    if (event.target && event.target !== document.body && event.target.closest) remembered = describe(event.target);
  });
  document.addEventListener("focusout", function (event) {
    var left = event.target;
    setTimeout(function () {
      // Left on purpose (a click on the page, another window): nothing to put back. Taken away (a redraw
      // removed the control, or hid it: "I'm going" once chosen): put back now, near where it was.
      if (!lost()) return;
      if (left.isConnected && visible(left)) remembered = null; else restore();
    }, 0);
  });

  function lost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function restore() {
    var was = remembered;
    if (!was || !lost()) return;
    if (was.id) {
      var same = document.getElementById(was.id);
      if (same && visible(same)) same.focus();
      return;
    }
    var holder = document.getElementById(was.holder);
    if (!holder) return;
    var inside = Array.prototype.filter.call(holder.querySelectorAll(FOCUSABLE), visible);
    var match = inside.filter(function (element) { return element.textContent.trim() === was.words; })[0];
    var target = match || inside[Math.min(Math.max(was.index, 0), inside.length - 1)];
    if (!target) {
      // Nothing to press there any more: the part itself takes the focus.
      if (!holder.hasAttribute("tabindex")) holder.setAttribute("tabindex", "-1");
      target = holder;
    }
    target.focus();
  }

  document.addEventListener("htmx:wsAfterMessage", function () { setTimeout(restore, 0); });
  document.addEventListener("htmx:afterSettle", function () { setTimeout(restore, 0); });
})();
