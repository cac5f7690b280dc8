/* The authority's dashboard: each chart's option is embedded in the page as JSON
   (<script type="application/json">, written with |tojson); the tables under the charts
   carry the same figures for readers without JavaScript. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    el.hidden = false;
    var chart = window.echarts.init(el);
    chart.setOption(JSON.parse(source.textContent));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
