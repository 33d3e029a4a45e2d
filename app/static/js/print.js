// The print pages' 打印 and 返回 buttons, as a file so that a strict Content-Security-Policy needs no inline script.
document.getElementById("print-button").addEventListener("click", function () { window.print(); });
document.querySelectorAll("a[data-back]").forEach(function (link) {
  link.addEventListener("click", function (event) { event.preventDefault(); window.history.back(); });
});
