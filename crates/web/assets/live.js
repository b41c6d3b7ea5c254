// Rapport live lists, shared by the workspace and the portal: on each
// change the page's event stream announces, fetch this same page again
// (announcements within 150 ms share one fetch; one that arrives while a
// fetch is under way is fetched for again after it) and hand the fresh
// document to `apply`, which swaps in what changed.
function rapportLive(url, apply) {
  "use strict";
  var waiting = false, inFlight = false, again = false;
  var done = function () {
    inFlight = false;
    if (again) { again = false; refresh(); }
  };
  var refresh = function () {
    if (waiting) { return; }
    if (inFlight) { again = true; return; }
    waiting = true;
    setTimeout(function () {
      waiting = false;
      inFlight = true;
      fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        apply(new DOMParser().parseFromString(html, "text/html"));
        done();
      }).catch(done);
    }, 150);
  };
  var source = new EventSource(url);
  source.addEventListener("ticket", refresh);
  return source;
}
