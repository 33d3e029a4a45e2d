// Behaviour every page shares, in a file so that the strict Content-Security-Policy needs no inline script
// and no inline event handler:
// - form[data-confirm] / button[data-confirm]: ask before submitting;
// - select[data-autosubmit]: choosing a value submits its form;
// - a[data-back]: goes back one page;
// - Flask-AppBuilder's datepicker and select2 speak Chinese (their vendored zh-CN files load before this one).
(function () {
  "use strict";
  if (window.jQuery) {
    var $ = window.jQuery;
    if ($.fn.datepicker) {
      $.fn.datepicker.defaults.language = "zh-CN";
      $.fn.datepicker.defaults.format = "yyyy-mm-dd";
      $.fn.datepicker.defaults.weekStart = 1;
    }
    if ($.fn.select2 && $.fn.select2.defaults) {
      $.fn.select2.defaults.set("language", "zh-CN");
    }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm], input[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    var back = event.target.closest && event.target.closest("a[data-back]");
    if (back) { event.preventDefault(); window.history.back(); }
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) { select.form.submit(); }
  });
}());

// 划拨: the 全选 box ticks every row of its form.
document.addEventListener("change", function (event) {
  if (event.target.id !== "tick-all") { return; }
  var scope = event.target.form || document;
  scope.querySelectorAll("input.tick").forEach(function (box) { box.checked = event.target.checked; });
});

// 用户管理: a double click on a row opens the user's 修改 page.
document.addEventListener("dblclick", function (event) {
  var row = event.target.closest && event.target.closest("[data-dblclick-edit] tbody tr");
  var edit = row && row.querySelector("a[href*='/edit/']");
  if (edit) { window.location = edit.getAttribute("href"); }
});
