/* Bulletin editor: the preview shows the pages the board will show.
   The server lays them out with the board's own function (protocol.pagination); this only draws them.
   Text from people is always put in the page with textContent, never innerHTML. */
"use strict";
(function () {
  var preview = document.getElementById("preview");
  var form = document.getElementById("bulletin-form");
  if (!preview || !form) return;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var lang = document.documentElement.lang || "vi";
  var pageLabel = document.getElementById("preview-page");
  var summary = document.getElementById("preview-summary");
  var floorNote = document.getElementById("preview-floor");
  var warning = document.getElementById("preview-warning");
  var status = document.getElementById("notice-status");
  var result = null;
  var page = 0;
  var pending = null;
  var asked = 0;

  function value(name) {
    var el = form.elements[name];
    if (!el) return "";
    if (el instanceof RadioNodeList) return el.value;
    return el.value;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  function duration(seconds) {
    seconds = Math.round(seconds);
    var m = Math.floor(seconds / 60), s = seconds % 60;
    if (lang === "en") return m ? m + " min " + s + " s" : s + " s";
    return m ? m + " phút " + s + " giây" : s + " giây";
  }

  function showFormat() {
    var notice = value("format") === "notice";
    form.querySelectorAll("[data-format]").forEach(function (el) {
      el.hidden = (el.dataset.format === "notice") !== notice;
    });
  }

  function request() {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || (el.type === "radio" && !el.checked)) return;
      body[el.name] = el.value;
    });
    var ticket = ++asked;
    fetch("/bulletins/preview", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data || ticket !== asked) return;  // an older answer arriving late is not drawn
      result = data;
      page = Math.min(page, Math.max(0, data.page_count - 1));
      draw();
    });
  }

  function schedule() {
    clearTimeout(pending);
    pending = setTimeout(request, 250);
  }

  function zoneBox(z, layout) {
    var el = document.createElement("div");
    el.className = "zone zone-" + z.kind;
    el.dataset.zone = z.id;
    el.style.left = z.x * 100 + "%";
    el.style.top = z.y * 100 + "%";
    el.style.width = z.w * 100 + "%";
    el.style.height = z.h * 100 + "%";
    el.style.background = z.background;
    el.style.color = z.foreground;
    return el;
  }

  function drawLines(el, data, scale) {
    var lines = data.pages[page].lines;
    var title = null;
    el.classList.add("paged");
    var glue = "";
    lines.forEach(function (line) {
      var span = document.createElement("span");
      span.className = "line line-" + line.role;
      span.textContent = line.text;
      span.style.left = (data.pad + line.x) * scale + "px";
      span.style.top = (data.pad + line.y) * scale + "px";
      span.style.width = line.width * scale + "px";
      span.style.height = line.height * scale + "px";
      span.style.lineHeight = line.height * scale + "px";
      span.style.fontSize = line.size * scale + "px";
      span.style.textAlign = line.align;
      span.style.fontWeight = line.weight === "bold" ? "700" : "400";
      span.style.fontStyle = line.weight === "italic" ? "italic" : "normal";
      if (line.role === "title") {
        if (!title) { title = document.createElement("h3"); el.append(title); } else { title.append(glue); }
        title.append(span);
        glue = line.broken ? "" : " ";  // so the heading reads as its text, where a line break fell between words
      } else {
        el.append(span);
      }
    });
  }

  function draw() {
    if (!result) return;
    var layout = result.layout;
    preview.replaceChildren();
    preview.style.aspectRatio = layout.width + " / " + layout.height;
    preview.style.background = layout.background;
    preview.dataset.pages = result.page_count;
    var scale = preview.clientWidth / layout.width;
    layout.zones.forEach(function (z) {
      var el = zoneBox(z, layout);
      if (z.kind === "bulletin" && result.page_count) {
        drawLines(el, result, scale);
      } else if (z.kind === "ticker") {
        var s = document.createElement("span");
        s.className = "ticker-text";
        s.textContent = value("ticker");
        el.append(s);
      } else if (z.kind === "media" && value("asset")) {
        var img = document.createElement("img");
        img.src = "/library/" + encodeURIComponent(value("asset")) + "/thumb.jpg";
        img.alt = "";
        el.append(img);
      } else if (z.kind === "clock") {
        el.textContent = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
      } else if (z.kind === "header") {
        el.textContent = preview.dataset.header;
      }
      preview.append(el);
    });
    var count = result.page_count;
    pageLabel.textContent = count ? "Trang " + (page + 1) + "/" + count : "";
    document.getElementById("preview-prev").disabled = page <= 0;
    document.getElementById("preview-next").disabled = page >= count - 1;
    summary.textContent = count ? format(preview.dataset.msgPages, {
      count: count, reading: duration(result.reading_s), shown: duration(result.shown_s) }) : "";
    floorNote.textContent = format(preview.dataset.msgFloor, { px: result.floor_px, height: layout.height });
    warning.hidden = !result.too_long;
    warning.textContent = result.too_long ? format(preview.dataset.msgTooLong, {
      reading: duration(result.reading_s), slot: duration(result.slot_s) }) : "";
  }

  function fill(notice) {
    Object.keys(notice).forEach(function (k) {
      var el = document.getElementById(k === "body" ? "body" : "notice_" + k);
      if (el) el.value = notice[k];
    });
    schedule();
  }

  function refused(r) {
    return r.text().then(function (t) {
      var message = "HTTP " + r.status;
      try { var b = JSON.parse(t); message = (lang === "en" ? b.message_en : b.message) || message; } catch (e) { /* not JSON */ }
      status.className = "flash error";
      status.textContent = message;
    });
  }

  document.getElementById("notice-recognise").addEventListener("click", function () {
    fetch("/bulletins/recognise", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ text: document.getElementById("notice-paste").value })
    }).then(function (r) { return r.ok ? r.json().then(fill) : refused(r); });
  });

  document.getElementById("notice-docx").addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (!file) return;
    status.className = "";
    status.textContent = "";
    fetch("/bulletins/docx", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrf },
      body: file
    }).then(function (r) {
      if (!r.ok) return refused(r);
      return r.json().then(function (notice) {
        fill(notice);
        status.className = "flash ok";
        status.textContent = status.dataset.msgRead;
      });
    });
  });

  document.getElementById("preview-prev").addEventListener("click", function () { if (page > 0) { page--; draw(); } });
  document.getElementById("preview-next").addEventListener("click", function () {
    if (result && page < result.page_count - 1) { page++; draw(); }
  });
  form.addEventListener("input", schedule);
  form.addEventListener("change", function () { showFormat(); schedule(); });
  window.addEventListener("resize", draw);
  showFormat();
  request();
})();
