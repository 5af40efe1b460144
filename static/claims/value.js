// A version's value field takes the shape of its claim's value type: none for a claim that
// states no value; yes / no to pick; a number's keyboard; a date and its precision (a year,
// a month or a day); a set's names as chips, each removable, beside the box that looks them
// up. What is sent is still the one text field the server reads (``parse_value``): without
// this script, the editor types it. The texts it shows come from the field's data- attributes
// (translated by the server). A field that knows its type says so (data-value-type); the
// record form tells it the type of the claim picked (``ClaimTracker.shapeValue``).
(function () {
  "use strict";

  function changed(box) {
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function radios(name, label, choices, checked, onPick) {
    var group = document.createElement("div");
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-label", label);
    choices.forEach(function (choice) {
      var option = document.createElement("label");
      option.className = "inline";
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = choice[0];
      radio.checked = choice[0] === checked;
      radio.addEventListener("change", function () { onPick(choice[0]); });
      option.appendChild(radio);
      option.appendChild(document.createTextNode(" " + choice[1]));
      group.appendChild(option);
    });
    return group;
  }

  function yesNo(box, extra, label) {
    var said = box.value.trim().toLowerCase();
    var yes = box.dataset.yes, no = box.dataset.no;
    var checked = said === "yes" || said === yes ? "yes" : said === "no" || said === no ? "no" : "";
    extra.appendChild(radios(box.name + "-choice", label, [["yes", yes], ["no", no]], checked,
      function (picked) { box.value = picked; changed(box); }));
  }

  // A date as the server writes it: "2021", "2022-05", "2018-06-26". The precision picked
  // decides the input (a year's number, a month, a day) and what of the date is kept.
  var SHAPES = { year: /^\d{4}$/, month: /^\d{4}-\d{2}$/, day: /^\d{4}-\d{2}-\d{2}$/ };
  var LENGTHS = { year: 4, month: 7, day: 10 };
  function datePicker(box, extra, label) {
    var value = box.value.trim();
    var precision = ["day", "month", "year"].filter(function (p) { return SHAPES[p].test(value); })[0];
    if (value && !precision) return false;  // typed some other way ("mai 2022"): left as typed
    precision = precision || "day";
    var input = document.createElement("input");
    input.setAttribute("aria-label", label);
    function show() {
      input.type = { year: "number", month: "month", day: "date" }[precision];
      if (precision === "year") { input.min = "1000"; input.max = "9999"; input.step = "1"; }
      input.value = SHAPES[precision].test(box.value) ? box.value : "";
    }
    var group = radios(box.name + "-precision", box.dataset.precisionLabel, [
      ["year", box.dataset.year], ["month", box.dataset.month], ["day", box.dataset.day],
    ], precision, function (picked) {
      precision = picked;
      // A more precise date keeps less of itself; a less precise one asks for the rest.
      if (box.value.length >= LENGTHS[picked]) box.value = box.value.slice(0, LENGTHS[picked]);
      show();
      changed(box);
    });
    input.addEventListener("change", function () {
      box.value = input.value;
      changed(box);
    });
    show();
    extra.appendChild(group);
    extra.appendChild(input);
    return true;
  }

  function chips(box, extra) {
    var list = document.createElement("ul");
    list.className = "chips";
    list.setAttribute("aria-label", box.dataset.chipsLabel);
    box.value.split(",").map(function (name) { return name.trim(); }).filter(Boolean)
      .forEach(function (name, at, names) {
        var chip = document.createElement("li");
        chip.textContent = name + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", box.dataset.removeLabel.replace("{name}", name));
        remove.addEventListener("click", function () {
          box.value = names.filter(function (_, other) { return other !== at; }).join(", ");
          shapeValue(box, "entities");
          box.focus();
          changed(box);
        });
        chip.appendChild(remove);
        list.appendChild(chip);
      });
    extra.appendChild(list);
  }

  function shapeValue(box, type) {
    var wrapper = box.closest(".field");
    var label = wrapper.querySelector("label").textContent.replace(/\s*:\s*$/, "");
    var extra = box.parentNode.querySelector(".value-extra");
    if (!extra) {
      extra = document.createElement("div");
      extra.className = "value-extra";
      box.insertAdjacentElement("afterend", extra);
      // Names typed in the box become chips as soon as it is left.
      box.addEventListener("change", function () {
        if (extra.dataset.type === "entities") shapeValue(box, "entities");
      });
    }
    extra.textContent = "";
    extra.dataset.type = type;
    wrapper.hidden = type === "none";
    box.hidden = false;
    box.inputMode = type === "number" ? "decimal" : "text";
    box.placeholder = box.dataset["hint" + type.charAt(0).toUpperCase() + type.slice(1)] || "";
    // Entities are looked up only when the value is a set of them.
    if (type === "entities") { delete box.dataset.lookupOff; } else { box.dataset.lookupOff = "true"; }
    if (type === "boolean") {
      box.hidden = true;
      yesNo(box, extra, label);
    } else if (type === "date") {
      box.hidden = datePicker(box, extra, label);
    } else if (type === "entities") {
      chips(box, extra);
    }
  }

  window.ClaimTracker.shapeValue = shapeValue;
  Array.prototype.forEach.call(document.querySelectorAll("input[data-value-type]"), function (box) {
    shapeValue(box, box.dataset.valueType);
  });
})();
