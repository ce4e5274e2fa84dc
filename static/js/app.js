// Billing Desk behaviour that htmx attributes don't cover. No inline scripts anywhere (strict CSP).
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }

  function typingIn(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // --- Keyboard ----------------------------------------------------------------------------------------
  // "/" focuses the page's search field (or the quick find in the header), unless the person is typing.
  // Escape closes the open menu (column chooser, save view, saved views) or a picker's list of matches.
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typingIn(event.target)) {
      var search = document.querySelector("main [data-search-focus]") ||
        document.querySelector("[data-header-find]") || document.querySelector("[data-search-focus]");
      if (search) {
        event.preventDefault();
        var more = search.closest("details:not([open])");
        if (more) more.open = true;
        search.focus();
        if (search.select) { try { search.select(); } catch (ignored) { /* number inputs */ } }
      }
      return;
    }
    if (event.key !== "Escape") return;
    var menu = event.target.closest && event.target.closest("details[open][data-menu], details[open].dropdown");
    if (!menu) menu = document.querySelector("details[open][data-menu], details[open].dropdown");
    if (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
      event.preventDefault();
      return;
    }
    var picker = event.target.closest && event.target.closest("[data-picker]");
    var options = picker && picker.querySelector("[data-picker-options]");
    if (options && options.children.length) {
      options.textContent = "";
      var box = picker.querySelector("[data-picker-search]");
      if (box) box.focus();
      event.preventDefault();
    }
  });

  // A click outside an open menu closes it; opening one menu closes the others.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[open][data-menu], details[open].dropdown").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  // Opening a menu puts the person in it: the first field or checkbox gets the focus.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.open || !menu.matches || !menu.matches("details[data-menu]")) return;
    var first = menu.querySelector(".menu-body input:not([type=hidden]):not([disabled])");
    if (first && menu.id === "save-view") first.focus();
  }, true);

  // --- Copy buttons: <button type="button" data-copy="value"> ----------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var value = button.getAttribute("data-copy");
    var done = function () {
      var label = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", label);
      button.textContent = "Copied";
      announce("Copied " + value + " to the clipboard.");
      setTimeout(function () { button.textContent = label; }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, function () { announce("Copying failed: select the text instead."); });
    } else {
      var area = document.createElement("textarea");
      area.value = value; document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); done(); } finally { area.remove(); }
    }
  });

  // --- Retry buttons after throttling: <a data-retry-after="7">Retry</a> waits out Nexudus's Retry-After. ----
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

  // --- Wide tables: the scroll box takes keyboard focus only when there is something to scroll. -------------
  function markScrollRegions(root) {
    (root || document).querySelectorAll("[data-scroll-region]").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Scrollable table");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollRegions(document); }, 150);
  });

  document.addEventListener("DOMContentLoaded", function () { armRetry(document); markScrollRegions(document); });
  document.addEventListener("htmx:load", function (event) { armRetry(event.target); markScrollRegions(event.target); });

  // --- Loading states: a bar at the top on every htmx request, aria-busy on the area being replaced. --------
  var pending = [];
  function settle(xhr, target) {
    pending = pending.filter(function (item) { return item !== xhr; });
    if (!pending.length) document.body.classList.remove("is-loading");
    if (target && target.removeAttribute) target.removeAttribute("aria-busy");
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail || {};
    pending.push(detail.xhr);
    document.body.classList.add("is-loading");
    var target = detail.target;
    if (target && target.setAttribute && target !== document.body) target.setAttribute("aria-busy", "true");
  });
  // htmx sends afterRequest for every request: answered, failed, timed out or cancelled (hx-sync replace).
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    settle(detail.xhr, detail.target);
  });

  // --- After the results change: say so, and keep the keyboard focus somewhere sensible. --------------------
  var focusBefore = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    focusBefore = target && active && target.contains(active)
      ? { text: active.textContent.trim(), tag: active.tagName, id: target.id } : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var results = event.detail.target && event.detail.target.id === "results"
      ? event.detail.target : document.getElementById("results");
    if (!results || !event.detail.target || event.detail.target.id !== "results") return;
    var summary = results.querySelector(".table-summary") || results.querySelector(".empty-state, .state");
    if (summary) announce(summary.textContent.replace(/\s+/g, " ").trim());
    if (focusBefore && focusBefore.id === "results" && !results.contains(document.activeElement)) {
      var same = Array.prototype.find.call(results.querySelectorAll(focusBefore.tag), function (element) {
        return element.textContent.trim() === focusBefore.text;
      });
      if (same) { same.focus(); } else { results.setAttribute("tabindex", "-1"); results.focus(); }
    }
    focusBefore = null;
  });

  // --- Phone menu: templates/base.html's nav menu is open in the markup (no JavaScript: everything shows);
  // on a narrow screen it starts folded, on a wide one it stays open (its summary is hidden there). -------
  (function () {
    var menu = document.querySelector("[data-nav-menu]");
    if (!menu || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 767px)");
    function fit() { menu.open = !narrow.matches; }
    fit();
    if (narrow.addEventListener) narrow.addEventListener("change", fit);
  })();

  // --- Filters (templates/core/_search_form.html): a search page's filters are open in the markup; on a
  // narrow screen they start folded while there are results and no filter is wrong (data-folded), so the
  // results are the first thing on a phone. On a wide screen they are always open (their summary is hidden).
  (function () {
    var panels = document.querySelectorAll('details[data-filter-panel="narrow"]');
    if (!panels.length || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 767px)");
    panels.forEach(function (panel) { if (narrow.matches && panel.hasAttribute("data-folded")) panel.open = false; });
    function widen() { if (!narrow.matches) panels.forEach(function (panel) { panel.open = true; }); }
    if (narrow.addEventListener) narrow.addEventListener("change", widen);
  })();

  // --- Paging: the new page starts at the table's top, and the keyboard focus is on its caption. ----------
  // Registered after the focus keeper above, so it has the last word for a page link or page size.
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var elt = detail.requestConfig && detail.requestConfig.elt;
    if (!detail.target || detail.target.id !== "results" || !elt || !elt.closest) return;
    if (!elt.closest(".pagination, .page-size")) return;
    var results = document.getElementById("results");  // after an outerHTML swap, target is the old element
    if (!results) return;
    var caption = results.querySelector("caption");
    var top = results.querySelector(".table-container") || results;
    top.scrollIntoView({ block: "start" });
    if (caption) { caption.setAttribute("tabindex", "-1"); caption.focus({ preventScroll: true }); }
  });

  // A menu replaced by the server (a saved view deleted) keeps the keyboard focus on its button.
  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.detail.target;
    if (!swapped || !swapped.id || document.activeElement !== document.body) return;
    var menu = document.getElementById(swapped.id);
    if (menu && menu.matches("details[data-menu]")) menu.querySelector("summary").focus();
  });

  // --- Saved views: the view saved is what the address bar shows now (htmx keeps it in step). ----------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.id !== "save-view-form") return;
    var field = form.querySelector("[data-saved-querystring]");
    if (field) field.value = window.location.search.replace(/^\?/, "");
  }, true);
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "save-view-form" || !event.detail.successful) return;
    var name = document.getElementById("save-view-name");
    var menu = document.getElementById("save-view");
    if (name && menu && !document.querySelector("#save-view-status .field-error")) {
      name.value = "";
      menu.open = false;
      menu.querySelector("summary").focus();
    }
    var status = document.getElementById("save-view-status");
    if (status) announce(status.textContent.trim());
  });

  // --- Errors: our own server unreachable, or it answered an htmx request with an error. --------------------
  function showProblem(target, text) {
    if (!target || !target.insertAdjacentHTML) return;
    var old = target.querySelector(":scope > .connection-problem");
    if (old) old.remove();
    var note = document.createElement("p");
    note.className = "state state-error connection-problem";
    note.setAttribute("role", "alert");
    note.textContent = text;
    target.prepend(note);
  }
  document.addEventListener("htmx:sendError", function (event) {
    showProblem(event.detail && event.detail.target,
      "Billing Desk could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 403
      ? "You are not allowed to do this, or the page has expired. Reload the page and try again."
      : status === 400
      ? "Billing Desk could not read what was sent, so nothing was saved. Reload the page and try again."
      : "Something went wrong on our side (error " + status + "). Reload the page and try again; " +
        "if it keeps happening, tell your Billing Desk administrator the time it happened.";
    showProblem(event.detail && event.detail.target, text);
  });
})();
