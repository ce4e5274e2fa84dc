// Invoice lookup: the Print button (no inline handlers anywhere: strict CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
})();
