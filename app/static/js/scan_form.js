/* 申请表: 「从扫描件识别」 (app/ocr/views.py). Sends the 身份证复印件 / 等级证书复印件 the form carries (already uploaded,
   or just chosen: uploaded now and kept as the form's scans), polls the reading job, then fills the EMPTY fields
   with what the scans say and, beside each filled field that differs, shows 「扫描件识别为：…」 with 采用.
   Nothing typed is overwritten without the user's click. */
(function () {
  "use strict";
  var box = document.getElementById("scan-read");
  var form = document.getElementById("application-form");
  if (!box || !form) { return; }
  var button = document.getElementById("scan-read-button");
  var status = document.getElementById("scan-read-status");
  var kinds = (box.getAttribute("data-kinds") || "").split(" ").filter(Boolean);
  var off = button.hasAttribute("data-off");
  var POLL_MS = 1000, POLL_LIMIT = 180;

  function msg(name) { return box.getAttribute("data-msg-" + name) || ""; }

  function hidden(kind) { return form.querySelector("input[type=hidden][name='attachment_id_" + kind + "']"); }
  function fileInput(kind) { return document.getElementById("file_" + kind); }

  function hasScan() {
    return kinds.some(function (kind) {
      var h = hidden(kind), f = fileInput(kind);
      return (h && h.value) || (f && f.files && f.files.length);
    });
  }

  function refresh() { button.disabled = off || !hasScan(); }

  function say(text, kind) {
    status.className = "scan-read-status" + (kind ? " scan-read-" + kind : "");
    status.textContent = text;
  }

  function labelOf(name) {
    var label = form.querySelector("label[for='" + name + "']");
    return label ? label.textContent.trim() : name;
  }

  function comparable(name, value) {
    var text = String(value || "").replace(/\s+/g, "");
    if (name === "id_number" || name === "certificate_no") { text = text.toUpperCase(); }
    return text;
  }

  function optionFor(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      if (option.value === value && !option.disabled) { return option; }
    }
    return null;
  }

  function describe(field, id, on) {
    var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== id; });
    if (on) { ids.push(id); }
    if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); } else { field.removeAttribute("aria-describedby"); }
  }

  function clearNote(name) {
    var old = document.getElementById("scan-note-" + name);
    var field = document.getElementById(name);
    if (old) { old.remove(); }
    if (field) { describe(field, "scan-note-" + name, false); }
  }

  function note(name, className) {
    var field = document.getElementById(name);
    var span = document.createElement("span");
    span.id = "scan-note-" + name;
    span.className = "scan-note " + className;
    field.parentNode.appendChild(span);
    describe(field, span.id, true);
    return span;
  }

  function setValue(field, value) {
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function adoptButton(name, value, shown) {
    var adopt = document.createElement("button");
    adopt.type = "button";
    adopt.className = "btn btn-default btn-xs scan-adopt";
    adopt.id = "scan-adopt-" + name;
    adopt.textContent = msg("adopt");
    adopt.setAttribute("aria-label", msg("adopt") + " " + labelOf(name) + "：" + shown);
    adopt.addEventListener("click", function () {
      var field = document.getElementById(name);
      setValue(field, value);
      clearNote(name);
      var done = note(name, "scan-note-adopted");
      done.textContent = msg("adopted");
      say(labelOf(name) + "：" + msg("adopted"), "ok");
      field.focus();
    });
    return adopt;
  }

  function apply(result) {
    var values = result.values || {}, titles = result.titles || {};
    var filled = [], differ = [];
    Object.keys(values).forEach(function (name) {
      var field = document.getElementById(name);
      if (!field || field.type === "hidden") { return; }
      clearNote(name);
      var scanned = values[name], shown = titles[name] || scanned;
      var choosable = field.tagName !== "SELECT" || optionFor(field, scanned) !== null;
      var current = (field.value || "").trim();
      if (!current) {
        if (!choosable) {
          note(name, "scan-note-differ").textContent = msg("scan-says") + shown + msg("no-option");
          differ.push(labelOf(name));
          return;
        }
        setValue(field, scanned);
        note(name, "scan-note-filled").textContent = msg("filled-note");
        filled.push(labelOf(name));
      } else if (comparable(name, current) !== comparable(name, scanned)) {
        var span = note(name, "scan-note-differ");
        var text = document.createElement("span");
        text.className = "scan-says";
        text.textContent = msg("scan-says") + shown + (choosable ? "" : msg("no-option"));
        span.appendChild(text);
        if (choosable) { span.appendChild(document.createTextNode(" ")); span.appendChild(adoptButton(name, scanned, shown)); }
        differ.push(labelOf(name));
      }
    });
    var parts = [];
    if (filled.length) { parts.push(msg("filled") + " " + filled.length + " " + msg("items") + "：" + filled.join("、")); }
    if (differ.length) { parts.push(differ.length + " " + msg("items") + msg("differ") + "：" + differ.join("、")); }
    if (!Object.keys(values).length) {
      parts.push(msg("nothing"));
      (result.reasons || []).forEach(function (r) { parts.push(r); });
    } else if (!filled.length && !differ.length) {
      parts.push(msg("same"));
    }
    say(parts.join("；"), differ.length || !Object.keys(values).length ? "warn" : "ok");
  }

  function keepUploads(uploads) {
    (uploads || []).forEach(function (upload) {
      var cell = document.getElementById("cell-attachment_" + upload.kind);
      if (!cell) { return; }
      var input = hidden(upload.kind);
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = upload.input;
        cell.insertBefore(input, cell.firstChild);
      }
      input.value = String(upload.id);
      var shown = document.getElementById("uploaded-" + upload.kind);
      if (!shown) {
        shown = document.createElement("span");
        shown.className = "uploaded";
        shown.id = "uploaded-" + upload.kind;
        cell.insertBefore(shown, input);
      }
      shown.textContent = "✔ " + msg("uploaded") + "：";
      var link = document.createElement("a");
      link.href = upload.url; link.target = "_blank"; link.rel = "noopener"; link.textContent = upload.name;
      shown.appendChild(link);
      shown.appendChild(document.createTextNode("（" + upload.size + "）"));
      var file = fileInput(upload.kind);
      if (file) { file.value = ""; }
    });
  }

  function finish() { button.removeAttribute("aria-busy"); refresh(); }

  function poll(url, left) {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        if (data.state === "done") { apply(data); finish(); return; }
        if (data.state === "failed") { say(msg("failed") + "：" + (data.error || ""), "warn"); finish(); return; }
        if (left <= 0) { say(msg("timeout"), "warn"); finish(); return; }
        setTimeout(function () { poll(url, left - 1); }, POLL_MS);
      })
      .catch(function () { say(msg("error"), "warn"); finish(); });
  }

  button.addEventListener("click", function () {
    if (button.disabled) { return; }
    var data = new FormData();
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { data.append("csrf_token", token.value); }
    data.append("application", box.getAttribute("data-application") || "");
    var uploading = false;
    kinds.forEach(function (kind) {
      var h = hidden(kind), f = fileInput(kind);
      if (f && f.files && f.files.length) { data.append("file_" + kind, f.files[0]); uploading = true; }
      else if (h && h.value) { data.append("attachment_id_" + kind, h.value); }
    });
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    say(uploading ? msg("uploading") : msg("reading"));
    fetch(box.getAttribute("data-start"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok || !answer.body.status) { say(answer.body.error || msg("error"), "warn"); finish(); return; }
      keepUploads(answer.body.uploads);
      say(msg("reading"));
      poll(answer.body.status, POLL_LIMIT);
    }).catch(function () { say(msg("error"), "warn"); finish(); });
  });

  kinds.forEach(function (kind) {
    var f = fileInput(kind);
    if (f) { f.addEventListener("change", function () { setTimeout(refresh, 0); }); }
  });
  refresh();
})();
