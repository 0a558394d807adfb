// The facilitator's pages: a link shown once (a new member's, one's own replaced link) is copied in one press;
// and an address from before the tabs (…/facilitate#facilitate-team) opens the tab that holds that section.
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

  var wanted = /^#facilitate-[a-z]+$/.test(location.hash) ? location.hash.slice(1) : null;
  if (!wanted || document.getElementById(wanted)) return;
  var tabs = document.querySelectorAll(".fac-tabs a[data-holds]");
  for (var i = 0; i < tabs.length; i++) {
    if (tabs[i].getAttribute("data-holds").split(" ").indexOf(wanted) !== -1) {
      location.replace(tabs[i].href + "#" + wanted);
      return;
    }
  }
})();
