// Rating (criterion C.SE.1.7): after the stars, ask only the question of the
// chosen branch — difficulties for 1–3, what was liked for 4–5. Without
// JavaScript both questions stay visible.
(function () {
  "use strict";
  var low = document.getElementById("rating-low"), high = document.getElementById("rating-high");
  if (!low || !high) { return; }
  function sync() {
    var checked = document.querySelector("input[name=rating]:checked");
    var v = checked ? parseInt(checked.value, 10) : 0;
    low.hidden = !(v >= 1 && v <= 3);
    high.hidden = !(v >= 4);
  }
  document.querySelectorAll("input[name=rating]").forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();
