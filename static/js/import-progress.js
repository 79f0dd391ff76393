/* The import page's progress: while a file goes up, a bar with the share sent; while the server
   checks or saves the rows, a moving bar. The form is sent by XMLHttpRequest (the only way to see
   an upload's progress) and the answer replaces the page; without JavaScript, or if the request
   cannot be made, the form is sent as usual. Forms opt in with data-progress. */
(function () {
  "use strict";

  var status = document.getElementById("import-progress");
  if (!status || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
    return;
  }

  function show(bar, text, share) {
    status.hidden = false;
    if (share === null) {
      bar.removeAttribute("value");  // indeterminate: the server is working
    } else {
      bar.value = share;
    }
    status.querySelector("[data-progress-text]").textContent = text;
  }

  function replacePage(html, url) {
    var next = new DOMParser().parseFromString(html, "text/html");
    document.title = next.title;
    document.body.replaceWith(next.body);
    status = document.getElementById("import-progress");
    if (url && window.history.replaceState) {
      window.history.replaceState(null, "", url);
    }
    window.scrollTo(0, 0);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-progress") || !status || event.defaultPrevented) {
      return;
    }
    if (typeof form.checkValidity === "function" && !form.checkValidity()) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var bar = status.querySelector("progress");
    var working = form.getAttribute("data-progress");  // what the server does next: checks or saves
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) { button.disabled = true; });

    var request = new XMLHttpRequest();
    // form.action would be the button named "action"
    request.open("POST", form.getAttribute("action") || window.location.href);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var share = Math.round((e.loaded / e.total) * 100);
        show(bar, status.getAttribute("data-uploading") + " " + share + "%", share);
      }
    });
    request.upload.addEventListener("load", function () {
      show(bar, status.getAttribute("data-" + working), null);
    });
    request.addEventListener("load", function () {
      replacePage(request.responseText, request.responseURL);
    });
    request.addEventListener("error", function () {
      form.submit();  // the ordinary way: the browser shows its own progress
    });
    show(bar, status.getAttribute("data-" + working), null);
    request.send(data);
  });
}());
