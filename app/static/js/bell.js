/* The top bar's 消息中心 bell: asks for the unread count every NOTIFICATION_POLL_SECONDS (30 by default) and shows it on the badge.
   Stops asking once the answer is not a count (signed out, session ended). */
(function () {
  "use strict";
  var link = document.getElementById("notification-bell-link");
  var badge = document.getElementById("notification-count");
  if (!link || !badge || !window.fetch) { return; }
  var url = link.getAttribute("data-count-url");
  var interval = parseInt(link.getAttribute("data-interval"), 10) || 30000;
  var timer = null;

  function show(count) {
    badge.textContent = String(count);
    if (count > 0) { badge.classList.remove("hidden"); } else { badge.classList.add("hidden"); }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, redirect: "error"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (typeof data.unread !== "number") { throw new Error("no count"); }
        show(data.unread);
      })
      .catch(function () { if (timer) { window.clearInterval(timer); timer = null; } });
  }

  timer = window.setInterval(poll, interval);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && timer) { poll(); }
  });
}());
