// Billing Desk behaviour that htmx attributes don't cover. No inline scripts anywhere (strict CSP).
(function () {
  "use strict";

  // "/" focuses the page's search field, unless the person is already typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var search = document.querySelector("[data-search-focus]");
    if (search) { event.preventDefault(); search.focus(); search.select && search.select(); }
  });

  // Copy buttons: <button type="button" data-copy="value">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var value = button.getAttribute("data-copy");
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done);
    } else {
      var area = document.createElement("textarea");
      area.value = value; document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); done(); } finally { area.remove(); }
    }
  });
})();
