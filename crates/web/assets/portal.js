// Rapport portal: the customer's ticket list refreshes itself when one of
// their tickets changes (the server's stream names only their own tickets,
// and only changes the customer sees).
(function () {
  "use strict";
  var list = document.querySelector("[data-portal-live]");
  if (!list || !window.EventSource) { return; }
  rapportLive(list.getAttribute("data-portal-live"), function (doc) {
    var fresh = doc.querySelector("[data-portal-live]");
    var current = document.querySelector("[data-portal-live]");
    if (fresh && current) { current.replaceWith(fresh); }
  });
})();
