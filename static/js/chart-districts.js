/* The target page's bar chart: each district's % of its allocation, best first, coloured by band. */
(function () {
  "use strict";
  var T = window.TrackerCharts, d = T.data, canvas = document.getElementById("chart-districts");
  if (!d || !canvas) { return; }
  T.charts.push(new Chart(canvas, {
    type: "bar",
    data: {
      labels: d.districts.map(function (r) { return r.label; }),
      datasets: [{
        label: d.labels.percent,
        data: d.districts.map(function (r) { return r.percent; }),
        backgroundColor: d.districts.map(function (r) { return T.bandColour(r.band); }),
        borderColor: "rgba(0,0,0,.45)",
        borderWidth: 1
      }]
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 90, minRotation: 60, font: { size: 11 } } },
        y: { beginAtZero: true, title: { display: true, text: d.labels.percent } }
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) { return T.format(ctx.parsed.y, 2) + "%"; } } }
      }
    }
  }));
})();
