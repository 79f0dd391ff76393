/* The allocations grid: the footer's sum and difference follow what is typed (the server checks
   and shows them again after saving; without JavaScript they show the values as loaded). */
(function () {
  "use strict";
  var table = document.getElementById("allocation-grid");
  if (!table) { return; }
  var sum = table.querySelector("[data-sum]");
  var difference = table.querySelector("[data-difference]");
  if (!sum || !difference) { return; }
  var goal = parseFloat(table.getAttribute("data-target-value"));
  var decimals = parseInt(table.getAttribute("data-decimals"), 10) || 0;
  var lang = document.documentElement.lang || "th";
  var format = new Intl.NumberFormat(lang === "th" ? "th-TH" : "en-GB", {
    minimumFractionDigits: decimals, maximumFractionDigits: decimals
  });
  var thaiDigits = "๐๑๒๓๔๕๖๗๘๙";

  // What the server accepts (tracker.reporting.grid.parse_number): Thai digits, separators, spaces.
  function parse(text) {
    text = text.replace(/[๐-๙]/g, function (d) { return String(thaiDigits.indexOf(d)); });
    text = text.replace(/[,\s\u00a0]/g, "");
    return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? parseFloat(text) : null;
  }

  function update() {
    var total = 0;
    table.querySelectorAll("input[data-allocation]").forEach(function (input) {
      var value = parse(input.value);
      if (value !== null) { total += value; }
    });
    var diff = total - goal;
    sum.textContent = format.format(total);
    difference.textContent = (diff > 0 ? "+" : "") + format.format(diff);
  }

  table.addEventListener("input", function (event) {
    if (event.target.matches("input[data-allocation]")) { update(); }
  });
})();
