/* Placing topics on the wall, for the facilitator (and conveners when self-placement is on).
 * Laptop: drag a topic onto a cell; drop a session onto another to swap; drop onto the tray to take it off.
 * Phone or keyboard: tap (Enter) a topic, then tap a cell. The server checks every rule and answers with
 * the reason in #wall-message; the wall itself updates over the websocket. */
(function () {
  "use strict";

  var body = document.body;
  var base = body.getAttribute("data-place-url");
  var selected = null; // {topic: "12", placed: true}

  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers"))["X-CSRF-Token"]; } catch (e) { return ""; }
  }

  function send(action, values) {
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

  function describe(element) {
    return { topic: element.getAttribute("data-topic"), placed: element.classList.contains("card") };
  }

  function arm() {
    document.querySelectorAll(".tray-item, .cell .card").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.setAttribute("tabindex", "0");
      item.setAttribute("role", "button");
      var isSelected = selected !== null && selected.topic === item.getAttribute("data-topic");
      item.setAttribute("aria-pressed", isSelected ? "true" : "false");
      item.classList.toggle("selected", isSelected);
    });
    document.querySelectorAll(".cell").forEach(function (cell) {
      if (!cell.hasAttribute("tabindex")) cell.setAttribute("tabindex", "0");
    });
    body.classList.toggle("placing", selected !== null);
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
      send("unplace", { topic_id: unplace.getAttribute("data-unplace") });
      return;
    }
    if (target.closest("form, a, summary, details p")) return;
    var item = pickable(target);
    if (item && (!selected || selected.topic === item.getAttribute("data-topic") || !item.classList.contains("card"))) {
      selected = selected && selected.topic === item.getAttribute("data-topic") ? null : describe(item);
      arm();
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
    if ((event.key === "Enter" || event.key === " ") && event.target.matches(".tray-item, .cell .card, .cell")) {
      event.preventDefault();
      event.target.click();
    } else if (event.key === "Escape" && selected) {
      selected = null;
      arm();
    }
  });

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

  document.addEventListener("htmx:afterSettle", arm);
  document.addEventListener("htmx:wsAfterMessage", arm);
  document.addEventListener("DOMContentLoaded", arm);
})();
