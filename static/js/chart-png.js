/* "Download PNG" under every Chart.js chart of a page, for people who still make slides.

   Loaded on every page (templates/base.html, deferred). The dashboard's chart files register
   their charts in window.TrackerCharts.charts (static/js/charts.js); this looks for them once the
   page has loaded and again for a few seconds, since charts may be made later. The PNG is the
   chart's own bitmap on a white ground (a Chart.js canvas is transparent), named after the
   target, the kind of chart and the date shown: ENV-TREES-trajectory-2024-06-07.png. The button's
   label comes from the script tag's data-label, translated by the template. */
(function () {
  "use strict";
  var script = document.currentScript;
  var label = (script && script.getAttribute("data-label")) || "Download PNG";
  var tries = 0;

  function safe(text) {
    return String(text || "").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function filename(canvas) {
    var code = canvas.getAttribute("data-sparkline") || canvas.getAttribute("data-target") || "";
    var page = window.location.pathname.match(/\/targets\/([^/]+)\//);
    if (!code && page) { code = decodeURIComponent(page[1]); }
    var kind = canvas.getAttribute("data-sparkline") ? "sparkline" : (canvas.id || "chart").replace(/^chart-/, "");
    var asOf = new URLSearchParams(window.location.search).get("as_of") || "";
    var parts = [safe(code), safe(kind), safe(asOf)].filter(Boolean);
    return (parts.length ? parts.join("-") : "chart") + ".png";
  }

  function download(chart) {
    var source = chart.canvas;
    var copy = document.createElement("canvas");
    copy.width = source.width;
    copy.height = source.height;
    var context = copy.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, copy.width, copy.height);
    context.drawImage(source, 0, 0);
    copy.toBlob(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = filename(source);
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    }, "image/png");
  }

  function addButtons() {
    var charts = (window.TrackerCharts && window.TrackerCharts.charts) || [];
    charts.forEach(function (chart) {
      var canvas = chart && chart.canvas;
      if (!canvas || canvas.getAttribute("data-png-button")) { return; }
      canvas.setAttribute("data-png-button", "1");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chart-png no-print";
      button.textContent = label;
      button.setAttribute("data-png-for", canvas.id || canvas.getAttribute("data-sparkline") || "");
      // CSSOM, not a style attribute: a strict CSP allows it.
      button.style.fontSize = ".8rem";
      button.style.marginTop = ".2rem";
      button.addEventListener("click", function () { download(chart); });
      var box = canvas.closest(".chart-box, .sparkline") || canvas;
      box.insertAdjacentElement("afterend", button);
    });
  }

  function poll() {
    addButtons();
    tries += 1;
    if (tries < 20) { window.setTimeout(poll, 500); }
  }

  if (document.readyState === "complete") { poll(); } else { window.addEventListener("load", poll); }
})();
