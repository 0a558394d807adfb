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
  document.addEventListener("dragend", function () { dragging = null; });

  document.addEventListener("htmx:afterSettle", arm);
  document.addEventListener("htmx:wsAfterMessage", arm);
  document.addEventListener("DOMContentLoaded", arm);
})();
