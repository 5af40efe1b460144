// Recording a claim from a source: the selected passage fills the quote and its offsets,
// similar claims are proposed, and entities are found by any of their names.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  var text = document.getElementById("source-text");
  if (!text) return;

  // A recorded quote clicked (not a passage being selected): its entry in the list of
  // recorded quotes — with the link to its claim — takes the focus. From a keyboard, that
  // list is the way (each quote in it is a link).
  text.addEventListener("click", function (event) {
    var quote = event.target.closest("mark[data-appearances]");
    if (!quote || !window.getSelection().isCollapsed) return;
    var entry = document.getElementById("appearance-" + quote.dataset.appearances.split(" ")[0]);
    var link = entry && entry.querySelector("a");
    if (link) {
      entry.scrollIntoView({ block: "center" });
      link.focus();
    }
  });
  if (!form) return;

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

  // Proposals: htmx asks the server for the claims that may be this one (``#proposals``'s
  // hx-get, with the form's fields) and puts its answer there; a newer question replaces an
  // older one (hx-sync). This script says when to ask: a passage selected, or a field that
  // finds the claim of the same fact changed.
  var proposals = document.getElementById("proposals");
  function propose() {
    if (proposals && field("quote").value.trim() && window.htmx) htmx.trigger(proposals, "propose");
  }
  if (proposals) {
    // Tells tests (and assistive tools) whether an answer is on its way, and for which passage.
    proposals.addEventListener("htmx:beforeRequest", function () {
      proposals.dataset.pending = "true";
    });
    proposals.addEventListener("htmx:afterSettle", function () {
      proposals.dataset.pending = "false";
      proposals.dataset.shown = field("quote").value;
    });
    proposals.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-claim]");
      if (!button) return;
      choose({
        id: button.dataset.claim,
        statement: button.dataset.statement,
        value_type: button.dataset.type,
        value_type_label: button.dataset.typeLabel,
        current_value: button.dataset.current,
      });
    });
  }
  ["quote", "subject", "property", "value_type", "value"].forEach(function (name) {
    if (field(name)) field(name).addEventListener("change", propose);
  });

  // A claim picked among the proposals: the form says which (its statement, value type and
  // current value) and hides the new claim's fields, which no longer apply; "a new claim
  // instead" brings them back. Without this script every field shows.
  var NEW_CLAIM = ["statement", "subject", "property", "value_type"];
  var chosen = document.createElement("div");
  chosen.id = "chosen-claim";
  chosen.className = "notice";
  chosen.hidden = true;
  chosen.setAttribute("aria-live", "polite");
  var claimField = document.getElementById("field-claim");
  if (claimField) claimField.insertAdjacentElement("afterend", chosen);
  function showNewClaim(shown) {
    NEW_CLAIM.forEach(function (name) {
      var wrapper = document.getElementById("field-" + name);
      if (wrapper) wrapper.hidden = !shown;
    });
  }
  function choose(claim) {
    field("claim").value = claim.id;
    NEW_CLAIM.forEach(function (name) { if (field(name) && name !== "value_type") field(name).value = ""; });
    chosen.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "#" + claim.id + " " + claim.statement;
    var facts = document.createElement("p");
    facts.className = "small";
    facts.textContent = form.dataset.typeLabel + " " + claim.value_type_label +
      (claim.current_value ? " · " + form.dataset.currentLabel + " " + claim.current_value : "");
    var again = document.createElement("button");
    again.type = "button";
    again.className = "secondary small";
    again.textContent = form.dataset.newClaimLabel;
    again.addEventListener("click", function () {
      field("claim").value = "";
      chosen.hidden = true;
      showNewClaim(true);
      field("statement").focus();
    });
    chosen.appendChild(title);
    chosen.appendChild(facts);
    chosen.appendChild(again);
    chosen.hidden = false;
    showNewClaim(false);
    valueFor(claim.value_type);
    field("attribution").focus();
  }

  // The value field takes the shape of the claim's value type: the chosen claim's, or the
  // new claim's (value.js).
  var valueBox = field("value");
  function valueFor(type) {
    if (valueBox) window.ClaimTracker.shapeValue(valueBox, type);
  }
  if (field("value_type")) {
    field("value_type").addEventListener("change", function () {
      if (!field("claim").value) valueFor(field("value_type").value || "none");
    });
    if (!field("claim").value) valueFor(field("value_type").value || "none");
  }

  // The passage being recorded stays marked while the form is filled in (the selection goes
  // as soon as the form is clicked): a CSS custom highlight, where the browser has them.
  function mark(range) {
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set("chosen-passage", new Highlight(range));
    }
  }

  function onSelect() {
    var passage = selectedPassage();
    if (!passage) return;
    field("quote").value = passage.quote;
    field("start").value = passage.start;
    field("end").value = passage.end;
    mark(window.getSelection().getRangeAt(0).cloneRange());
    propose();
  }
  text.addEventListener("mouseup", onSelect);
  text.addEventListener("keyup", onSelect);

  // From a keyboard: the text takes a caret (Tab to it, then Shift and the arrow keys select
  // a passage) but is not edited — a read-only text box to assistive tools, no key or paste
  // changes it, and a phone shows no keyboard.
  text.contentEditable = "true";
  text.spellcheck = false;
  text.setAttribute("role", "textbox");
  text.setAttribute("aria-multiline", "true");
  text.setAttribute("aria-readonly", "true");
  text.setAttribute("inputmode", "none");
  ["beforeinput", "paste", "drop", "cut"].forEach(function (kind) {
    text.addEventListener(kind, function (event) { event.preventDefault(); });
  });
  // The script is deferred: a passage selected while the page was still loading is taken too.
  onSelect();

  // Tells tests (and anything waiting on the form) that selecting a passage now fills it in.
  window.ClaimTracker.whenReady(function () { form.dataset.ready = "true"; });
})();
