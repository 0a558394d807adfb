/* Live pages (wall, marketplace, board, notes): the websocket side of htmx's ws extension.
 * - reconnect with a capped, jittered backoff (the extension's default grows to a minute);
 * - reconnect with `since` = the last board version this page saw, so the server sends only what it missed;
 * - show a discreet "Reconnecting…" marker while the socket is down;
 * - mark this attendee's own choices on the wall, whose cells are shared by everyone. */
(function () {
  "use strict";

  /* The words the scripts show people, in the page's language (partials/script_words.html), read first so
   * that every script after this one finds them; each keeps its English as a fallback. A count's message
   * comes in all its forms by plural category: hallwayCount picks the one for a number, as the page's
   * language counts. */
  var givenWords = document.getElementById("script-words");
  try {
    window.hallwayWords = givenWords ? JSON.parse(givenWords.textContent) : {};
  } catch (e) {
    window.hallwayWords = {};
  }
  window.hallwayCount = function (forms, count) {
    var category = "other";
    try { category = new Intl.PluralRules(document.documentElement.lang || "en").select(count); } catch (e) { /* old browser */ }
    return String(forms[category] || forms.other).replace("{count}", count);
  };
  /* A sentence for people: its words in the page's language (or the English given), with `{name}`s filled. */
  function say(key, english, values) {
    return (window.hallwayWords[key] || english).replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? values[name] : all;
    });
  }

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
    }, function () {
      dayRefreshing = false; // no connection: the next live message asks again
    });
  }

  /* A session this person goes to moved (their "I'm going" followed it) or was taken off the wall: say
   * where it went, on the page and to screen readers, rather than let My day change silently. */
  function tellWhereItWent(moved) {
    var said = moved.map(function (was) {
      var now = document.querySelector('#my-day li[data-topic="' + was.topic + '"]');
      return now
        ? say("moved_notice", "“{title}” moved: it is now in {where}.", { title: was.title, where: now.getAttribute("data-where") })
        : say("gone_notice", "“{title}” is no longer on the wall, so you are not going to it any more.", { title: was.title });
    }).join(" ");
    var notice = document.getElementById("day-notice");
    if (notice) { notice.textContent = said; notice.hidden = false; }
    // To screen readers, one short sentence each, spaced out (static/js/live-a11y.js).
    moved.forEach(function (was) {
      var now = document.querySelector('#my-day li[data-topic="' + was.topic + '"]');
      window.hallwayAnnounce(now
        ? say("moved_said", "Your session “{title}” moved to {where}.", { title: was.title, where: now.getAttribute("data-where") })
        : say("gone_said", "Your session “{title}” was taken off the wall.", { title: was.title }));
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
    if (typing || waiting.length) return; // a tap waiting to be sent would be lost: the next message asks again
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
      if (text) window.hallwayAnnounce(say("announcement_said", "Announcement: {text}", { text: text.textContent }));
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

  /* Offline copies (static/js/sw.js): the wall and the marketplace, kept by the service worker each time they
   * load, are shown from there when the network fails. The worker marks such a copy with when it was kept
   * (data-offline-copy on the body); the page then says how old it is, and loads itself afresh once the
   * connection is back (its live socket opens), unless someone is typing or a tap still waits to be sent. */
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/e/" }).catch(function () { /* no offline copies */ });
  }
  var keptAt = document.body ? Number(document.body.getAttribute("data-offline-copy")) || null : null;
  if (keptAt !== null && venueClock) {
    venueSkew = Date.parse(venueClock) - keptAt; // the copy's clock was the venue's when it was kept, not now
  }
  function twoDigits(n) { return (n < 10 ? "0" : "") + n; }
  function sayOfflineCopy() {
    var notice = document.getElementById("offline-copy");
    if (keptAt === null || !notice) return;
    // The venue's wall clock when the copy was made (the times on the wall are the venue's), else this device's.
    var asOf = new Date(venueClock ? Date.parse(venueClock) : keptAt);
    var minutes = Math.max(0, Math.round((Date.now() - keptAt) / 60000));
    var view = /[?&]view=(\w+)/.exec(document.body.getAttribute("ws-connect") || "");
    var hhmm = twoDigits(asOf.getHours()) + ":" + twoDigits(asOf.getMinutes());
    var ago = minutes < 1
      ? say("moments_ago", "less than a minute ago")
      : window.hallwayCount(window.hallwayWords.minutes_ago || { one: "{count} minute ago", other: "{count} minutes ago" }, minutes);
    var sentence = {
      wall: ["offline_wall", "Offline: showing the wall as of {time} ({ago}). It updates when the connection is back."],
      market: ["offline_market", "Offline: showing the marketplace as of {time} ({ago}). It updates when the connection is back."]
    }[view ? view[1] : ""] || ["offline_page", "Offline: showing this page as of {time} ({ago}). It updates when the connection is back."];
    notice.textContent = say(sentence[0], sentence[1], { time: hhmm, ago: ago });
    notice.hidden = false;
    // The sentence is at the top; the wall opens at the slot running now. The corner marker says it there too.
    var status = document.getElementById("live-status");
    if (status) { status.textContent = say("offline_as_of", "Offline: as of {time}", { time: hhmm }); status.hidden = false; }
  }
  function freshenOfflineCopy() {
    if (keptAt === null || waiting.length || inFlight) return;
    var typing = Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text], input:not([type])"), function (field) {
      return field.value !== field.defaultValue;
    });
    if (!typing) window.location.reload();
  }
  document.addEventListener("DOMContentLoaded", sayOfflineCopy);
  setInterval(sayOfflineCopy, 30000);

  /* No tap is lost silently. A form sent while the connection is down (a dot, a proposal, "I'm going", a
   * notes save) waits, says so, and is sent again when the connection comes back: every one of these is
   * safe to repeat (a dot or "I'm going" is set, not toggled; a proposal carries a request key the server
   * remembers; notes merge). If it still can't go after a while, the person is told plainly, naming it.
   * A request with no answer at all (one bar of wifi that carries nothing) counts as not sent after
   * htmx.config.timeout: without one, htmx waits for ever and the tap just hangs.
   * What became of a request is read from its XMLHttpRequest, not from htmx's events: those are fired on
   * the form, and a live update that redraws the form's part of the page (the wall's row) while the request
   * is out detaches it, so that they no longer reach the document. */
  var GIVE_UP_MS = 2 * 60 * 1000;
  var RETRY_EVERY_MS = 4000;
  var SLOW_AFTER_MS = 3000;
  // Long enough for the biggest answer (a wall, a notes save) at 400 kbit/s; a timed-out tap is sent again.
  htmx.config.timeout = 20000;
  var waiting = []; // {form, key, what, since, sending}: taps to send again, oldest first, each once
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
  /* Which tap a form sends: a form with an id is one tap whatever it holds (the notes editor); any other is
   * its address and values without the CSRF token, so that a redrawn copy of the form sends the same tap. */
  function keyOf(form) {
    if (form.id) return "#" + form.id;
    var values = new URLSearchParams(new FormData(form));
    values.delete("csrf_token");
    return (form.getAttribute("hx-post") || "") + "?" + values.toString();
  }
  function whatOf(form) {
    var button = form.querySelector("button:not([type=button])");
    return button ? button.textContent.replace(/\s+/g, " ").trim() : say("last_change", "your last change");
  }
  function waitingFor(key) {
    return waiting.filter(function (item) { return item.key === key; })[0] || null;
  }
  /* A live update may have redrawn the part of the page the form was in: the tap goes from the redrawn copy.
   * If there is none (the session moved to another slot), the person is told. */
  function reattach(item) {
    if (item.form.isConnected) return true;
    var twins = Array.prototype.filter.call(document.querySelectorAll("form[hx-post]"), function (form) {
      return keyOf(form) === item.key;
    });
    if (twins.length) { item.form = twins[0]; return true; }
    return false;
  }
  function markWaiting(form, on) {
    form.classList.toggle("waiting", on);
    if (on) form.setAttribute("aria-busy", "true"); else form.removeAttribute("aria-busy");
  }
  function retryWaiting() {
    var now = Date.now();
    var late = [];
    var gone = [];
    waiting = waiting.filter(function (item) {
      var lost = now - item.since > GIVE_UP_MS ? late : !reattach(item) ? gone : null;
      if (lost === null) return true;
      lost.push(item.what);
      markWaiting(item.form, false);
      return false;
    });
    if (late.length) {
      sayAboutSending(say("not_sent_late", "Not sent: {what}. The connection did not come back in time: " +
        "check the wifi, then tap again.", { what: late.join("; ") }), "failed");
    } else if (gone.length) {
      sayAboutSending(say("not_sent_changed", "Not sent: {what}. That part of the page changed meanwhile: " +
        "check it, then tap again.", { what: gone.join("; ") }), "failed");
    }
    if (waiting.length && navigator.onLine !== false) {
      waiting.forEach(function (item) {
        if (item.sending) return; // still out: sending it again would only queue a copy behind it
        markWaiting(item.form, true);
        item.form.requestSubmit();
      });
    }
  }

  var inFlight = 0; // taps (submits) out now
  var slowTimer = null;
  var SLOW_TEXT = say("sending_slowly", "Sending… (the connection is slow)");
  document.addEventListener("htmx:beforeSend", function (event) {
    var form = formOf(event);
    var xhr = event.detail.xhr;
    var config = event.detail.requestConfig || {};
    if (!form || !xhr || config.verb === "get") return;
    var key = keyOf(form);
    var what = whatOf(form);
    var item = waitingFor(key);
    if (item) item.sending = true;
    // A tap that takes long says so, so that nobody taps again and again on a slow link. (A notes autosave
    // is not a tap: it has its own status line.)
    var tap = config.triggeringEvent && config.triggeringEvent.type === "submit";
    if (tap && ++inFlight === 1) {
      slowTimer = setTimeout(function () { if (!waiting.length) sayAboutSending(SLOW_TEXT, "waiting"); }, SLOW_AFTER_MS);
    }
    xhr.addEventListener("loadend", function () {
      if (item) item.sending = false;
      if (tap && --inFlight === 0) {
        clearTimeout(slowTimer);
        var status = document.getElementById("send-status");
        if (status && status.textContent === SLOW_TEXT) status.hidden = true;
      }
      if (xhr.status === 0) { // no answer: no connection, or none in time (an abort on leaving the page too)
        if (!waitingFor(key)) waiting.push({ form: form, key: key, what: what, since: Date.now() });
        if (form.isConnected) markWaiting(form, true);
        sayAboutSending(say("waiting_to_send", "No connection: waiting to send… (it goes as soon as the wifi is back)"), "waiting");
        return;
      }
      var was = waitingFor(key);
      waiting = waiting.filter(function (other) { return other.key !== key; });
      markWaiting(form, false);
      if (was) markWaiting(was.form, false);
      if (xhr.status >= 500) {
        sayAboutSending(say("server_problem", "That did not go through: the server had a problem. Try again in a moment."), "failed");
      } else if (was && !waiting.length) {
        // A refusal (voting closed meanwhile, say) is said in place, by the answer itself.
        sayAboutSending(xhr.status >= 400 ? say("answered", "Sent, and answered: see the message on the page.") : say("sent", "Sent."), "sent");
      }
      if (!inFlight && !waiting.length) freshenOfflineCopy(); // a tap made on an offline copy went: the copy is old
    });
  });
  /* A change that is not a form of the person's (a placing on the wall, made with htmx.ajax): said plainly
   * when it could not go, not sent again. */
  function notSentAjax(event) {
    var config = event.detail && event.detail.requestConfig;
    if (formOf(event) || !config || !config.verb || config.verb === "get") return;
    sayAboutSending(say("no_connection", "That did not go through: there was no connection. Try again when the wifi is back."), "failed");
  }
  document.addEventListener("htmx:sendError", notSentAjax);
  document.addEventListener("htmx:timeout", notSentAjax);
  document.addEventListener("htmx:responseError", function (event) {
    if (!formOf(event) && event.detail.xhr && event.detail.xhr.status >= 500) {
      sayAboutSending(say("server_problem", "That did not go through: the server had a problem. Try again in a moment."), "failed");
    }
  });
  // Leaving (or reloading) the page would drop what waits: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (!waiting.length) return;
    event.preventDefault();
    event.returnValue = "";
  });
  window.addEventListener("online", retryWaiting);
  setInterval(retryWaiting, RETRY_EVERY_MS);

  document.addEventListener("htmx:wsOpen", function () { setOffline(false); retryWaiting(); freshenOfflineCopy(); });
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
        // fetch and swap, not htmx.ajax: on the page with three live sections, one refresh was dropped
        // silently (its htmx:confirm came back cancelled, with nothing of ours listening).
        var id = section.id;
        fetch(section.getAttribute("data-live-refresh-url"), { headers: { "HX-Request": "true" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.text() : null; })
          .then(function (html) { if (html && document.getElementById(id)) htmx.swap("#" + id, html, { swapStyle: "outerHTML" }); })
          .catch(function () { /* offline: the next change asks again */ });
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
    document.querySelectorAll(".slot-jump a[data-slot]").forEach(function (link) {
      var here = current !== null && link.getAttribute("href") === "#" + current.id;
      if (here) link.setAttribute("aria-current", "time"); else link.removeAttribute("aria-current");
    });
    return current;
  }
  /* An event of several days: the server folds the days before today and marks today (by the venue's clock);
   * the page opens at the slot running now, else at today's heading when earlier days are above it. */
  function openingPlace(current) {
    if (current) return current;
    var today = document.querySelector(".wall-day.today");
    return today && today.previousElementSibling && today.previousElementSibling.classList.contains("wall-day")
      ? today.querySelector("summary") : null;
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!venueClock) return;
    var place = openingPlace(markNow());
    if (place && !location.hash) {
      place.scrollIntoView({ block: "start" });
      var pill = document.querySelector('.slot-jump a[data-slot][aria-current]') || document.querySelector('.slot-jump a[aria-current="date"]');
      if (pill) pill.parentNode.scrollLeft = pill.offsetLeft - pill.parentNode.clientWidth / 2 + pill.offsetWidth / 2;
    }
    setInterval(markNow, 30000);
  });
  document.addEventListener("htmx:wsAfterMessage", function () { if (venueClock) markNow(); });
  /* A day someone opened or folded stays so when the wall is drawn again (a live change redraws it as the
   * server folds it). A jump to a time of a folded day opens that day. */
  var dayChosen = {}; // day id: open, as the person left it
  function keepChosenDays() {
    Object.keys(dayChosen).forEach(function (id) {
      var day = document.getElementById(id);
      if (day && day.open !== dayChosen[id]) day.open = dayChosen[id];
    });
  }
  document.addEventListener("htmx:wsAfterMessage", keepChosenDays);
  document.addEventListener("htmx:afterSettle", keepChosenDays);
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var summary = event.target.closest(".wall-day > summary");
    if (summary) { dayChosen[summary.parentNode.id] = !summary.parentNode.open; return; } // before it toggles
    var link = event.target.closest(".slot-jump a, #my-day a[href^='#row-']");
    var target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    var day = target ? target.closest(".wall-day") : null;
    if (day && !day.open) { day.open = true; dayChosen[day.id] = true; }
  });

  document.addEventListener("htmx:afterSettle", markMyChoices);
  document.addEventListener("DOMContentLoaded", markMyChoices);
})();
