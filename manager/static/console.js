/* Bảng tin console: small progressive enhancements, no libraries.
   Text from people is always put in the page with textContent, never innerHTML. */
"use strict";
(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var lang = document.documentElement.lang || "vi";

  function messageOf(xhrText, fallback) {
    try {
      var body = JSON.parse(xhrText);
      return (lang === "en" ? body.message_en : body.message) || fallback;
    } catch (e) {
      return fallback;
    }
  }

  /* Menu on phones */
  var toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var nav = document.getElementById("mainnav");
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* Library: several files, chosen or dropped, each sent on its own as the request body (so upload.onprogress
     drives its own bar) one after another, each with its own result. Without script the form posts them all. */
  var uploader = document.getElementById("uploader");
  if (uploader) {
    var input = document.getElementById("upload-file");
    var listed = document.getElementById("upload-list");
    var drop = document.getElementById("drop-zone");
    var queue = [];
    var busy = false;
    var reloadAfter = true;
    document.getElementById("upload-send").hidden = true;
    drop.hidden = false;
    var say = function (row, cls, text) { row.status.className = "upload-status " + cls; row.status.textContent = text; };
    var next = function () {
      var row = queue.shift();
      if (!row) {
        busy = false;
        /* Every file in and nothing to read (no refusal, no note): show them in the library. */
        if (reloadAfter) setTimeout(function () { window.location.reload(); }, 700);
        return;
      }
      busy = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/assets?filename=" + encodeURIComponent(row.file.name));
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      say(row, "", uploader.dataset.msgUploading);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          row.bar.value = Math.round((e.loaded / e.total) * 100);
          row.percent.textContent = row.bar.value + " %";
        }
      };
      xhr.onload = function () {
        if (xhr.status === 201) {
          row.bar.value = 100;
          row.percent.textContent = "100 %";
          var note = (JSON.parse(xhr.responseText) || {}).note;
          /* A note (a TIFF's other pages left out) stays to be read; the library shows it too. */
          say(row, "flash ok", uploader.dataset.msgDone.replace("{name}", row.file.name) + (note ? ". " + note : ""));
          if (note) reloadAfter = false;
        } else {
          reloadAfter = false;
          row.bar.hidden = row.percent.hidden = true;  /* sent whole, but not kept: no full bar beside a refusal */
          say(row, "flash error", uploader.dataset.msgFailed + ": " + messageOf(xhr.responseText, "HTTP " + xhr.status));
        }
        next();
      };
      xhr.onerror = function () {
        reloadAfter = false;
        say(row, "flash error", uploader.dataset.msgNetwork);
        next();
      };
      xhr.send(row.file);
    };
    var add = function (files) {
      Array.prototype.forEach.call(files, function (file) {
        var li = document.createElement("li");
        var row = { file: file, bar: document.createElement("progress"), percent: document.createElement("span"),
                    status: document.createElement("span") };
        var name = document.createElement("strong");
        name.textContent = file.name;
        row.bar.max = 100;
        row.bar.value = 0;
        row.percent.className = "upload-percent";
        li.className = "upload";
        li.dataset.name = file.name;
        [name, row.bar, row.percent, row.status].forEach(function (el) { li.appendChild(el); });
        listed.appendChild(li);
        if (file.size > Number(uploader.dataset.maxMb) * 1024 * 1024) {
          /* Say so before sending: a browser cut off mid-upload shows only a network error. */
          reloadAfter = false;
          say(row, "flash error", uploader.dataset.msgTooLarge.replace("{name}", file.name)
            .replace("{size}", (file.size / 1048576).toFixed(0)));
          return;
        }
        say(row, "", uploader.dataset.msgWaiting);
        queue.push(row);
      });
      input.value = "";
      if (!busy) next();
    };
    input.addEventListener("change", function () { add(input.files); });
    document.getElementById("upload-form").addEventListener("submit", function (e) { e.preventDefault(); add(input.files); });
    ["dragenter", "dragover"].forEach(function (type) {
      uploader.addEventListener(type, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    uploader.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    uploader.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      add(e.dataTransfer.files);
    });
  }

  /* Playlist: reorder by drag and drop, or with the Up/Down buttons (and Alt+arrow keys) */
  var list = document.getElementById("items");
  if (list) {
    var note = document.getElementById("order-status");
    var dragged = null;
    /* `done`: what to say once saved (default "order saved"); `undo`: a function offered as a button beside it. */
    var save = function (done, undo) {
      var items = Array.prototype.map.call(list.children, function (li) { return JSON.parse(li.dataset.item); });
      note.className = "";
      note.textContent = "";
      fetch("/api/v1/playlists/" + encodeURIComponent(list.dataset.playlist), {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ name: list.dataset.name, layout: list.dataset.layout, items: items })
      }).then(function (r) {
        if (r.ok) {
          r.json().then(refreshIds);
          note.className = "flash ok";
          note.textContent = done || list.dataset.msgSaved;
          if (undo) {
            var again = document.createElement("button");
            again.type = "button";
            again.className = "undo";
            again.textContent = list.dataset.msgUndo;
            again.addEventListener("click", undo);
            note.appendChild(document.createTextNode(" "));
            note.appendChild(again);
            again.focus();
          }
          return;
        }
        return r.text().then(function (t) {
          note.className = "flash error";
          note.textContent = list.dataset.msgFailed + ": " + messageOf(t, "HTTP " + r.status);
        });
      });
    };
    /* Each save is a new revision with new item ids: the items' edit forms must name the new ones. */
    var refreshIds = function (playlist) {
      Array.prototype.forEach.call(list.children, function (li, n) {
        var form = li.querySelector("form.edit-item");
        if (!form || !playlist.items[n]) return;
        li.dataset.id = playlist.items[n].id;
        form.setAttribute("action", "/playlists/" + encodeURIComponent(list.dataset.playlist) + "/items/" + encodeURIComponent(li.dataset.id));
      });
    };
    var move = function (li, up) {
      var other = up ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (up) list.insertBefore(li, other); else list.insertBefore(other, li);
      li.focus();
      save();
    };
    list.addEventListener("click", function (e) {
      var button = e.target.closest("button.up, button.down, button.remove");
      if (!button) return;
      if (button.classList.contains("remove")) {
        /* Removing saves at once and says so, with an undo that puts the item back where it was. */
        var li = button.closest("li");
        var next = li.nextElementSibling;
        var what = (li.querySelector(".what") || li).textContent.trim();
        li.remove();
        save(list.dataset.msgRemoved.replace("{what}", what), function () {
          list.insertBefore(li, next && next.parentNode === list ? next : null);
          save(list.dataset.msgRestored.replace("{what}", what));
        });
        return;
      }
      move(button.closest("li"), button.classList.contains("up"));
    });
    list.addEventListener("keydown", function (e) {
      if (e.target.closest("form")) return;  /* typing in an item's edit form moves nothing */
      if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
        e.preventDefault();
        move(e.target.closest("li"), e.key === "ArrowUp");
      }
    });
    list.addEventListener("dragstart", function (e) {
      dragged = e.target.closest("li");
      dragged.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", "");
    });
    list.addEventListener("dragover", function (e) {
      e.preventDefault();
      var over = e.target.closest("li");
      if (!dragged || !over || over === dragged) return;
      var box = over.getBoundingClientRect();
      var after = e.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextElementSibling : over);
    });
    list.addEventListener("drop", function (e) { e.preventDefault(); });
    list.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
      save();
    });
  }
})();

/* Forms that ask first: <form data-confirm="question"> (revoking a board's token, ...) */
(function () {
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  });
})();

/* Nothing typed is lost to an error or an expired session. A form's fields are kept in this tab's
   sessionStorage when it is sent. The page after a success throws them away; after the error page
   they come back only when the editor goes back to the form, and after the login page (an expired
   session) on the form it returns to. Opening a form afresh always shows what the server has. */
(function () {
  var PREFIX = "bangtin-draft:";
  var PENDING = "bangtin-draft-pending";
  var store;
  try { store = window.sessionStorage; store.getItem(PENDING); } catch (e) { return; }
  var SKIP = { password: 1, file: 1, hidden: 1, submit: 1, button: 1, reset: 1, image: 1 };
  var keyOf = function (form) { return PREFIX + (form.getAttribute("action") || location.pathname) + "#" + (form.id || ""); };
  var fieldsOf = function (form) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name && !SKIP[el.type] && !el.disabled; });
  };
  var drafts = function () {
    var keys = [];
    for (var i = 0; i < store.length; i++) if (store.key(i).indexOf(PREFIX) === 0) keys.push(store.key(i));
    return keys;
  };
  var forms = Array.prototype.filter.call(document.querySelectorAll("form[method=post]"), function (form) {
    return form.getAttribute("action") !== "/login" && form.getAttribute("action") !== "/logout" && !form.hasAttribute("data-no-draft");
  });
  var goBack = document.getElementById("go-back");
  if (goBack && history.length > 1) {
    goBack.hidden = false;
    goBack.addEventListener("click", function () { history.back(); });
  }
  var loginPage = document.querySelector('form[action="/login"]');
  if (goBack || loginPage) {
    if (drafts().length) store.setItem(PENDING, loginPage ? "login" : "error");
  } else {
    var nav = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
    var pending = store.getItem(PENDING);
    var restore = pending === "login" || (pending === "error" && nav.type === "back_forward");
    forms.forEach(function (form) {
      var saved = restore && store.getItem(keyOf(form));
      if (!saved) return;
      var values = JSON.parse(saved);
      var used = {};
      var restored = 0;
      fieldsOf(form).forEach(function (el) {
        var list = values[el.name];
        if (!list) return;
        restored += 1;
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = list.indexOf(el.value) >= 0;
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) >= 0; });
        } else {
          var n = used[el.name] || 0;
          if (n < list.length) el.value = list[n];
          used[el.name] = n + 1;
        }
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
      });
      if (!restored) return;
      var note = document.createElement("p");
      note.className = "flash ok draft-restored";
      note.setAttribute("role", "status");
      note.textContent = document.body.dataset.msgDraftRestored;
      form.parentNode.insertBefore(note, form);
    });
    drafts().forEach(function (k) { store.removeItem(k); });
    store.removeItem(PENDING);
  }
  forms.forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (e.defaultPrevented) return;
      var values = {};
      fieldsOf(form).forEach(function (el) {
        if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
        var chosen = el.tagName === "SELECT" && el.multiple
          ? Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; })
          : [el.value];
        values[el.name] = (values[el.name] || []).concat(chosen);
      });
      if (!Object.keys(values).length) return;  /* a button-only form (approve, poll now): nothing typed */
      try { store.setItem(keyOf(form), JSON.stringify(values)); } catch (err) { /* storage full: nothing kept */ }
    });
  });
})();
