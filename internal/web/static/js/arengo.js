// Progress bars: each .arengo-progress polls its job until it ends.
(function () {
  "use strict";
  function poll(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector(".arengo-progress-text");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          bar.value = s.percent;
          text.textContent = s.percent + "% — " + (s.message || s.status);
          if (s.status === "done" || s.status === "failed") {
            if (s.status === "done" && box.getAttribute("data-done-url")) {
              window.location = box.getAttribute("data-done-url");
            }
            return;
          }
          setTimeout(tick, 700);
        })
        .catch(function () { setTimeout(tick, 2000); });
    }
    tick();
  }
  document.querySelectorAll(".arengo-progress").forEach(poll);
})();
