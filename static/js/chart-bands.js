/* The target page's doughnut: how many districts are in each band. */
(function () {
  "use strict";
  var T = window.TrackerCharts, d = T.data, canvas = document.getElementById("chart-bands");
  if (!d || !canvas) { return; }
  var bands = d.bands.filter(function (b) { return b.count > 0 || b.key !== "none"; });
  T.charts.push(new Chart(canvas, {
    type: "doughnut",
    data: {
      labels: bands.map(function (b) { return b.label; }),
      datasets: [{
        data: bands.map(function (b) { return b.count; }),
        backgroundColor: bands.map(function (b) { return T.bandColour(b.key); }),
        borderColor: "#4a4a4a",
        borderWidth: 1
      }]
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        // The band list under the chart is its legend (and its text equivalent): no second one
        // squeezed beside the ring, where a narrow printed column cut it off.
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) { return ctx.label + ": " + ctx.parsed + " " + d.labels.districts; } } }
      }
    }
  }));
})();
