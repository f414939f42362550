/* Bảng tin console: parts of a page that change by themselves (the boards wall, "applied on N of M",
   a warning's acknowledgements, the inbox). Each is marked <... id="x" data-live>; every few seconds the
   page is fetched again and those parts replaced, unless the person is working inside one (focus).
   Polling, paused while the tab is hidden, so it works behind any proxy. */
"use strict";
(function () {
  var regions = document.querySelectorAll("[data-live][id]");
  if (!regions.length) return;
  var every = Number(document.body.dataset.liveSeconds || 5) * 1000;
  var busy = false;

  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(location.href, { headers: { "X-Live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live][id]").forEach(function (old) {
          var next = fresh.getElementById(old.id);
          if (!next || old.contains(document.activeElement) || old.innerHTML === next.innerHTML) return;
          old.replaceWith(document.importNode(next, true));
        });
        document.documentElement.dataset.liveAt = String(Date.now());
      })
      .catch(function () { /* offline for a moment: the next round tries again */ })
      .then(function () { busy = false; });
  }
  setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
})();
