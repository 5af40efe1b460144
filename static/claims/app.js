// Behaviour shared by every page. No inline script or handler anywhere: the
// Content-Security-Policy forbids them.
(function () {
  "use strict";
  // The language switch submits itself when a language is chosen (a button shows without JS).
  var language = document.getElementById("language");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }
})();
