// Ledger entry form: choosing a match from a picker fills the id field. No inline scripts (strict CSP).
(function () {
  "use strict";

  function pickerOf(element) { return element && element.closest("[data-picker]"); }
  function idInput(picker) {
    return picker.querySelector('input[name="' + picker.getAttribute("data-picker") + '"]');
  }
  // The chosen name is shown and kept in a hidden field, so it survives errors and "Change the details".
  function setChosen(picker, name, id) {
    var chosen = picker.querySelector("[data-picker-chosen]");
    if (chosen) chosen.textContent = name ? "Chosen: " + name + " (#" + id + ")" : "";
    var label = picker.querySelector('input[name="' + picker.getAttribute("data-picker") + '_label"]');
    if (label) label.value = name || "";
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick]");
    var picker = pickerOf(option);
    if (!picker) return;
    var input = idInput(picker);
    input.value = option.getAttribute("data-pick");
    setChosen(picker, option.getAttribute("data-pick-label"), input.value);
    // A customer's invoicing business is the usual business of the entry: offer it when none is set.
    var business = option.getAttribute("data-pick-business");
    var businessPicker = document.querySelector('[data-picker="business_id"]');
    if (business && businessPicker && !idInput(businessPicker).value) {
      idInput(businessPicker).value = business;
      setChosen(businessPicker, option.getAttribute("data-pick-business-label") || "the customer's invoicing business", business);
    }
    var options = picker.querySelector("[data-picker-options]");
    if (options) options.textContent = "";
    var search = picker.querySelector("[data-picker-search]");
    if (search) { search.value = ""; search.setAttribute("data-picked", ""); }
    input.focus();
  });

  // A search typed just before the pick may still be waiting out its debounce: once a match is picked
  // (and the box emptied), that late request would list matches again, so it is dropped.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var search = event.detail.elt;
    if (search && search.hasAttribute("data-picked") && search.value === "") event.preventDefault();
  });

  document.addEventListener("input", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) return;
    if (event.target === idInput(picker)) setChosen(picker, "", "");  // a typed id replaces the pick
    if (event.target.hasAttribute("data-picker-search")) event.target.removeAttribute("data-picked");
  });
})();
