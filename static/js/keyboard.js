// Keyboard-first: the first field of a form page focused, focus and an announcement after each htmx swap,
// the pickers as WAI-ARIA comboboxes, and a few shortcuts with a "?" help. No inline scripts (strict CSP).
(function () {
  "use strict";

  function typingIn(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function visible(element) { return !!(element && element.offsetParent !== null); }
  function fields(scope) {
    return Array.prototype.filter.call(
      scope.querySelectorAll("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"),
      visible);
  }
  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text.replace(/\s+/g, " ").trim(); }, 50);
  }

  // --- The first field of a form page: the first one still empty (a link may have filled the others). ---
  function firstField(form) {
    var all = fields(form).filter(function (field) { return field.type !== "checkbox"; });
    var errors = form.querySelector(".has-error input:not([type=hidden]), .has-error select, .has-error textarea");
    if (errors && visible(errors)) return errors;
    var empty = all.filter(function (field) {
      if (field.hasAttribute("data-picker-search")) {
        var picker = field.closest("[data-picker]");
        var id = picker && picker.querySelector("input[name='" + picker.getAttribute("data-picker") + "']");
        return id && !id.value;
      }
      return !field.value && !field.closest(".picker-id");
    });
    return empty[0] || all[0];
  }
  function focusForm(scope) {
    var form = scope.querySelector("form[data-autofocus]");
    if (!form) return false;
    // The server names the field to start in (autofocus) when a link filled the rest in.
    var field = form.querySelector(".has-error input:not([type=hidden])") || form.querySelector("[autofocus]") || firstField(form);
    if (!field || !visible(field)) return false;
    field.focus();
    if (field.select && field.value && field.type !== "search") { try { field.select(); } catch (ignored) { /* number */ } }
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    // The browser may already have honoured autofocus: then only its text still needs selecting.
    var active = document.activeElement;
    if (active && active !== document.body && !active.hasAttribute("autofocus")) return;
    focusForm(document);
  });

  // --- After a swap: focus the region's message or heading (announced), or the form's next field. -------
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.detail.target;
    if (!region || !region.matches || !region.matches("[data-focus-after-swap]")) return;
    var region2 = document.getElementById(region.id) || region;  // outerHTML swaps replace the element
    var target = region2.querySelector(".error-summary, .created-confirmation, .already-reversed, [data-focus-heading], h2");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
      announce(target.textContent);
    } else {
      focusForm(region2);
    }
  });

  // --- Pickers: the search box is a combobox over the listbox of matches. ----------------------------
  function listOf(box) {
    var picker = box.closest("[data-picker]");
    return picker && picker.querySelector("[data-picker-options]");
  }
  function optionsOf(box) {
    var list = listOf(box);
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }
  function setActive(box, option) {
    optionsOf(box).forEach(function (other) { other.setAttribute("aria-selected", other === option ? "true" : "false"); });
    if (option) {
      if (!option.id) option.id = box.id + "_option_" + option.getAttribute("data-pick");
      box.setAttribute("aria-activedescendant", option.id);
      if (option.scrollIntoView) option.scrollIntoView({ block: "nearest" });
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list || !list.hasAttribute || !list.hasAttribute("data-picker-options")) return;
    var box = list.closest("[data-picker]").querySelector("[data-picker-search]");
    var options = optionsOf(box);
    box.setAttribute("aria-expanded", options.length ? "true" : "false");
    setActive(box, null);
    if (options.length) announce(options.length + (options.length === 1 ? " match" : " matches") + ": use the arrow keys, then Enter.");
  });
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box.hasAttribute || !box.hasAttribute("data-picker-search")) return;
    var options = optionsOf(box);
    var active = options.filter(function (option) { return option.getAttribute("aria-selected") === "true"; })[0];
    var index = options.indexOf(active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      var next = event.key === "ArrowDown" ? (index + 1) % options.length : (index <= 0 ? options.length - 1 : index - 1);
      setActive(box, options[next]);
    } else if (event.key === "Enter") {
      event.preventDefault();  // never submits the form
      var chosen = active || (options.length === 1 ? options[0] : null);
      if (chosen) {
        chosen.click();
        box.setAttribute("aria-expanded", "false");
        box.removeAttribute("aria-activedescendant");
        announce("Chosen: " + (chosen.getAttribute("data-pick-label") || ""));
      }
    } else if (event.key === "Escape") {
      box.setAttribute("aria-expanded", "false");
      setActive(box, null);
    }
  });

  // --- Shortcuts: g t / g l / g f (go to tokens, ledger, find), n (new record), ? (this help). ----------
  var pending = null;
  var GO = { t: "/payment-tokens/", l: "/ledger-entries/", h: "/" };
  function help() { return document.getElementById("shortcut-help"); }
  function toggleHelp(open) {
    var dialog = help();
    if (!dialog) return;
    if (open && !dialog.open) { dialog.showModal(); } else if (!open && dialog.open) { dialog.close(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
    if (help() && help().open) return;  // the dialog's own Escape closes it
    if (event.key === "?") { event.preventDefault(); toggleHelp(true); return; }
    if (pending === "g") {
      pending = null;
      if (GO[event.key]) { event.preventDefault(); window.location.assign(GO[event.key]); return; }
      if (event.key === "f") {
        var find = document.querySelector("[data-header-find]") || document.querySelector("[data-search-focus]");
        if (find) { event.preventDefault(); find.focus(); }
        return;
      }
    }
    if (event.key === "g") { pending = "g"; setTimeout(function () { pending = null; }, 1500); return; }
    if (event.key === "n") {  // the page's own "new record" link, else a new record of its section
      var own = document.querySelector("[data-shortcut-new]");
      if (own) { event.preventDefault(); window.location.assign(own.getAttribute("href")); return; }
      var path = window.location.pathname;
      var target = path.indexOf("/payment-tokens/") === 0 ? "/payment-tokens/new/"
        : (path.indexOf("/ledger-entries/") === 0 || path.indexOf("/customers/") === 0) ? "/ledger-entries/new/" : null;
      if (target && path !== target) { event.preventDefault(); window.location.assign(target); }
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcut-help-open]")) toggleHelp(true);
    if (event.target.closest("[data-shortcut-help-close]")) toggleHelp(false);
  });
})();
