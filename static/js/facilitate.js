// The facilitator's page: a link shown once (a new member's, one's own replaced link) is copied in one press.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;  // no clipboard (plain http): the link stays there to select
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var said = button.parentNode.querySelector("[data-copied]");
      if (said) said.hidden = false;
    });
  });
})();
