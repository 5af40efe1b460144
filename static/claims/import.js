// The import page follows its import: the bar moves as the file is read, and the page reloads
// to show the report once the import is done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var records = box.querySelector(".records");
  function follow() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.finished) { window.location.reload(); return; }
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        records.textContent = records.textContent.replace(/^\d+/, String(data.records));
        setTimeout(follow, 1000);
      })
      .catch(function () { setTimeout(follow, 3000); });
  }
  setTimeout(follow, 1000);
  box.dataset.ready = "true";
})();
