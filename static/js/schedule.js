/* The auto-schedule page: "Working out a wall… up to N s" follows the time limit as it is typed.
 * Delegated from the document, since the form is swapped after a refusal. */
(function () {
  "use strict";

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field || field.id !== "schedule-time-limit") return;
    var seconds = document.getElementById("schedule-working-seconds");
    if (seconds) seconds.textContent = field.value || "…";
  });
})();
