// Demo pages: copy a share link with one click. Loaded as a static file (the CSP forbids inline
// scripts); without it, the link stays in a read-only field to select and copy by hand.
(function () {
  "use strict";

  function reveal(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSettle", function (event) { reveal(event.detail.elt || document); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    navigator.clipboard.writeText(source.value).then(function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    });
  });

  // A read-only link field selects itself whole when focused.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches(".copy-source")) event.target.select();
  });
})();
