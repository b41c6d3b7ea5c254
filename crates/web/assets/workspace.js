// Rapport workspace: keyboard shortcuts and the live ticket list.
// Every page works without this file; it only saves keystrokes and reloads.
(function () {
  "use strict";
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll("table.tickets tbody tr")); };
  var selected = -1;
  function select(i) {
    var all = rows();
    if (!all.length) { return; }
    selected = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (r, n) { r.classList.toggle("selected", n === selected); r.setAttribute("aria-selected", n === selected ? "true" : "false"); });
    all[selected].scrollIntoView({ block: "nearest" });
  }
  function focusField(id) {
    var el = document.getElementById(id);
    if (el) { el.focus(); return true; }
    return false;
  }
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) { return; }
    var help = document.getElementById("shortcuts");
    switch (e.key) {
      case "j": select(selected + 1); break;
      case "k": select(selected - 1); break;
      case "Enter": {
        var row = rows()[selected];
        var link = row && row.querySelector("a");
        if (link) { link.click(); } else { return; }
        break;
      }
      case "r": if (!focusField("reply-body")) { return; } break;
      case "n": if (!focusField("note-body")) { return; } break;
      case "a": {
        var take = document.getElementById("assign-to-me");
        if (take) { take.requestSubmit(); } else { return; }
        break;
      }
      case "/": if (!focusField("search")) { return; } break;
      case "?": if (help && help.showModal) { help.showModal(); } break;
      default: return;
    }
    e.preventDefault();
  });
  var close = document.getElementById("shortcuts-close");
  if (close) { close.addEventListener("click", function () { document.getElementById("shortcuts").close(); }); }

  // Live list: on each change the server announces, fetch this same page
  // and swap the table body and the counts in place, keeping the selection.
  var list = document.querySelector("table.tickets[data-live]");
  if (list && window.EventSource) {
    var pending = false;
    var refresh = function () {
      if (pending) { return; }
      pending = true;
      setTimeout(function () {
        fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
          pending = false;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var body = doc.querySelector("table.tickets tbody");
          var views = doc.querySelector("ul.views");
          if (!body) { return; }
          var keep = rows()[selected];
          var keepId = keep ? keep.getAttribute("data-id") : null;
          var known = {};
          rows().forEach(function (r) { known[r.getAttribute("data-id")] = true; });
          list.querySelector("tbody").replaceWith(body);
          if (views) { document.querySelector("ul.views").replaceWith(views); }
          var all = rows();
          all.forEach(function (r) { if (!known[r.getAttribute("data-id")]) { r.classList.add("fresh"); } });
          if (keepId) {
            var i = all.findIndex(function (r) { return r.getAttribute("data-id") === keepId; });
            select(i < 0 ? selected : i);
          }
        }).catch(function () { pending = false; });
      }, 150);
    };
    var source = new EventSource(list.getAttribute("data-live"));
    source.addEventListener("ticket", refresh);
  }
})();
