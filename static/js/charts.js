/* Shared by the chart files: reads the page's chart data and the band colours (from the CSS
   variables, so colours live in one place), sets Chart.js defaults, and redraws charts for print. */
(function () {
  "use strict";
  var css = getComputedStyle(document.documentElement);
  function colour(name) { return css.getPropertyValue(name).trim(); }

  var element = document.getElementById("target-chart-data");
  var lang = document.documentElement.lang || "th";
  var numberFormat = function (decimals) {
    return new Intl.NumberFormat(lang === "th" ? "th-TH" : "en-GB", {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals
    });
  };

  Chart.defaults.font.family = "Sarabun, Tahoma, sans-serif";
  Chart.defaults.font.size = 13;
  Chart.defaults.color = colour("--ink");
  Chart.defaults.animation = false;  // draw at once: projected pages and print need the final picture

  window.TrackerCharts = {
    data: element ? JSON.parse(element.textContent) : null,
    bandColour: function (band) { return colour("--band-" + band); },
    colour: colour,
    format: function (value, decimals) { return value === null ? "–" : numberFormat(decimals).format(value); },
    charts: []
  };

  // A canvas does not wait for web fonts: a chart drawn before Sarabun has loaded keeps its
  // fallback letters (boxes, where the system has no Thai font). Ask for the faces the charts use
  // and redraw every chart once they are there.
  if (document.fonts && document.fonts.load) {
    var sample = "กขคABC123";
    Promise.all([
      document.fonts.load("13px Sarabun", sample),
      document.fonts.load("bold 13px Sarabun", sample)
    ]).then(function () {
      window.TrackerCharts.fontsReady = true;
      window.TrackerCharts.charts.forEach(function (chart) { chart.update("none"); });
    });
  }

  // Chart.js sizes canvases for the screen; resize them to the printed page and back.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.equivalent").forEach(function (d) { d.dataset.wasOpen = d.open; d.open = true; });
    window.TrackerCharts.charts.forEach(function (chart) { chart.resize(); });
  });
  // Chromium fires "beforeprint" before it applies the print layout; this fires once it has.
  window.matchMedia("print").addEventListener("change", function () {
    window.TrackerCharts.charts.forEach(function (chart) { chart.resize(); });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details.equivalent").forEach(function (d) { d.open = d.dataset.wasOpen === "true"; });
    window.TrackerCharts.charts.forEach(function (chart) { chart.resize(); });
  });
})();
