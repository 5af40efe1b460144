// Behaviour shared by every page. No inline script or handler anywhere: the
// Content-Security-Policy forbids them.
(function () {
  "use strict";
  // The language switch submits itself when a language is chosen (a button shows without JS).
  var language = document.getElementById("language");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }

  // A type-ahead look-up on a text box: htmx asks the end point for the suggestions (any
  // name or alias, accents aside) and puts them, rendered by the server, in a list box under
  // the box. An ARIA combobox: the arrow keys move through the suggestions, Enter takes one,
  // Escape closes them; a click takes one too. With ``list``, the box holds names separated
  // by commas and the last one is looked up. Any text box with data-lookup-url is one
  // (data-lookup-list: a list); data-lookup-off pauses it.
  var boxes = 0;
  function lookUp(input, url, list) {
    var box = document.createElement("div");
    box.className = "suggestions";
    box.id = "suggestions-" + (++boxes);
    box.hidden = true;
    box.setAttribute("role", "listbox");
    input.insertAdjacentElement("afterend", box);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", box.id);
    var active = -1;
    var options = function () { return box.querySelectorAll("[role=option]"); };
    var typed = function () {
      var parts = input.value.split(",");
      return (list ? parts[parts.length - 1] : input.value).trim();
    };

    function show(open) {
      box.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) { activate(-1); }
    }
    function activate(index) {
      var all = options();
      active = index;
      Array.prototype.forEach.call(all, function (option, at) {
        option.setAttribute("aria-selected", at === index ? "true" : "false");
      });
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function take(name) {
      var parts = input.value.split(",");
      if (list) {
        parts[parts.length - 1] = " " + name;
        input.value = parts.join(",").replace(/^\s+/, "");
      } else {
        input.value = name;
      }
      show(false);
      input.focus();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    if (window.htmx) {
      input.setAttribute("hx-get", url);
      input.setAttribute("hx-trigger", "input changed delay:200ms");
      input.setAttribute("hx-target", "#" + box.id);
      input.setAttribute("hx-sync", "this:replace");
      // The question is the name being typed (the last of a list), not the box's value.
      input.addEventListener("htmx:configRequest", function (event) {
        if (typed().length < 2 || input.dataset.lookupOff) { event.preventDefault(); show(false); return; }
        delete event.detail.parameters[input.name];
        event.detail.parameters.q = input.dataset.asked = typed();
      });
      box.addEventListener("htmx:afterSwap", function () {
        Array.prototype.forEach.call(options(), function (option, at) {
          option.id = box.id + "-" + at;
        });
        activate(-1);
        show(options().length > 0);
        // Which name the suggestions on show answer (a newer question replaces an older).
        input.dataset.answered = input.dataset.asked;
      });
      htmx.process(input);
    }
    // On mousedown: the box keeps the focus (a click would blur it first).
    box.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      take(option.dataset.name);
    });
    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        show(true);
        activate((active + 1) % all.length);
      } else if (event.key === "ArrowUp" && all.length && !box.hidden) {
        event.preventDefault();
        activate(active <= 0 ? all.length - 1 : active - 1);
      } else if (event.key === "Enter" && !box.hidden && active >= 0) {
        event.preventDefault();  // takes the suggestion; does not send the form
        take(all[active].dataset.name);
      } else if (event.key === "Escape" && !box.hidden) {
        event.preventDefault();
        show(false);
      }
    });
    input.addEventListener("blur", function () { show(false); });
  }
  // The page is ready once htmx has processed it — it says so by an htmx:load on the body,
  // after DOMContentLoaded, so after every deferred script here. Before that an hx- attribute
  // does nothing: an event meant for htmx would be lost, a form would post the plain way.
  // Readiness marks (body[data-ready], the record form's) wait for it.
  var waiting = [];
  function whenReady(callback) {
    if (waiting) { waiting.push(callback); } else { callback(); }
  }
  function ready() {
    var callbacks = waiting;
    waiting = null;
    callbacks.forEach(function (callback) { callback(); });
  }
  if (window.htmx) {
    htmx.onLoad(function (element) { if (element === document.body && waiting) ready(); });
  } else {
    document.addEventListener("DOMContentLoaded", ready);
  }
  window.ClaimTracker = { lookUp: lookUp, whenReady: whenReady };

  // A form sent back with problems: its summary of them takes the focus (a screen reader
  // reads it; the page scrolls to it), and each problem links to its field.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  // The same for a form htmx sent back in place.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.detail.elt.querySelector && event.detail.elt.querySelector(".error-summary");
    if (swapped) { swapped.focus(); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-lookup-url]"), function (input) {
    lookUp(input, input.dataset.lookupUrl, input.dataset.lookupList === "true");
  });
  whenReady(function () { document.body.dataset.ready = "true"; });
})();
