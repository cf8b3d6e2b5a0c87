// Draws the figures the server built (lifecycle/selectors/charts.py) with the vendored plotly.js.
// Each chart is an element with data-chart="<id of its JSON>"; the JSON comes from json_script,
// so nothing here is inline and the strict CSP holds.
(function () {
  "use strict";

  var CONFIG = {
    responsive: true, // follow the card's width: phone, laptop, a resized window
    displayModeBar: false,
    displaylogo: false,
    scrollZoom: false,
    doubleClick: false,
  };

  function draw(root) {
    if (!window.Plotly || !root.querySelectorAll) return;
    root.querySelectorAll("[data-chart]:not([data-drawn])").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      element.setAttribute("data-drawn", "");
      window.Plotly.newPlot(element, figure.data, figure.layout, CONFIG);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // Sections that htmx swaps in bring their charts with them.
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
})();
