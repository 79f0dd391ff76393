/* The target page's bar chart: each district's % of its allocation, best first, coloured by band.
   On a narrow screen the bars lie down, one row per district, so that all 50 names stay readable. */
(function () {
  "use strict";
  var T = window.TrackerCharts, d = T.data, canvas = document.getElementById("chart-districts");
  if (!d || !canvas) { return; }
  var box = canvas.parentElement;
  var across = box.clientWidth < 560 && !window.matchMedia("print").matches;
  var value = across ? "x" : "y", name = across ? "y" : "x";
  if (across) {
    box.classList.add("chart-rows");
    box.style.height = (d.districts.length * 18 + 70) + "px";
  }
  var scales = {};
  scales[name] = across
    ? { ticks: { autoSkip: false, font: { size: 11 } } }
    : { ticks: { autoSkip: false, maxRotation: 90, minRotation: 60, font: { size: 11 } } };
  scales[value] = { beginAtZero: true, title: { display: true, text: d.labels.percent } };
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
      indexAxis: name,
      maintainAspectRatio: false,
      scales: scales,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) { return T.format(ctx.parsed[value], 2) + "%"; } } }
      }
    }
  }));
})();
