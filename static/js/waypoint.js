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
})();
