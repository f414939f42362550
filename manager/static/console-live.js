/* Bảng tin console: parts of a page that change by themselves (the boards wall, "applied on N of M",
   a warning's acknowledgements, the inbox). Each is marked <... id="x" data-live>. When the server says
   something changed (server-sent events from /live/events) the page is fetched again and those parts
   replaced, unless the person is working inside one (focus).
   Without the events (no EventSource, a proxy that buffers or drops the stream, the server's bound on
   streams) the page polls every few seconds instead, paused while the tab is hidden, so it works behind
   any proxy. While the events flow, a slow poll still catches what changes with time alone (a board
   whose heartbeats stopped goes offline without any write). */
"use strict";
(function () {
  var regions = document.querySelectorAll("[data-live][id]");
  if (!regions.length) return;
  var every = Number(document.body.dataset.liveSeconds || 5) * 1000;
  var SLOW = 12;  // while events flow: poll 12 times less often
  var busy = false, again = false, timer = null, pace = 0;

  function refresh() {
    if (document.hidden) return;
    if (busy) { again = true; return; }  // a change during a fetch: fetch once more after it
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
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  function poll(interval) {
    if (interval === pace) return;  // errors repeat while the browser retries: keep the running timer
    if (timer !== null) clearInterval(timer);
    timer = setInterval(refresh, interval);
    pace = interval;
  }

  poll(every);
  document.addEventListener("visibilitychange", refresh);
  if (!window.EventSource) return;
  var source = new EventSource("/live/events");
  var rendered = document.querySelector("meta[name=live-generation]");
  source.addEventListener("ready", function (e) {
    document.documentElement.dataset.live = "events";
    poll(every * SLOW);
    // A change between this page's rendering and the stream's start: look once more.
    if (!rendered || rendered.content !== e.data) refresh();
  });
  source.addEventListener("change", refresh);
  source.addEventListener("error", function () {
    // Reconnecting (the browser retries by itself) or given up: poll at full pace until "ready" again.
    document.documentElement.dataset.live = "polling";
    poll(every);
  });
})();
