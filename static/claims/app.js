// Behaviour shared by every page. No inline script or handler anywhere: the
// Content-Security-Policy forbids them.
(function () {
  "use strict";
  // The language switch submits itself when a language is chosen (a button shows without JS).
  var language = document.getElementById("language");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }

  // A type-ahead look-up on a text box: suggestions from a JSON end point ({results: [{name,
  // aliases}]}) by any name or alias, accents aside; a click puts the name in the box. With
  // ``list``, the box holds names separated by commas and the last one is looked up.
  function lookUp(input, url, list) {
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
        fetch(url + "?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            box.textContent = "";
            data.results.forEach(function (found) {
              var option = document.createElement("button");
              option.type = "button";
              option.setAttribute("role", "option");
              var aliases = found.aliases || [];
              option.textContent = found.name + (aliases.length ? " — " + aliases.join(", ") : "");
              option.addEventListener("click", function () {
                if (list) {
                  parts[parts.length - 1] = " " + found.name;
                  input.value = parts.join(",").replace(/^\s+/, "");
                } else {
                  input.value = found.name;
                }
                box.hidden = true;
                input.focus();
                input.dispatchEvent(new Event("change", { bubbles: true }));
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
  window.ClaimTracker = { lookUp: lookUp };

  // A form sent back with problems: its summary of them takes the focus (a screen reader
  // reads it; the page scrolls to it), and each problem links to its field.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-lookup-url]"), function (input) {
    lookUp(input, input.dataset.lookupUrl, false);
  });
  document.body.dataset.ready = "true";
})();
