// Small behaviours on top of htmx. Loaded as a static file: the CSP forbids inline scripts.
(function () {
  "use strict";

  function showError() {
    var toast = document.getElementById("htmx-error");
    if (!toast) return;
    toast.hidden = false;
    window.clearTimeout(showError.timer);
    showError.timer = window.setTimeout(function () { toast.hidden = true; }, 8000);
  }

  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);

  // Put the cursor in the first field of a form that htmx just brought in.
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.detail.target.matches("form") ? event.detail.target
      : event.detail.target.querySelector("form.section-form");
    if (!form) return;
    var field = form.querySelector(".has-error input, .has-error textarea, .has-error select")
      || form.querySelector("input:not([type=hidden]), textarea, select");
    if (field) field.focus();
  });

  // A loading indicator on every htmx action: one mechanism for every hx-get, hx-post, hx-put,
  // hx-patch, hx-delete and boosted link or form. While a request someone started is in flight,
  // a thin bar shows at the top of the window (styles in waypoint.css), the region it will
  // replace says aria-busy, and the buttons of the form that sent it are disabled, so a second
  // click cannot send it twice. Polling (hx-trigger "every …" or "load") has no triggering event
  // and stays quiet: it is not something the person did.
  var inFlight = 0;
  var busyCounts = new WeakMap();
  var bar = null;

  function loadingBar() {
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "loading-bar";
      bar.setAttribute("role", "progressbar");
      bar.setAttribute("aria-label", "Loading");
      bar.hidden = true;
      document.body.appendChild(bar);
    }
    return bar;
  }

  function showBar() {
    var element = loadingBar();
    if (!element.hidden) return;
    element.hidden = false;
    void element.offsetWidth; // start the fade-in from the hidden state
    element.classList.add("is-shown");
  }

  function hideBar() {
    var element = loadingBar();
    element.classList.remove("is-shown");
    element.hidden = true;
  }

  function buttonsToDisable(elt, triggering) {
    if (triggering.type !== "submit" && triggering.type !== "click") return [];
    var form = elt.tagName === "FORM" ? elt : elt.form || elt.closest("form");
    var buttons = form ? Array.prototype.slice.call(
      form.querySelectorAll("button:not([type=button]):not([type=reset]), input[type=submit]")) : [];
    if (elt.matches("button, input[type=submit]") && buttons.indexOf(elt) < 0) buttons.push(elt);
    return buttons.filter(function (button) { return !button.disabled; });
  }

  function setBusy(target, change) {
    if (!target) return;
    var count = (busyCounts.get(target) || 0) + change;
    busyCounts.set(target, count);
    if (count > 0) target.setAttribute("aria-busy", "true");
    else target.removeAttribute("aria-busy");
  }

  document.addEventListener("htmx:beforeSend", function (event) {
    var detail = event.detail;
    var triggering = detail.requestConfig && detail.requestConfig.triggeringEvent;
    if (!triggering) return;
    var focused = document.activeElement;
    var buttons = buttonsToDisable(detail.elt, triggering);
    buttons.forEach(function (button) {
      button.disabled = true;
      button.setAttribute("data-loading-disabled", "");
    });
    setBusy(detail.target, 1);
    inFlight += 1;
    showBar();
    var ended = false;
    // loadend comes after htmx's load handler (the swap), for an answer, an error or an abort.
    detail.xhr.addEventListener("loadend", function () {
      if (ended) return;
      ended = true;
      buttons.forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("data-loading-disabled");
      });
      // Disabling the focused button moved the focus away: give it back if the button stayed.
      if (buttons.indexOf(focused) >= 0 && focused.isConnected
          && (!document.activeElement || document.activeElement === document.body)) {
        focused.focus();
      }
      setBusy(detail.target, -1);
      inFlight -= 1;
      if (inFlight === 0) hideBar();
    });
  });
})();
