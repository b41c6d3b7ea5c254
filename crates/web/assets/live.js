// Rapport live lists, shared by the workspace and the portal: on each
// change the page's event stream announces, fetch this same page again (one
// fetch at a time, 150 ms after the first announcement) and hand the fresh
// document to `apply`, which swaps in what changed.
function rapportLive(url, apply) {
  "use strict";
  var pending = false;
  var refresh = function () {
    if (pending) { return; }
    pending = true;
    setTimeout(function () {
      fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        pending = false;
        apply(new DOMParser().parseFromString(html, "text/html"));
      }).catch(function () { pending = false; });
    }, 150);
  };
  var source = new EventSource(url);
  source.addEventListener("ticket", refresh);
  return source;
}
