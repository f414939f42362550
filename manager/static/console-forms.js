/* Bảng tin console: forms that say things in the console's language, not the browser's.
   Dates are typed dd/mm/yyyy (never type=date, whose format follows the browser's locale);
   the report period picker chooses the kind whose field was touched. */
"use strict";
(function () {
  var lang = document.documentElement.lang || "vi";
  var DATE = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/;

  function validDate(text) {
    var m = DATE.exec(text);
    if (!m) return false;
    var d = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
    return d.getFullYear() === Number(m[3]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[1]);
  }

  var TIME = /^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$/;
  function validTime(text) {
    var m = TIME.exec(text);
    return !!m && (Number(m[1]) < 24 || (Number(m[1]) === 24 && m[2] === "00")) && Number(m[2]) < 60;
  }
  function validDateTime(text) {
    var parts = text.trim().split(/\s+/);
    return parts.length === 2 && validDate(parts[0]) && validTime(parts[1]);
  }
  var KINDS = {
    "data-vn-date": [validDate, "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/01/2026",
                     "Type the date as dd/mm/yyyy, e.g. 05/01/2026"],
    "data-vn-time": [validTime, "Nhập giờ:phút theo 24 giờ, ví dụ 07:30", "Type a 24-hour HH:MM, e.g. 07:30"],
    "data-vn-datetime": [validDateTime, "Nhập ngày/tháng/năm giờ:phút, ví dụ 05/01/2026 07:30",
                         "Type dd/mm/yyyy HH:MM, e.g. 05/01/2026 07:30"]
  };
  document.querySelectorAll("input[data-vn-date], input[data-vn-time], input[data-vn-datetime]").forEach(function (input) {
    var kind = KINDS[["data-vn-date", "data-vn-time", "data-vn-datetime"].filter(function (a) { return input.hasAttribute(a); })[0]];
    var message = lang === "en" ? kind[2] : kind[1];
    function check() {
      input.setCustomValidity(input.value === "" || kind[0](input.value) ? "" : message);
    }
    input.addEventListener("input", check);
    input.addEventListener("blur", function () { check(); if (input.validationMessage) input.reportValidity(); });
  });

  document.querySelectorAll("form[data-period-picker]").forEach(function (form) {
    ["month", "quarter", "year", "from", "to"].forEach(function (name) {
      var field = form.elements[name];
      if (!field) return;
      var kind = name === "from" || name === "to" ? "dates" : name;
      function choose() {
        var radio = form.querySelector('input[name=kind][value="' + kind + '"]');
        if (radio) radio.checked = true;
      }
      field.addEventListener("change", choose);
      field.addEventListener("input", choose);
    });
    form.addEventListener("submit", function (e) {
      var kind = (form.querySelector("input[name=kind]:checked") || {}).value;
      var bad = kind === "dates"
        ? ["from", "to"].filter(function (n) { return !validDate(form.elements[n].value); })
        : (form.elements[kind] && form.elements[kind].value ? [] : [kind]);
      if (bad.length && form.elements[bad[0]]) {
        e.preventDefault();
        var field = form.elements[bad[0]];
        if (kind === "dates") {
          field.setCustomValidity(lang === "en" ? "Type the date as dd/mm/yyyy, e.g. 05/01/2026"
                                                : "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/01/2026");
        } else {
          field.setCustomValidity(lang === "en" ? "Choose a value" : "Hãy chọn một giá trị");
          field.addEventListener("change", function () { field.setCustomValidity(""); }, { once: true });
        }
        field.reportValidity();
      }
    });
  });

})();

/* Unit lists hold the whole catalogue (3,321 communes): a filter box above each, matching with or without
   diacritics ("khao mang", "Khao Mang", "KHAO MANG" all find "Xã Khao Mang"). */
(function () {
  var lang = document.documentElement.lang || "vi";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  var made = 0;
  function attach(select) {
    var n = made++;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "unit-search";
    box.id = "unit-search-" + n;
    box.autocomplete = "off";
    box.placeholder = lang === "en" ? "Find a unit by name" : "Tìm đơn vị theo tên (gõ có dấu hoặc không dấu)";
    box.setAttribute("aria-label", box.placeholder);
    var options = Array.prototype.slice.call(select.options).map(function (o) { return [o, fold(o.text)]; });
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var first = null;
      options.forEach(function (pair) {
        var show = pair[0].value === "" || words.every(function (w) { return pair[1].indexOf(w) !== -1; });
        pair[0].hidden = !show;
        if (show && pair[0].value !== "" && !first) first = pair[0];
      });
      /* A single-choice list takes the first match, so typing a name and moving on is enough. */
      if (!select.multiple && first && words.length) select.value = first.value;
    });
    select.parentNode.insertBefore(box, select);
  }
  document.querySelectorAll("select[data-units]").forEach(attach);
  /* A long list repeated on every row (users) is copied in from the page's one when its row is opened. */
  document.querySelectorAll("select[data-units-from]").forEach(function (select) {
    var details = select.closest("details");
    function fill() {
      var source = document.querySelector(select.dataset.unitsFrom);
      if (!source || select.dataset.filled) return;
      var current = select.value;
      select.innerHTML = source.innerHTML;
      select.value = current;
      select.dataset.filled = "yes";
      attach(select);
    }
    if (details) details.addEventListener("toggle", fill); else fill();
  });
})();

/* Phones show tables as cards: each cell carries its column's header as a label. */
(function () {
  document.querySelectorAll("main table").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        var label = heads[i] && heads[i].textContent.trim();
        if (label && cell.tagName === "TD" && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
          cell.setAttribute("data-label", label);
        }
      });
    });
  });
})();
