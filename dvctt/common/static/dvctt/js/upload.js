/* Draft uploads, progressive enhancement: check type and size before sending, send each file on its own
   with a progress bar, offer "Thử lại" when the connection drops (the draft and the other files are kept).
   Without this script the same form posts every file at once and the server checks them the same way. */
(function () {
  "use strict";
  var form = document.querySelector("form.upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var accept = (form.getAttribute("data-accept") || "").toLowerCase().split(",");
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function extension(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot).toLowerCase();
  }

  function problem(file) {
    if (accept.indexOf(extension(file.name)) < 0) { return file.name + ": " + msg("type"); }
    if (file.size === 0) { return file.name + ": " + msg("empty"); }
    if (maxBytes && file.size > maxBytes) { return file.name + ": " + msg("size"); }
    return "";
  }

  function showError(field, text) {
    var list = field.querySelector(".errorlist");
    var item = document.createElement("li");
    item.textContent = text;
    list.appendChild(item);
    field.classList.add("has-error");
  }

  function fileList(field) {
    var list = field.querySelector(".file-list");
    if (!list) {
      list = document.createElement("ul");
      list.className = "file-list";
      field.insertBefore(list, field.querySelector("input[type=file]"));
    }
    return list;
  }

  function addDone(field, data) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = data.file.name + " (" + Math.max(1, Math.round(data.file.size / 1024)) + " KB) · " + msg("done");
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = msg("remove");
    remove.setAttribute("aria-label", msg("remove") + " " + data.file.name);
    remove.addEventListener("click", function () {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", data.delete_url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.onload = function () { if (xhr.status === 200) { item.parentNode.removeChild(item); } };
      xhr.send(new FormData());
    });
    item.appendChild(label);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(remove);
    fileList(field).appendChild(item);
  }

  function send(field, file) {
    var status = field.querySelector(".upload-status");
    var row = document.createElement("div");
    row.className = "upload-row";
    var name = document.createElement("span");
    name.textContent = file.name + " ";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    row.appendChild(name);
    row.appendChild(bar);
    status.appendChild(row);

    // The bytes are read once into memory: a retry must not depend on the picked file still being readable
    // (the input is cleared, and some browsers refuse to re-read a file after a failed upload).
    var payload = file;

    function attempt() {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf);
      body.append("component", field.getAttribute("data-component"));
      body.append("file", payload, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) { bar.value = Math.round((event.loaded / event.total) * 100); }
      };
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        row.parentNode && row.parentNode.removeChild(row);
        if (xhr.status === 200 && data && data.ok) { addDone(field, data); }
        else { showError(field, (data && data.error) || msg("network")); }
      };
      xhr.onerror = function () {
        // The connection dropped: keep the row, offer a retry of this one file.
        bar.value = 0;
        var note = document.createElement("span");
        note.className = "upload-error";
        note.textContent = " " + msg("network") + " ";
        var retry = document.createElement("button");
        retry.type = "button";
        retry.className = "button small";
        retry.textContent = msg("retry");
        retry.addEventListener("click", function () {
          row.removeChild(note);
          row.removeChild(retry);
          attempt();
        });
        row.appendChild(note);
        row.appendChild(retry);
        retry.focus();
      };
      xhr.send(body);
    }
    if (file.arrayBuffer) {
      file.arrayBuffer().then(function (buffer) {
        payload = new Blob([buffer], { type: file.type });
        attempt();
      }, attempt);
    } else {
      attempt();
    }
  }

  var inputs = form.querySelectorAll(".upload-field input[type=file]");
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () {
      var field = input.closest(".upload-field");
      field.querySelector(".errorlist").innerHTML = "";
      field.classList.remove("has-error");
      Array.prototype.forEach.call(input.files, function (file) {
        var bad = problem(file);
        if (bad) { showError(field, bad); } else { send(field, file); }
      });
      // Sent separately: the form's own submit must not send them again.
      input.value = "";
    });
  });
})();
