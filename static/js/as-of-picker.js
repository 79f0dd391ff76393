/* The "as of" date in the reader's calendar: day, month name and year (BE in Thai: 7 มิถุนายน 2567)
   instead of the browser's date input, which shows CE years. The form still sends 2024-06-07, so
   links and the server see the same value; without JavaScript the date input stays (the server
   accepts BE dates typed as 2567-06-07 or 7/6/2567 too). */
(function () {
  "use strict";
  var input = document.getElementById("id_as_of"), element = document.getElementById("as-of-picker-data");
  if (!input || !element || input.type !== "date") { return; }
  var d = JSON.parse(element.textContent);

  function parse(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? { y: +m[1], m: +m[2], d: +m[3] } : null;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function daysIn(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }
  function iso(v) { return v.y + "-" + pad(v.m) + "-" + pad(v.d); }

  var max = parse(input.max) || { y: new Date().getFullYear(), m: 12, d: 31 };
  var min = parse(input.min) || { y: max.y - 10, m: 1, d: 1 };
  var value = parse(input.value) || max;

  function select(name, label, options) {
    var s = document.createElement("select");
    s.id = "id_as_of_" + name;
    s.setAttribute("aria-label", label);
    options.forEach(function (o) { s.add(new Option(o[1], o[0])); });
    return s;
  }
  var days = [], months = [], years = [];
  for (var i = 1; i <= 31; i++) { days.push([i, i]); }
  d.months.forEach(function (name, index) { months.push([index + 1, name]); });
  for (var y = max.y; y >= min.y; y--) { years.push([y, y + d.yearOffset]); }
  var day = select("day", d.labels.day, days), month = select("month", d.labels.month, months), year = select("year", d.labels.year, years);

  function show(v) { day.value = v.d; month.value = v.m; year.value = v.y; }
  function update() {
    var v = { y: +year.value, m: +month.value, d: +day.value };
    v.d = Math.min(v.d, daysIn(v.y, v.m));
    var text = iso(v);
    if (text > iso(max)) { v = max; } else if (text < iso(min)) { v = min; }
    show(v);
    input.value = iso(v);
  }

  var group = document.createElement("span");
  group.className = "be-date";
  group.appendChild(day); group.appendChild(month); group.appendChild(year);
  input.parentNode.insertBefore(group, input);
  input.type = "hidden";
  var label = document.querySelector('label[for="id_as_of"]');
  if (label) { label.htmlFor = day.id; }
  show(value);
  [day, month, year].forEach(function (s) { s.addEventListener("change", update); });
})();
