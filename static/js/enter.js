// The facilitator link carries its key after "#key=": browsers never send that part to a server, so the
// key stays out of access logs and proxies. Here it is taken out of the address bar (and the history)
// at once, and handed to the server in a POST body, which sets this browser's facilitator cookie.
(function () {
  "use strict";
  var match = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  function submit() {
    var form = document.getElementById("enter-form");
    var field = document.getElementById("enter-key");
    if (!form || !field || document.getElementById("enter-error")) return;  // a wrong key: let them see why
    field.value = decodeURIComponent(match[1]);
    var status = document.getElementById("enter-signing-in");
    if (status) status.hidden = false;
    form.submit();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", submit);
  else submit();
})();
