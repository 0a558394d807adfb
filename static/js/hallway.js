/* Live pages (wall, marketplace, board, notes): the websocket side of htmx's ws extension.
 * - reconnect with a capped, jittered backoff (the extension's default grows to a minute);
 * - reconnect with `since` = the last board version this page saw, so the server sends only what it missed;
 * - show a discreet "Reconnecting…" marker while the socket is down;
 * - mark this attendee's own choices on the wall, whose cells are shared by everyone. */
(function () {
  "use strict";

  var RECONNECT_CAP_MS = 5000;
  var OFFLINE_MARKER_DELAY_MS = 1500;

  function liveVersion() {
    var marker = document.getElementById("live-version");
    return marker ? marker.getAttribute("data-version") : null;
  }

  /* A change whose version this page already shows adds nothing: the answer to the placer's own
   * change carries the whole wall at that version. Drawing it again would only pull the cards from
   * under a pointer about to drag, or the keyboard focus. A snapshot is always drawn: it is the
   * server's word on the whole view, even with a lower number (an event made anew). */
  function alreadyShown(message) {
    var found = /id="live-version" data-version="(\d+)"( data-snapshot)?/.exec(message);
    var shown = liveVersion();
    return found !== null && !found[2] && shown !== null && Number(found[1]) <= Number(shown);
  }
  /* The venue's wall clock (slots are stored as wall-clock times there): the server's at page load, carried
   * forward, so that a phone or a laptop in another time zone still folds and marks the right slots. */
  var venueClock = document.body ? document.body.getAttribute("data-venue-clock") : null;
  var venueSkew = venueClock ? Date.parse(venueClock) - Date.now() : 0;
  function venueNow() { return Date.now() + venueSkew; }
  window.hallwayLive = { alreadyShown: alreadyShown, venueNow: venueNow };
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    if (alreadyShown(event.detail.message)) event.preventDefault();
  });

  /* The other way round: an answer rendered before someone else's change can arrive after that change's
   * message. Its wall is older than the one shown, so only its own part (the message) is drawn, not its
   * out-of-band wall and version. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var answer = event.detail.serverResponse;
    if (typeof answer !== "string") return;
    var found = /id="live-version" data-version="(\d+)"/.exec(answer);
    var shown = liveVersion();
    if (found === null || shown === null || Number(found[1]) >= Number(shown)) return;
    var parsed = document.createElement("template");
    parsed.innerHTML = answer;
    parsed.content.querySelectorAll("[hx-swap-oob]").forEach(function (part) { part.remove(); });
    event.detail.serverResponse = parsed.innerHTML;
  });

  htmx.config.wsReconnectDelay = function (retryCount) {
    var ceiling = Math.min(1000 * Math.pow(2, retryCount), RECONNECT_CAP_MS);
    return ceiling / 2 + Math.random() * ceiling / 2;
  };

  htmx.createWebSocket = function (url) {
    var version = liveVersion();
    if (version !== null) {
      url = url.replace(/([?&]since=)\d*/, "$1" + version);
    }
    return new WebSocket(url, []);
  };

  var offlineTimer = null;
  function setOffline(offline) {
    var status = document.getElementById("live-status");
    if (!status) return;
    if (offline) {
      if (offlineTimer === null) {
        offlineTimer = setTimeout(function () {
          status.hidden = false;
          document.body.classList.add("offline");
        }, OFFLINE_MARKER_DELAY_MS);
      }
    } else {
      clearTimeout(offlineTimer);
      offlineTimer = null;
      status.hidden = true;
      document.body.classList.remove("offline");
    }
  }

  function markMyChoices() {
    var chosen = {};
    document.querySelectorAll("#my-day li[data-topic]").forEach(function (item) {
      chosen[item.getAttribute("data-topic")] = true;
    });
    document.querySelectorAll(".cell[data-topic]").forEach(function (cell) {
      var going = chosen[cell.getAttribute("data-topic")] === true;
      cell.classList.toggle("going", going);
      var you = cell.querySelector(".you");
      if (you) you.hidden = !going;
    });
  }

  var dayRefreshing = false;
  function refreshMyDayIfMoved() {
    // A session this attendee goes to moved to another room or slot (their "I'm going" followed it) or
    // left the wall: ask for their day again. Only the people concerned ask, so a hall doesn't.
    var day = document.getElementById("my-day");
    if (!day || dayRefreshing || !document.querySelector(".wall-grid")) return;
    var moved = Array.prototype.filter.call(day.querySelectorAll("li[data-topic]"), function (item) {
      var cell = document.querySelector('.cell[data-topic="' + item.getAttribute("data-topic") + '"]');
      return !cell || cell.getAttribute("data-slot") !== item.getAttribute("data-slot") ||
        cell.getAttribute("data-room") !== item.getAttribute("data-room");
    }).map(function (item) {
      return { topic: item.getAttribute("data-topic"), title: item.getAttribute("data-title") };
    });
    if (!moved.length) return;
    dayRefreshing = true;
    htmx.ajax("GET", day.getAttribute("data-refresh-url"), { target: "#my-day", swap: "outerHTML" }).then(function () {
      dayRefreshing = false;
      markMyChoices();
      tellWhereItWent(moved);
    });
  }

  /* A session this person goes to moved (their "I'm going" followed it) or was taken off the wall: say
   * where it went, on the page and to screen readers, rather than let My day change silently. */
  function tellWhereItWent(moved) {
    var said = moved.map(function (was) {
      var now = document.querySelector('#my-day li[data-topic="' + was.topic + '"]');
      return now
        ? "“" + was.title + "” moved: it is now in " + now.getAttribute("data-where") + "."
        : "“" + was.title + "” is no longer on the wall, so you are not going to it any more.";
    }).join(" ");
    var notice = document.getElementById("day-notice");
    if (notice) { notice.textContent = said; notice.hidden = false; }
    // To screen readers, one short sentence each, spaced out (static/js/live-a11y.js).
    moved.forEach(function (was) {
      var now = document.querySelector('#my-day li[data-topic="' + was.topic + '"]');
      window.hallwayAnnounce(now
        ? "Your session “" + was.title + "” moved to " + now.getAttribute("data-where") + "."
        : "Your session “" + was.title + "” was taken off the wall.");
    });
  }

  var refreshScheduled = false;
  function refreshAfterEventChange() {
    // The facilitator switched a phase: every page asks again, spread over a few seconds so that a
    // hall of phones does not ask at the same instant. Not while someone is typing.
    var link = document.querySelector("#live-notice a[data-live-refresh]");
    if (!link || refreshScheduled) return;
    var typing = Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text]"), function (field) {
      return field.value !== "" && field.value !== field.defaultValue;
    });
    if (typing) return;
    refreshScheduled = true;
    setTimeout(function () { window.location.reload(); }, 500 + Math.random() * 4500);
  }

  /* The facilitator's announcement shows until this person dismisses it, on this device; a newer one shows
   * again. A new one arriving live is also read out politely to screen readers, once. */
  var eventSlug = location.pathname.split("/")[2] || "";
  var DISMISSED_KEY = "hallway:dismissed-announcement:" + eventSlug;
  var ANNOUNCEMENT_SHOWN_FOR_MS = 30 * 60 * 1000; // on the board, which nobody dismisses
  var lastAnnounced = null;
  function remembered() {
    try { return localStorage.getItem(DISMISSED_KEY); } catch (e) { return null; }
  }
  function showAnnouncement(live) {
    var box = document.getElementById("announcement");
    if (!box || !box.hasAttribute("data-announcement-id")) return;
    var id = box.getAttribute("data-announcement-id");
    var stale = document.body.classList.contains("board") &&
      Date.now() - Date.parse(box.getAttribute("data-at")) > ANNOUNCEMENT_SHOWN_FOR_MS;
    box.hidden = remembered() === id || stale;
    if (live && !box.hidden && lastAnnounced !== id) {
      var text = box.querySelector(".announcement-text");
      if (text) window.hallwayAnnounce("Announcement: " + text.textContent);
    }
    lastAnnounced = id;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-dismiss-announcement]") : null;
    var box = document.getElementById("announcement");
    if (!button || !box) return;
    try { localStorage.setItem(DISMISSED_KEY, box.getAttribute("data-announcement-id")); } catch (e) { /* private mode */ }
    box.hidden = true;
  });
  document.addEventListener("DOMContentLoaded", function () { showAnnouncement(false); });
  setInterval(function () { showAnnouncement(false); }, 30000);

  /* No tap is lost silently. A form sent while the connection is down (a dot, a proposal, "I'm going", a
   * notes save) waits, says so, and is sent again when the connection comes back: every one of these is
   * safe to repeat (a dot or "I'm going" is set, not toggled; a proposal carries a request key the server
   * remembers; notes merge). If it still can't go after a while, the person is told plainly. */
  var GIVE_UP_MS = 2 * 60 * 1000;
  var RETRY_EVERY_MS = 4000;
  var waiting = []; // forms to send again, oldest first, each once
  var sendStatusTimer = null;
  function sayAboutSending(text, kind) {
    var status = document.getElementById("send-status");
    if (!status) return;
    clearTimeout(sendStatusTimer);
    status.textContent = text;
    status.className = "send-status " + (kind || "");
    status.hidden = !text;
    if (kind === "sent") sendStatusTimer = setTimeout(function () { status.hidden = true; }, 3000);
  }
  function formOf(event) {
    var elt = event.detail && event.detail.elt;
    // A field's own GET inside a form (the proposal's similar topics while typing) is not the form being sent.
    var config = event.detail && event.detail.requestConfig;
    if (config && config.verb === "get") return null;
    return elt && elt.closest ? elt.closest("form") : null;
  }
  function retryWaiting() {
    var now = Date.now();
    waiting = waiting.filter(function (item) {
      if (!item.form.isConnected) return false;
      if (now - item.since > GIVE_UP_MS) {
        sayAboutSending("Not sent: there was no connection. Check the wifi, then tap again.", "failed");
        return false;
      }
      return true;
    });
    if (waiting.length && navigator.onLine !== false) {
      waiting.forEach(function (item) { item.retrying = true; item.form.requestSubmit(); });
    }
  }
  document.addEventListener("htmx:sendError", function (event) {
    var form = formOf(event);
    if (!form) return;
    if (!waiting.some(function (item) { return item.form === form; })) waiting.push({ form: form, since: Date.now() });
    sayAboutSending("No connection: waiting to send… (it goes as soon as the wifi is back)", "waiting");
  });
  // Before the answer is swapped in: the swap may replace the form, and a detached form's events never
  // reach the document.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var form = formOf(event);
    if (!form || !event.detail.xhr || event.detail.xhr.status === 0) return;
    var was = waiting.filter(function (item) { return item.form === form; });
    waiting = waiting.filter(function (item) { return item.form !== form; });
    if (was.length && !waiting.length) sayAboutSending("Sent.", "sent");
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status >= 500) {
      sayAboutSending("That did not go through: the server had a problem. Try again in a moment.", "failed");
    }
  });
  window.addEventListener("online", retryWaiting);
  setInterval(retryWaiting, RETRY_EVERY_MS);

  document.addEventListener("htmx:wsOpen", function () { setOffline(false); retryWaiting(); });
  document.addEventListener("htmx:wsClose", function () { setOffline(true); });
  /* The facilitator's page: topics arriving (and their dots) redraw its topics section, asked for again a
   * moment after the last change (only facilitators ask, so a hall doesn't), never under a form in use. */
  var sectionTimer = null;
  function refreshLiveSections() {
    clearTimeout(sectionTimer);
    sectionTimer = setTimeout(function () {
      document.querySelectorAll("[data-live-refresh-url]").forEach(function (section) {
        var busy = section.contains(document.activeElement) && document.activeElement !== document.body;
        var typed = Array.prototype.some.call(section.querySelectorAll("input[type=text], input:not([type]), textarea"), function (field) {
          return field.value !== field.defaultValue;
        });
        if (busy || typed) { refreshLiveSections(); return; }
        htmx.ajax("GET", section.getAttribute("data-live-refresh-url"), { target: "#" + section.id, swap: "outerHTML" });
      });
    }, 1500);
  }

  document.addEventListener("htmx:wsAfterMessage", function () {
    if (document.querySelector("[data-live-refresh-url]")) refreshLiveSections();
    showAnnouncement(true);
    markMyChoices();
    refreshMyDayIfMoved();
    refreshAfterEventChange();
  });
  /* The phone wall: the slot running now is marked "Now" (and its time in the jump list), and the page opens
   * there unless the address asks for another place. */
  function markNow() {
    var now = venueNow();
    var current = null;
    document.querySelectorAll(".wall-grid .row[data-starts]").forEach(function (row) {
      var running = Date.parse(row.getAttribute("data-starts")) <= now && now < Date.parse(row.getAttribute("data-ends"));
      row.classList.toggle("now", running);
      var mark = row.querySelector(".now-mark");
      if (mark) mark.hidden = !running;
      if (running) current = row;
    });
    document.querySelectorAll(".slot-jump a").forEach(function (link) {
      var here = current !== null && link.getAttribute("href") === "#" + current.id;
      if (here) link.setAttribute("aria-current", "time"); else link.removeAttribute("aria-current");
    });
    return current;
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!venueClock) return;
    var current = markNow();
    if (current && !location.hash) {
      current.scrollIntoView({ block: "start" });
      var pill = document.querySelector('.slot-jump a[aria-current]');
      if (pill) pill.parentNode.scrollLeft = pill.offsetLeft - pill.parentNode.clientWidth / 2 + pill.offsetWidth / 2;
    }
    setInterval(markNow, 30000);
  });
  document.addEventListener("htmx:wsAfterMessage", function () { if (venueClock) markNow(); });

  document.addEventListener("htmx:afterSettle", markMyChoices);
  document.addEventListener("DOMContentLoaded", markMyChoices);
})();
