/* The bureau page's small line per target: result to date against the straight line to the target.
   The figures beside each line (result, %, expected by now) are its text equivalent. */
(function () {
  "use strict";
  var T = window.TrackerCharts, element = document.getElementById("bureau-chart-data");
  if (!T || !element) { return; }
  var d = JSON.parse(element.textContent);
  document.querySelectorAll("canvas[data-sparkline]").forEach(function (canvas) {
    var s = d.targets[canvas.getAttribute("data-sparkline")];
    if (!s) { return; }
    var high = T.bandColour("high");
    T.charts.push(new Chart(canvas, {
      type: "line",
      data: {
        labels: s.months,
        datasets: [
          { label: s.level ? d.labels.levelToDate : d.labels.toDate, data: s.toDate, borderColor: high, backgroundColor: high, borderWidth: 2, pointRadius: 1.5, spanGaps: false },
          { label: d.labels.expected, data: s.expected, borderColor: T.colour("--trajectory"), borderDash: [4, 3], borderWidth: 1.5, pointRadius: 0 }
        ]
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 4, font: { size: 10 } }, grid: { display: false } },
          y: { beginAtZero: true, ticks: { maxTicksLimit: 3, font: { size: 10 }, callback: function (v) { return T.format(v, 0); } } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 14, boxHeight: 2, font: { size: 11 } } },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + T.format(ctx.parsed.y, s.decimals); } } }
        }
      }
    }));
  });
})();
