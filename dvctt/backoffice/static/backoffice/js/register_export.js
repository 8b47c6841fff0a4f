// Back office: the status page of a long tracking register's PDF. While the export is queued or running, ask its
// JSON record every 2 seconds and show the progress in the live region; once it is done (or failed), load the page
// again, which then shows the download button. Without this script the page has a link to look again by hand.
// (No <meta http-equiv="refresh">: a timed reload is an accessibility failure, WCAG 2.2.1.)
(function () {
  "use strict";

  var box = document.getElementById("register-export");
  if (!box || !box.dataset.statusUrl || box.dataset.running !== "1") { return; }
  var state = document.getElementById("register-export-state");
  var bar = document.getElementById("register-export-progress");
  var rowsLabel = box.dataset.rowsLabel || "";

  function show(record) {
    var text = record.state_label;
    if (record.rows_total !== null) {
      text += ": " + record.rows_done + "/" + record.rows_total + " " + rowsLabel;
      if (bar) { bar.max = record.rows_total; bar.value = record.rows_done; bar.textContent = record.rows_done + "/" + record.rows_total; }
    }
    if (state.textContent !== text) { state.textContent = text; }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (record) {
        if (!record) { return; }
        if (record.state === "done" || record.state === "failed") { window.location.reload(); return; }
        show(record);
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 2000);
})();
