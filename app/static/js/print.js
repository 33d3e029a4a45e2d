// The print pages' 打印 button, as a file so that a strict Content-Security-Policy needs no inline script.
document.getElementById("print-button").addEventListener("click", function () { window.print(); });
