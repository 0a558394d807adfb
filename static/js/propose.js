/* The proposal form: "Choose it" beside the nearest theme picks that theme in the list, and says so. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-pick-theme]") : null;
    var select = document.getElementById("propose-theme");
    if (!button || !select) return;
    select.value = button.getAttribute("data-pick-theme");
    select.focus();
  });
})();
