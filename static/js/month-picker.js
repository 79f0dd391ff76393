/* The report grid's unit and month pickers: choosing one opens it at once (the form's button does the same without JavaScript). */
(function () {
  "use strict";
  var form = document.getElementById("month-picker");
  if (!form) { return; }
  form.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () { form.submit(); });
  });
})();
