/* 我的任务: while a job is 排队中 or 进行中, poll /jobs/status and update its row (state, progress, result). */
(function () {
  "use strict";
  var table = document.getElementById("job-list");
  if (!table) { return; }
  var url = table.getAttribute("data-status-url");
  var INTERVAL = 1000;

  function number(n) { return Number(n).toLocaleString("en-US"); }

  function setText(cell, selector, text) {
    var node = cell.querySelector(selector);
    if (node) { node.textContent = text; }
  }

  function update(row, job) {
    var label = row.querySelector(".job-state .label");
    label.className = "label job-state-" + job.state;
    label.textContent = job.state_title;
    var bar = row.querySelector("progress");
    if (job.percent === null) {
      bar.removeAttribute("value");
      setText(row, ".job-percent", "");
    } else {
      bar.value = job.percent;
      setText(row, ".job-percent", job.percent + "%");
    }
    setText(row, ".job-count", job.total ? number(job.done) + " / " + number(job.total) : "");
    setText(row, ".job-finished", job.finished);
    var result = row.querySelector(".job-result");
    if (!job.active && !result.querySelector("a, span")) {
      result.textContent = "";
      // A failed job may keep a result too (the error list of a refused import): reason, then the file.
      if (job.error) {
        var error = document.createElement("span");
        error.className = "text-danger job-error";
        error.textContent = job.error;
        result.appendChild(error);
      }
      if (job.download) {
        var link = document.createElement("a");
        link.className = "btn btn-xs btn-primary job-download";
        link.href = job.download;
        link.textContent = "下载 " + job.result_name;
        result.appendChild(link);
      }
    }
    row.setAttribute("data-active", job.active ? "1" : "0");
  }

  function anyActive() {
    return table.querySelector("tr[data-active='1']") !== null;
  }

  function poll() {
    if (!anyActive()) { return; }
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 200) {
        var jobs = JSON.parse(request.responseText).jobs;
        jobs.forEach(function (job) {
          var row = table.querySelector("tr[data-job-id='" + job.id + "']");
          if (row) { update(row, job); }
        });
      }
      window.setTimeout(poll, INTERVAL);
    };
    request.onerror = function () { window.setTimeout(poll, INTERVAL * 5); };
    request.send();
  }

  window.setTimeout(poll, INTERVAL);
}());
