// Recording a claim from a source: the selected passage fills the quote and its offsets,
// similar claims are proposed, and entities are found by any of their names.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  var text = document.getElementById("source-text");
  if (!form || !text) return;

  var field = function (name) { return form.querySelector("[name='" + name + "']"); };
  // Offsets count characters (code points), as the server does, not UTF-16 units.
  var length = function (s) { return Array.from(s).length; };

  function selectedPassage() {
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var quote = range.toString();
    var start = length(before.toString());
    // Leave out the spaces a selection often takes at its ends.
    var lead = quote.length - quote.replace(/^\s+/, "").length;
    var trimmed = quote.trim();
    if (!trimmed) return null;
    start += length(quote.slice(0, lead));
    return { quote: trimmed, start: start, end: start + length(trimmed) };
  }

  var proposals = document.getElementById("proposals");
  function propose(passage) {
    if (!proposals) return;
    fetch(form.dataset.similarUrl + "?q=" + encodeURIComponent(passage), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        proposals.textContent = "";
        if (!data.results.length) return;
        var intro = document.createElement("p");
        intro.className = "helptext";
        intro.textContent = proposals.dataset.intro || "Claims that look the same:";
        proposals.appendChild(intro);
        var list = document.createElement("ul");
        list.className = "proposals";
        data.results.forEach(function (claim) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "secondary";
          button.textContent = "#" + claim.id + " " + claim.statement;
          button.addEventListener("click", function () {
            field("claim").value = claim.id;
            field("statement").value = "";
            field("claim").focus();
          });
          item.appendChild(button);
          list.appendChild(item);
        });
        proposals.appendChild(list);
      })
      .catch(function () { /* proposals are a help, not a requirement */ });
  }

  function onSelect() {
    var passage = selectedPassage();
    if (!passage) return;
    field("quote").value = passage.quote;
    field("start").value = passage.start;
    field("end").value = passage.end;
    propose(passage.quote);
  }
  text.addEventListener("mouseup", onSelect);
  text.addEventListener("keyup", onSelect);
  // The script is deferred: a passage selected while the page was still loading is taken too.
  onSelect();

  // Entity look-up by any name or alias: for one name (speaker, subject) or a list (value).
  function autocomplete(input, list) {
    var box = document.createElement("div");
    box.className = "suggestions";
    box.hidden = true;
    box.setAttribute("role", "listbox");
    input.insertAdjacentElement("afterend", box);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var parts = input.value.split(",");
      var typed = (list ? parts[parts.length - 1] : input.value).trim();
      if (typed.length < 2) { box.hidden = true; return; }
      timer = setTimeout(function () {
        fetch(form.dataset.entityUrl + "?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            box.textContent = "";
            data.results.forEach(function (entity) {
              var option = document.createElement("button");
              option.type = "button";
              option.setAttribute("role", "option");
              option.textContent = entity.name + (entity.aliases.length ? " — " + entity.aliases.join(", ") : "");
              option.addEventListener("click", function () {
                if (list) {
                  parts[parts.length - 1] = " " + entity.name;
                  input.value = parts.join(",").replace(/^\s+/, "");
                } else {
                  input.value = entity.name;
                }
                box.hidden = true;
                input.focus();
              });
              box.appendChild(option);
            });
            box.hidden = !data.results.length;
          });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") box.hidden = true;
    });
  }
  ["speaker", "subject"].forEach(function (name) { if (field(name)) autocomplete(field(name), false); });
  if (field("value")) autocomplete(field("value"), true);

  // Tells tests (and anything waiting on the form) that selecting a passage now fills it in.
  form.dataset.ready = "true";
})();
