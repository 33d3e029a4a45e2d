/* The admin shell: the menu drawer on phones, the open filter bars, and FAB's row and action buttons
   without inline scripts (a strict Content-Security-Policy allows only files). */
(function () {
  "use strict";
  var body = document.body;
  var toggle = document.getElementById("shell-toggle");
  var backdrop = document.getElementById("shell-backdrop");

  function setMenu(open) {
    body.classList.toggle("shell-menu-open", open);
    if (toggle) { toggle.setAttribute("aria-expanded", open ? "true" : "false"); }
  }
  if (toggle) {
    toggle.addEventListener("click", function () { setMenu(!body.classList.contains("shell-menu-open")); });
  }
  if (backdrop) { backdrop.addEventListener("click", function () { setMenu(false); }); }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && body.classList.contains("shell-menu-open")) { setMenu(false); }
  });

  // Open filter bars: a 是/否 choice sends FAB's argument it names; empty fields are left out of the URL.
  document.querySelectorAll("form.filter-bar").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("select[data-filter-choice]").forEach(function (select) {
        if (!select.value) { return; }
        var pair = select.value.split("=");
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair.slice(1).join("=");
        form.appendChild(input);
      });
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (!field.value) { field.removeAttribute("name"); }
      });
    });
  });

  // Lists marked data-dblclick-edit: a double click on a row opens its 修改 page.
  document.querySelectorAll("[data-dblclick-edit]").forEach(function (list) {
    list.addEventListener("dblclick", function (e) {
      var row = e.target.closest("tbody tr");
      var edit = row && row.querySelector("a[href*='/edit/']");
      if (edit) { window.location = edit.getAttribute("href"); }
    });
  });

  // A wide table scrolls inside its own region on a narrow screen instead of widening the whole page; every such
  // region is focusable and named, so it can be scrolled with the keyboard and is announced.
  function regionName(table) {
    var caption = table && table.querySelector("caption");
    var box = table && table.closest("section, .panel, .card, .box");
    var heading = box && box.querySelector("h1, h2, h3, h4, .panel-title, .card-title");
    var label = caption || heading || document.querySelector("#main-content h1, #main-content h2");
    return label ? label.textContent.trim() : document.title;
  }
  document.querySelectorAll("#main-content table").forEach(function (table) {
    if (table.closest(".table-responsive")) { return; }
    var wrap = document.createElement("div");
    wrap.className = "table-responsive";
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
  });
  document.querySelectorAll("#main-content .table-responsive").forEach(function (wrap) {
    if (!wrap.hasAttribute("tabindex")) { wrap.tabIndex = 0; }
    if (!wrap.hasAttribute("role")) { wrap.setAttribute("role", "region"); }
    if (!wrap.hasAttribute("aria-label")) { wrap.setAttribute("aria-label", regionName(wrap.querySelector("table"))); }
  });

  if (typeof window.jQuery === "undefined" || typeof window.AdminActions === "undefined") { return; }
  var $ = window.jQuery;
  $(function () {
    var actions = new window.AdminActions();
    window.modelActions = actions;
    // 删除 in a list row or on a record page: FAB's confirmation, then a POST with the CSRF token.
    $(document).on("click", "[data-delete-url]", function () {
      actions.execute_single_delete($(this).data("delete-url"), $(this).data("confirm"));
      return false;
    });
    // An action on one record (its page) or on the ticked rows (the list's 批量操作 menu).
    $(document).on("click", "[data-action-url]", function () {
      var form = $("#action_form");
      form.attr("action", $(this).data("action-url"));
      actions.execute_single($(this).data("action-url"), $(this).data("confirm") || false);
      return false;
    });
    $(document).on("click", "[data-multiple-action]", function () {
      if (!$("input.action_check:checked").length) {
        window.ab_alert ? window.ab_alert($(this).data("none-ticked")) : window.alert($(this).data("none-ticked"));
        return false;
      }
      actions.execute_multiple($(this).data("multiple-action"), $(this).data("confirm") || false);
      return false;
    });
  });
})();
