/* Bảng tin console: forms that say things in the console's language, not the browser's.
   Dates are typed dd/mm/yyyy (never type=date, whose format follows the browser's locale);
   the report period picker chooses the kind whose field was touched; a button with
   data-confirm asks first, in a dialog that states what it will do. */
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

  document.querySelectorAll("input[data-vn-date]").forEach(function (input) {
    var message = lang === "en" ? "Type the date as dd/mm/yyyy, e.g. 05/01/2026"
                                : "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/01/2026";
    function check() {
      input.setCustomValidity(input.value === "" || validDate(input.value) ? "" : message);
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

  /* A button that does something hard to undo asks first. Its form's data-confirm text says what. */
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.dataset.confirmed === "yes") return;
      e.preventDefault();
      var dialog = document.getElementById("confirm-dialog");
      if (!dialog || typeof dialog.showModal !== "function") {
        if (window.confirm(form.dataset.confirm)) { form.dataset.confirmed = "yes"; form.requestSubmit(); }
        return;
      }
      dialog.querySelector("[data-confirm-text]").textContent = form.dataset.confirm;
      dialog.returnValue = "";
      dialog.onclose = function () {
        if (dialog.returnValue === "yes") { form.dataset.confirmed = "yes"; form.requestSubmit(); }
      };
      dialog.showModal();
      dialog.querySelector("button[value=no]").focus();
    });
  });
})();
