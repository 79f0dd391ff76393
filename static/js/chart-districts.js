/* The target page's bar chart: each district's % of its allocation, best first, coloured by band,
   with two lines across the bars: the allocation (100%) and the share expected by now.
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
  var top = Math.max(100, d.expectedPercent || 0) * 1.05;
  scales[value] = { beginAtZero: true, suggestedMax: top, title: { display: true, text: d.labels.percent } };

  // Chart.js draws no reference lines without a plugin: this one draws the two across the bars.
  var lines = [
    { at: 100, label: "100%", colour: T.colour("--ink"), dash: [] },
    { at: d.expectedPercent, label: d.labels.expectedPercent + " " + T.format(d.expectedPercent, 2) + "%", colour: T.colour("--band-low"), dash: [6, 4] }
  ].filter(function (l) { return l.at !== null && l.at !== undefined; });
  var referenceLines = {
    id: "referenceLines",
    afterDatasetsDraw: function (chart) {
      var scale = chart.scales[value], area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      lines.forEach(function (l, i) {
        var p = scale.getPixelForValue(l.at);
        ctx.beginPath();
        ctx.setLineDash(l.dash);
        ctx.lineWidth = 2;
        ctx.strokeStyle = l.colour;
        if (across) { ctx.moveTo(p, area.top); ctx.lineTo(p, area.bottom); } else { ctx.moveTo(area.left, p); ctx.lineTo(area.right, p); }
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = l.colour;
        ctx.font = "600 12px Sarabun, Tahoma, sans-serif";
        if (across) {
          ctx.textAlign = p > (area.left + area.right) / 2 ? "right" : "left";
          ctx.fillText(l.label, p + (ctx.textAlign === "right" ? -4 : 4), area.top + 12 + i * 14);
        } else {
          ctx.textAlign = "right";
          ctx.fillText(l.label, area.right - 4, p - 4);
        }
      });
      ctx.restore();
    }
  };
  T.charts.push(new Chart(canvas, {
    type: "bar",
    plugins: [referenceLines],
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
