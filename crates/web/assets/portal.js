// Rapport portal: the customer's ticket list refreshes itself when one of
// their tickets changes (the server's stream names only their own tickets).
(function () {
  "use strict";
  var list = document.querySelector("[data-portal-live]");
  if (!list || !window.EventSource) { return; }
  var pending = false;
  var refresh = function () {
    if (pending) { return; }
    pending = true;
    setTimeout(function () {
      fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        pending = false;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-portal-live]");
        var current = document.querySelector("[data-portal-live]");
        if (fresh && current) { current.replaceWith(fresh); }
      }).catch(function () { pending = false; });
    }, 150);
  };
  var source = new EventSource(list.getAttribute("data-portal-live"));
  source.addEventListener("ticket", refresh);
})();
