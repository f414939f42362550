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

  /* Library: upload the file itself as the request body, so upload.onprogress drives the bar */
  var uploader = document.getElementById("uploader");
  if (uploader) {
    var input = document.getElementById("upload-file");
    var bar = document.getElementById("upload-progress");
    var percent = document.getElementById("upload-percent");
    var status = document.getElementById("upload-status");
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      if (file.size > Number(uploader.dataset.maxMb) * 1024 * 1024) {
        /* Say so before sending: a browser cut off mid-upload shows only a network error. */
        input.value = "";
        status.className = "flash error";
        status.textContent = uploader.dataset.msgTooLarge.replace("{name}", file.name)
          .replace("{size}", (file.size / 1048576).toFixed(0));
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/assets?filename=" + encodeURIComponent(file.name));
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      bar.hidden = false;
      bar.value = 0;
      status.className = "";
      status.textContent = uploader.dataset.msgUploading;
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          percent.textContent = bar.value + " %";
        }
      };
      xhr.onload = function () {
        input.value = "";
        if (xhr.status === 201) {
          bar.value = 100;
          percent.textContent = "100 %";
          status.className = "flash ok";
          status.textContent = uploader.dataset.msgDone.replace("{name}", file.name);
          var note = (JSON.parse(xhr.responseText) || {}).note;
          /* A note (a TIFF's other pages left out) stays to be read; the library shows it too. */
          if (note) { status.textContent += ". " + note; } else { setTimeout(function () { window.location.reload(); }, 700); }
        } else {
          status.className = "flash error";
          status.textContent = uploader.dataset.msgFailed + ": " + messageOf(xhr.responseText, "HTTP " + xhr.status);
        }
      };
      xhr.onerror = function () {
        status.className = "flash error";
        status.textContent = uploader.dataset.msgNetwork;
      };
      xhr.send(file);
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
    var move = function (li, up) {
      var other = up ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (up) list.insertBefore(li, other); else list.insertBefore(other, li);
      li.focus();
      save();
    };
    list.addEventListener("click", function (e) {
      var button = e.target.closest("button");
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
