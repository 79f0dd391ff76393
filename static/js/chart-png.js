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

  /* The brief's charts are SVG drawn on the server. An SVG drawn as an image cannot reach the
     page's web fonts, so Sarabun (Thai and Latin, from our own static files) goes inside it as
     data: URLs before it is drawn on a white canvas at twice its size. */
  var fontData = null;

  function sarabunUrl(file) {
    var link = document.querySelector('link[href*="vendor/sarabun/"]');
    return link ? link.getAttribute("href").replace(/[^/]*$/, "files/" + file) : null;
  }

  function asDataUrl(url) {
    return fetch(url).then(function (r) { return r.ok ? r.blob() : null; }).then(function (blob) {
      if (!blob) { return null; }
      return new Promise(function (resolve) {
        var reader = new FileReader();
        reader.onload = function () { resolve(reader.result); };
        reader.onerror = function () { resolve(null); };
        reader.readAsDataURL(blob);
      });
    }).catch(function () { return null; });
  }

  function fonts() {
    if (!fontData) {
      var files = ["sarabun-thai-400-normal.woff2", "sarabun-latin-400-normal.woff2"];
      fontData = Promise.all(files.map(function (f) { var u = sarabunUrl(f); return u ? asDataUrl(u) : null; }))
        .then(function (urls) {
          return urls.filter(Boolean).map(function (u) {
            return "@font-face{font-family:Sarabun;src:url(" + u + ") format('woff2');}";
          }).join("");
        });
    }
    return fontData;
  }

  function saveBlob(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  function downloadSvg(svg) {
    fonts().then(function (css) {
      var copy = svg.cloneNode(true);
      var style = document.createElementNS("http://www.w3.org/2000/svg", "style");
      style.textContent = css + "text{font-family:Sarabun,sans-serif;}";
      copy.insertBefore(style, copy.firstChild);
      var box = svg.viewBox && svg.viewBox.baseVal;
      var width = (box && box.width) || svg.clientWidth, height = (box && box.height) || svg.clientHeight;
      copy.setAttribute("width", width);
      copy.setAttribute("height", height);
      var source = new Blob([new XMLSerializer().serializeToString(copy)], { type: "image/svg+xml" });
      var url = URL.createObjectURL(source);
      var image = new Image();
      image.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = width * 2;
        canvas.height = height * 2;
        var context = canvas.getContext("2d");
        context.fillStyle = "#ffffff";
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { saveBlob(blob, safe(svg.getAttribute("data-png-name")) + ".png"); }, "image/png");
      };
      image.src = url;
    });
  }

  function addSvgButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("svg[data-png-name]"), function (svg) {
      if (svg.getAttribute("data-png-button")) { return; }
      svg.setAttribute("data-png-button", "1");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chart-png no-print";
      button.textContent = label;
      button.setAttribute("data-png-for", svg.getAttribute("data-png-name"));
      button.style.fontSize = ".8rem";
      button.style.display = "block";
      button.addEventListener("click", function () { downloadSvg(svg); });
      svg.insertAdjacentElement("afterend", button);
    });
  }

  function poll() {
    if (tries === 0) { addSvgButtons(); }
    addButtons();
    tries += 1;
    if (tries < 20) { window.setTimeout(poll, 500); }
  }

  if (document.readyState === "complete") { poll(); } else { window.addEventListener("load", poll); }
})();
