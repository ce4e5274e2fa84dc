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
  // Retry buttons after throttling: <a data-retry-after="7">Retry</a> waits out Nexudus's Retry-After.
  function armRetry(root) {
    (root || document).querySelectorAll("[data-retry-after]:not([data-retry-armed])").forEach(function (button) {
      var seconds = parseInt(button.getAttribute("data-retry-after"), 10);
      if (!(seconds > 0)) return;
      button.setAttribute("data-retry-armed", "");
      var label = button.textContent;
      button.setAttribute("aria-disabled", "true");
      button.classList.add("waiting");
      var tick = function () {
        if (seconds <= 0) {
          button.textContent = label;
          button.removeAttribute("aria-disabled");
          button.classList.remove("waiting");
          return;
        }
        button.textContent = label + " in " + seconds + " s";
        seconds -= 1;
        setTimeout(tick, 1000);
      };
      tick();
    });
  }
  document.addEventListener("click", function (event) {
    var waiting = event.target.closest("[data-retry-after][aria-disabled='true']");
    if (waiting) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { armRetry(document); });
  document.addEventListener("htmx:load", function (event) { armRetry(event.target); });

  // When our own server cannot be reached during an htmx request, say so where the answer would go.
  document.addEventListener("htmx:sendError", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.insertAdjacentHTML) return;
    if (target.querySelector(":scope > .connection-problem")) return;
    var note = document.createElement("p");
    note.className = "state state-error connection-problem";
    note.setAttribute("role", "alert");
    note.textContent = "Billing Desk could not be reached. Check your connection and try again.";
    target.prepend(note);
  });
})();
