// Form checks in Chinese whatever the browser's language: the browser's own messages ("Please fill out this
// field.") are replaced by ours when a field is found invalid, and cleared as soon as it is edited.
// A file picker (bank/_macros.html field) shows the chosen file's name in Chinese page text.
(function () {
  "use strict";
  function message(el) {
    var v = el.validity, type = (el.type || "").toLowerCase();
    if (v.valueMissing) {
      if (type === "file") return "请选择文件。";
      if (type === "radio" || el.tagName === "SELECT") return "请选择一项。";
      if (type === "checkbox") return "请勾选此项。";
      return "请填写此项。";
    }
    if (v.typeMismatch) {
      if (type === "email") return "请输入有效的电子邮箱地址。";
      if (type === "url") return "请输入有效的网址。";
      return "格式不正确。";
    }
    if (v.badInput) return type === "date" || type === "datetime-local" ? "请输入有效的日期。" : "请输入有效的值。";
    if (v.patternMismatch) return el.title ? el.title : "格式不正确。";
    if (v.tooShort) return "至少 " + el.minLength + " 个字符（现有 " + el.value.length + " 个）。";
    if (v.tooLong) return "最多 " + el.maxLength + " 个字符。";
    if (v.rangeUnderflow) return "不能小于 " + el.min + "。";
    if (v.rangeOverflow) return "不能大于 " + el.max + "。";
    if (v.stepMismatch) return "数值不符合要求。";
    return "";
  }
  function clear(el) {
    if (!el || !el.setCustomValidity) return;
    if (el.type === "radio" && el.form && el.name) {
      Array.prototype.forEach.call(el.form.querySelectorAll("input[type=radio]"), function (r) {
        if (r.name === el.name) r.setCustomValidity("");
      });
    } else {
      el.setCustomValidity("");
    }
  }
  document.addEventListener("invalid", function (event) {
    var el = event.target;
    if (!el || !el.setCustomValidity) return;
    el.setCustomValidity("");
    if (!el.validity.valid) el.setCustomValidity(message(el));
  }, true);
  document.addEventListener("input", function (event) { clear(event.target); }, true);
  document.addEventListener("change", function (event) {
    var el = event.target;
    clear(el);
    if (el && el.type === "file" && el.id) {
      var shown = document.querySelector('[data-file-name-for="' + el.id + '"]');
      if (shown) {
        var names = Array.prototype.map.call(el.files || [], function (f) { return f.name; });
        shown.textContent = names.length ? names.join("、") : "未选择文件";
      }
    }
  }, true);
})();
