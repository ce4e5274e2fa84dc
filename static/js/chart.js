// The balance chart (ledger/chart.py) is one Tab stop: the arrow keys move between its points, Home and End
// go to the oldest and the newest, Page Up / Page Down ten at a time (a roving tabindex). Values show by CSS.
(function () {
  "use strict";

  var STEPS = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1, PageUp: -10, PageDown: 10 };

  function pointOf(element) { return element && element.closest ? element.closest(".chart-point") : null; }

  function makeStop(point) {
    var layer = point.parentNode;
    layer.querySelectorAll('.chart-point[tabindex="0"]').forEach(function (other) {
      if (other !== point) other.setAttribute("tabindex", "-1");
    });
    point.setAttribute("tabindex", "0");
  }

  document.addEventListener("keydown", function (event) {
    var point = pointOf(event.target);
    if (!point || event.altKey || event.ctrlKey || event.metaKey) return;
    var points = Array.prototype.slice.call(point.parentNode.querySelectorAll(".chart-point"));
    var index = points.indexOf(point);
    var next;
    if (event.key === "Home") next = 0;
    else if (event.key === "End") next = points.length - 1;
    else if (STEPS[event.key]) next = index + STEPS[event.key];
    else return;
    event.preventDefault();
    var target = points[Math.max(0, Math.min(points.length - 1, next))];
    makeStop(target);
    target.focus();
  });

  // A point clicked or tapped becomes the Tab stop, so Tab away and back returns to it.
  document.addEventListener("focusin", function (event) {
    var point = pointOf(event.target);
    if (point) makeStop(point);
  });
})();
