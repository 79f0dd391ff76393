/* The target page's line chart: result by month against the straight line to the target, with the forecast. */
(function () {
  "use strict";
  var T = window.TrackerCharts, d = T.data, canvas = document.getElementById("chart-trajectory");
  if (!d || !canvas) { return; }
  var high = T.bandColour("high");
  var hasForecast = d.forecast.some(function (v) { return v !== null; });
  T.charts.push(new Chart(canvas, {
    type: "line",
    data: {
      labels: d.months,
      datasets: [
        { label: d.labels.toDate, data: d.toDate, borderColor: high, backgroundColor: high, borderWidth: 3, pointRadius: 3, spanGaps: false },
        { label: d.labels.expected, data: d.expected, borderColor: T.colour("--trajectory"), borderDash: [6, 4], borderWidth: 2, pointRadius: 0 },
        hasForecast && { label: d.labels.forecast, data: d.forecast, borderColor: T.colour("--band-low"), backgroundColor: T.colour("--band-low"), borderDash: [2, 3], borderWidth: 2, pointRadius: 4, pointStyle: "triangle", spanGaps: true }
      ].filter(Boolean)
    },
    options: {
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: d.level ? "%" : d.unitLabel },
             ticks: { callback: function (v) { return T.format(v, 0); } } }
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + T.format(ctx.parsed.y, d.decimals); } } }
      }
    }
  }));
})();
