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
    rapportLive(list.getAttribute("data-live"), function (doc) {
      var body = doc.querySelector("table.tickets tbody");
      var views = doc.querySelector("ul.views");
      if (!body) { return; }
      var keep = rows()[selected];
      var keepId = keep ? keep.getAttribute("data-id") : null;
      var known = {};
      var ticked = {};
      rows().forEach(function (r) {
        known[r.getAttribute("data-id")] = true;
        var box = r.querySelector("input[type=checkbox]");
        if (box && box.checked) { ticked[box.value] = true; }
      });
      body.querySelectorAll("input[type=checkbox]").forEach(function (b) { if (ticked[b.value]) { b.checked = true; } });
      list.querySelector("tbody").replaceWith(body);
      if (views) { document.querySelector("ul.views").replaceWith(views); }
      var all = rows();
      all.forEach(function (r) { if (!known[r.getAttribute("data-id")]) { r.classList.add("fresh"); } });
      if (keepId) {
        var i = all.findIndex(function (r) { return r.getAttribute("data-id") === keepId; });
        select(i < 0 ? selected : i);
      }
    });
  }

  // Ticket page: tell the others this ticket is open (and whether a reply
  // is being written), show who else is here and what they wrote since the
  // page loaded; save the reply draft on the server as it is typed.
  var box = document.getElementById("presence");
  var csrfField = document.querySelector("input[name=csrf]");
  var csrf = csrfField ? csrfField.value : "";
  var reply = document.getElementById("reply-body");
  function post(url, fields) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
      body: new URLSearchParams(fields)
    });
  }
  if (box) {
    var beatUrl = box.getAttribute("data-heartbeat");
    var basedOn = box.getAttribute("data-based-on");
    var seenHeld = box.getAttribute("data-seen-held");
    var ticketId = beatUrl.split("/")[3];
    var beat = function () {
      var writing = reply && reply.value.trim() !== "";
      post(beatUrl, { activity: writing ? "replying" : "viewing", based_on: basedOn, seen_held: seenHeld }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("presence");
        var current = document.getElementById("presence");
        if (fresh && current) { current.replaceWith(fresh); }
      }).catch(function () {});
    };
    setInterval(beat, 10000);
    if (window.EventSource) {
      var live = new EventSource("/app/live");
      live.addEventListener("ticket", function (e) { if (e.data === ticketId || e.data === "0") { beat(); } });
    }
    var wasWriting = false;
    var leave = function () {
      var data = new URLSearchParams({ csrf: csrf });
      if (navigator.sendBeacon) { navigator.sendBeacon(beatUrl + "/leave", data); }
    };
    window.addEventListener("pagehide", leave);
    if (reply) {
      var draftUrl = reply.getAttribute("data-draft");
      var timer = null;
      var save = function () { timer = null; post(draftUrl, { body: reply.value }).catch(function () {}); };
      reply.addEventListener("input", function () {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(save, 800);
        var writing = reply.value.trim() !== "";
        if (writing !== wasWriting) { wasWriting = writing; beat(); }
      });
      // The coach reads the draft as it is typed; its suggestion is applied
      // in one click; the promises it finds are decided in the form.
      var coachTimer = null;
      // The findings are marked in place: a backdrop behind the (transparent)
      // draft repeats its text, each finding's span in a <mark>.
      var wrap = document.createElement("div");
      wrap.className = "marked";
      var back = document.createElement("div");
      back.className = "backdrop";
      back.setAttribute("aria-hidden", "true");
      reply.parentNode.insertBefore(wrap, reply);
      wrap.appendChild(back);
      wrap.appendChild(reply);
      var markDraft = function () {
        var text = reply.value, at = 0;
        back.textContent = "";
        var found = document.querySelectorAll("#coach .findings li[data-start]");
        var spans = Array.prototype.map.call(found, function (li) {
          return { start: +li.getAttribute("data-start"), end: +li.getAttribute("data-end"), quote: li.getAttribute("data-quote"), kind: li.className };
        });
        // The gravest and narrowest first; a span over the whole draft (a
        // missing closing) or over a marked one is left to the list.
        var rank = { block: 0, warn: 1, hint: 2 };
        var picked = [];
        spans.sort(function (a, b) { return (rank[a.kind] - rank[b.kind]) || ((a.end - a.start) - (b.end - b.start)); });
        spans.forEach(function (s) {
          if (s.end <= s.start || s.end - s.start >= text.trim().length || text.slice(s.start, s.end) !== s.quote) { return; }
          if (picked.some(function (p) { return s.start < p.end && p.start < s.end; })) { return; }
          picked.push(s);
        });
        picked.sort(function (a, b) { return a.start - b.start; }).forEach(function (s) {
          back.appendChild(document.createTextNode(text.slice(at, s.start)));
          var mark = document.createElement("mark");
          mark.className = s.kind;
          mark.textContent = text.slice(s.start, s.end);
          back.appendChild(mark);
          at = s.end;
        });
        back.appendChild(document.createTextNode(text.slice(at) + "\n"));
        back.scrollTop = reply.scrollTop;
      };
      reply.addEventListener("scroll", function () { back.scrollTop = reply.scrollTop; });
      var coach = function () {
        coachTimer = null;
        var current = document.getElementById("coach");
        if (!current) { return; }
        var draft = reply.value;
        post(current.getAttribute("data-coach"), { draft: draft }).then(function (r) {
          return r.ok ? r.text() : null;
        }).then(function (html) {
          // An answer about an older draft is dropped: a newer check follows.
          if (!html || reply.value !== draft) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("coach");
          var now = document.getElementById("coach");
          if (!fresh || !now) { return; }
          var kept = {};
          now.querySelectorAll("select, input").forEach(function (f) { kept[f.name] = f.value; });
          if (fresh.querySelectorAll(".promise").length === now.querySelectorAll(".promise").length) {
            fresh.querySelectorAll("select, input").forEach(function (f) { if (kept[f.name] !== undefined) { f.value = kept[f.name]; } });
          }
          now.replaceWith(fresh);
          markDraft();
        }).catch(function () {});
      };
      var coachSoon = function () { if (coachTimer) { clearTimeout(coachTimer); } coachTimer = setTimeout(coach, 600); };
      reply.addEventListener("input", function () { back.textContent = reply.value + "\n"; coachSoon(); });
      markDraft();
      if (reply.value.trim() !== "") { coach(); }
      document.addEventListener("click", function (e) {
        var button = e.target.closest && e.target.closest("button.apply");
        if (!button) { return; }
        var quote = button.getAttribute("data-quote");
        var start = parseInt(button.getAttribute("data-start"), 10);
        var end = parseInt(button.getAttribute("data-end"), 10);
        if (reply.value.slice(start, end) !== quote) {
          start = reply.value.indexOf(quote);
          end = start + quote.length;
        }
        if (start < 0) { return; }
        var replacement = button.getAttribute("data-replacement");
        reply.value = reply.value.slice(0, start) + replacement + reply.value.slice(end);
        // A suggestion that ends in "..." leaves its gap selected, to be typed over.
        var gap = replacement.indexOf("...");
        reply.focus();
        if (gap >= 0) { reply.setSelectionRange(start + gap, start + gap + 3); }
        reply.dispatchEvent(new Event("input"));
        coach();
      });
      // Canned replies go in at the cursor, already personalised.
      var canned = document.getElementById("canned-form");
      if (canned) {
        canned.addEventListener("submit", function (e) {
          var option = canned.querySelector("select").selectedOptions[0];
          if (!option) { return; }
          e.preventDefault();
          var text = option.getAttribute("data-body");
          var at = reply.selectionStart || reply.value.length;
          var before = reply.value.slice(0, at);
          var gap = before && !/\n$/.test(before) ? "\n\n" : "";
          reply.value = before + gap + text + reply.value.slice(reply.selectionEnd || at);
          reply.focus();
          reply.dispatchEvent(new Event("input"));
        });
      }
      var form = document.getElementById("reply-form");
      if (form) { form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); timer = null; } }); }
    }
  }
  // Undo send: count down; once the reply has left, the button goes.
  document.querySelectorAll(".held .countdown").forEach(function (c) {
    var left = parseInt(c.getAttribute("data-seconds"), 10) || 0;
    var box = c.closest(".held");
    var tick = function () {
      if (left <= 0) {
        var undo = box.querySelector("form.undo");
        if (undo) { undo.remove(); }
        var link = document.createElement("a");
        link.href = location.pathname;
        link.textContent = box.getAttribute("data-show") || "";
        var p = box.querySelector("p");
        p.textContent = (box.getAttribute("data-left") || "") + " ";
        p.appendChild(link);
        return;
      }
      c.textContent = String(left);
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  });
})();
