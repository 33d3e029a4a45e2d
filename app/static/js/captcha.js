// A click on the captcha image draws a new one (the same address, a new cache-busting number).
document.getElementById("captcha-image").addEventListener("click", function () {
  this.src = this.src.replace(/\?.*$/, "") + "?r=" + Date.now();
});
