/* Placing topics on the wall, for the facilitator (and conveners when self-placement is on).
 * Laptop: drag a topic onto a cell; drop a session onto another to swap; drop onto the tray to take it off.
 * Phone or keyboard: every topic has a real button, "Pick up" (in the tray) or "Move" (on the wall), that
 * holds it (aria-pressed); while one is held, each free cell shows "Place here" and each other session
 * "Swap with this"; Escape (or the same button again) puts it down. Tapping a topic and then a cell still
 * works too. The buttons are added here, not in the shared cells: only placers load this file, and the
 * bytes sent to every phone stay the same. The server checks every rule and answers with the reason in
 * #wall-message; the wall itself updates over the websocket. */
(function () {
  "use strict";

  var body = document.body;
  var base = body.getAttribute("data-place-url");
  var selected = null; // {topic: "12", placed: true, title: "…"}
  var focusNext = null; // {id, until, done}: what to focus once the answer to a placing is drawn
  var FOCUS_FOLLOWS_MS = 3000; // the answer and the live message for it may come in either order

  /* The page's words (partials/script_words.html), English when a page has none. */
  function word(key, english) { return (window.hallwayWords || {})[key] || english; }
  // A function as the replacement: a title's "$&" is text, not a pattern.
  function quoting(key, english, title) { return word(key, english).replace("{title}", function () { return title; }); }

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRF-Token"]; } catch (e) { return ""; }
  }

  function send(action, values) {
    // The topic's own button follows it to its new place (its id is the topic's): focus goes there.
    focusNext = { id: "pick-" + values.topic_id, until: Date.now() + FOCUS_FOLLOWS_MS, done: false };
    htmx.ajax("POST", base + "/" + action, {
      values: values,
      target: "#wall-message",
      swap: "outerHTML",
      headers: { "X-CSRF-Token": csrfToken() }
    });
  }

  function pickable(element) {
    return element.closest(".tray-item, .cell .card");
  }

  function titleOf(item) {
    var title = item.querySelector("h3, .title");
    return title ? title.textContent.trim() : "";
  }

  function describe(element) {
    return { topic: element.getAttribute("data-topic"), placed: element.classList.contains("card"), title: titleOf(element) };
  }

  /* A button with a visible word and a name that says what it is about (many share the word); the name
   * starts with the word, so that speech input ("click Place here") finds it (translations keep it first). */
  function button(id, cls, shown, name) {
    var made = document.createElement("button");
    made.type = "button";
    made.id = id;
    made.className = cls;
    made.textContent = shown;
    made.setAttribute("aria-label", name);
    return made;
  }

  function say(text) {
    var message = document.getElementById("wall-message");
    if (!message) return;
    message.className = "note";
    message.setAttribute("role", "status");
    message.textContent = text;
    message.hidden = !text;
  }

  function arm() {
    document.querySelectorAll(".tray-item, .cell .card").forEach(function (item) {
      var topic = item.getAttribute("data-topic");
      var placed = item.classList.contains("card");
      item.setAttribute("draggable", "true");
      var pick = document.getElementById("pick-" + topic);
      if (!pick || !item.contains(pick)) {
        pick = placed
          ? button("pick-" + topic, "pick secondary", word("wall_move", "Move"), quoting("wall_move_named", "Move “{title}”", titleOf(item)))
          : button("pick-" + topic, "pick secondary", word("wall_pick_up", "Pick up"), quoting("wall_pick_up_named", "Pick up “{title}”", titleOf(item)));
        var before = placed ? item.querySelector(".unplace") : null;
        item.insertBefore(pick, before);
      }
      var isSelected = selected !== null && selected.topic === topic;
      pick.setAttribute("aria-pressed", isSelected ? "true" : "false");
      item.classList.toggle("selected", isSelected);
      if (placed && !item.querySelector(".swap-here")) {
        var swapName = quoting("wall_swap_named", "Swap with this “{title}”", titleOf(item));
        item.insertBefore(button("swap-" + topic, "swap-here", word("wall_swap", "Swap with this"), swapName), pick);
      }
    });
    document.querySelectorAll(".cell.free").forEach(function (cell) {
      if (cell.querySelector(".place-here")) return;
      var id = "place-" + cell.getAttribute("data-room") + "-" + cell.getAttribute("data-slot");
      var where = cell.getAttribute("data-where") || (cell.getAttribute("aria-label") || "").replace(/: free$/, "");
      var placeName = word("wall_place_named", "Place here in {where}").replace("{where}", function () { return where; });
      cell.appendChild(button(id, "place-here", word("wall_place", "Place here"), placeName));
    });
    body.classList.toggle("placing", selected !== null);
    body.classList.toggle("placing-placed", selected !== null && selected.placed);
  }

  function pickUp(item) {
    selected = describe(item);
    arm();
    say(selected.placed
      ? quoting("wall_holding_placed", "Holding “{title}”: choose “Place here” in a free cell, “Swap with this” on another session, or “Take off the wall”. Escape puts it down.", selected.title)
      : quoting("wall_holding", "Holding “{title}”: choose “Place here” in a free cell. Escape puts it down.", selected.title));
  }

  function putDown(focus) {
    var was = selected;
    selected = null;
    arm();
    say("");
    if (focus && was) {
      var pick = document.getElementById("pick-" + was.topic);
      if (pick) pick.focus();
    }
  }

  function dropOn(target, moving) {
    var cell = target.closest(".cell");
    if (cell) {
      var other = cell.getAttribute("data-topic");
      if (other && other === moving.topic) return;
      if (other && moving.placed) {
        send("swap", { topic_id: moving.topic, other_topic_id: other });
      } else {
        send("place", { topic_id: moving.topic, room_id: cell.getAttribute("data-room"), slot_id: cell.getAttribute("data-slot") });
      }
      return;
    }
    if (target.closest("#wall-tray") && moving.placed) {
      send("unplace", { topic_id: moving.topic });
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var unplace = target.closest("[data-unplace]");
    if (unplace) {
      selected = null;
      arm();
      send("unplace", { topic_id: unplace.getAttribute("data-unplace") });
      return;
    }
    var pick = target.closest(".pick");
    if (pick) {
      var holder = pickable(pick);
      if (selected && selected.topic === holder.getAttribute("data-topic")) putDown(false); else pickUp(holder);
      return;
    }
    if (target.closest(".place-here, .swap-here") && selected) {
      var held = selected;
      selected = null;
      arm();
      dropOn(target, held);
      return;
    }
    if (target.closest("form, a, summary, details p, button")) return;
    var item = pickable(target);
    if (item && (!selected || selected.topic === item.getAttribute("data-topic") || !item.classList.contains("card"))) {
      if (selected && selected.topic === item.getAttribute("data-topic")) putDown(false); else pickUp(item);
      return;
    }
    if (selected && (target.closest(".cell") || target.closest("#wall-tray"))) {
      var moving = selected;
      selected = null;
      arm();
      dropOn(target, moving);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && selected) putDown(true);
  });

  /* After the answer to a placing (or a live update) is drawn: focus the moved topic's own button, where
   * the topic now is; static/js/live-a11y.js puts focus back for any other redraw. */
  function refocus() {
    if (focusNext === null) return;
    if (Date.now() > focusNext.until) { focusNext = null; return; }
    var active = document.activeElement;
    if (focusNext.done && active && active !== body) return; // there already, or the person moved on
    var next = document.getElementById(focusNext.id);
    if (next && next.offsetParent !== null) {
      next.focus();
      focusNext.done = true;
    }
  }

  /* A wall update that lands while a topic is held (pressed, or being dragged) replaces the card
   * under the pointer and the browser drops the drag. So updates wait from the press to the drop (or
   * the release), then are drawn in the order they came; the answer to the drop itself is drawn when
   * it comes. A hold never outlasts HOLD_LIMIT_MS, in case the release is never seen. */
  var HOLD_LIMIT_MS = 15000;
  var held = null; // messages waiting while a topic is held, or null when none is
  var holdTimer = null;

  function hold() {
    if (held === null) held = [];
    clearTimeout(holdTimer);
    holdTimer = setTimeout(letGo, HOLD_LIMIT_MS);
  }

  function letGo() {
    clearTimeout(holdTimer);
    var waiting = held || [];
    held = null;
    waiting.forEach(function (message) {
      if (window.hallwayLive.alreadyShown(message)) return;
      htmx.swap(body, message, { swapStyle: "none" }); // the out-of-band parts, as the ws extension does
      // What the page does after any live message (mark my choices, catch up my day) runs for these too.
      body.dispatchEvent(new CustomEvent("htmx:wsAfterMessage", { bubbles: true, detail: { message: message } }));
    });
  }

  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    if (held === null || event.defaultPrevented) return;
    event.preventDefault();
    held.push(event.detail.message);
  });
  document.addEventListener("mousedown", function (event) {
    if (event.button === 0 && pickable(event.target)) hold();
  });
  document.addEventListener("mouseup", function () { if (held !== null) letGo(); });

  var dragging = null;
  document.addEventListener("dragstart", function (event) {
    var item = pickable(event.target);
    if (!item) return;
    dragging = describe(item);
    event.dataTransfer.setData("text/plain", dragging.topic);
    event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (event) {
    if (dragging && (event.target.closest(".cell") || event.target.closest("#wall-tray"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("drop", function (event) {
    if (!dragging) return;
    event.preventDefault();
    var moving = dragging;
    dragging = null;
    dropOn(event.target, moving);
  });
  document.addEventListener("dragend", function () {
    dragging = null;
    if (held !== null) letGo();
  });

  // After static/js/live-a11y.js has put the focus back where it was: the moved topic's button wins.
  document.addEventListener("htmx:afterSettle", function () { arm(); setTimeout(refocus, 0); });
  document.addEventListener("htmx:wsAfterMessage", function () { arm(); setTimeout(refocus, 0); });
  document.addEventListener("DOMContentLoaded", arm);
})();
