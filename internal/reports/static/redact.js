// Back office: draw the rectangle to redact on a photo. Dragging on the
// image fills the four percentage fields; typing in the fields moves the
// rectangle. Without JavaScript the fields alone do the job.
(function () {
  "use strict";
  var clamp = function (v) { return Math.max(0, Math.min(100, v)); };
  var round = function (v) { return Math.round(v * 10) / 10; };
  document.querySelectorAll("form.reports-redact").forEach(function (form) {
    var stage = form.querySelector(".reports-redact-stage");
    var img = form.querySelector(".reports-redact-img");
    var box = form.querySelector(".reports-redact-box");
    var field = {};
    form.querySelectorAll("[data-redact]").forEach(function (i) { field[i.getAttribute("data-redact")] = i; });
    if (!stage || !img || !box || !field.x || !field.y || !field.w || !field.h) { return; }

    var show = function () {
      var x = parseFloat(field.x.value), y = parseFloat(field.y.value);
      var w = parseFloat(field.w.value), h = parseFloat(field.h.value);
      if ([x, y, w, h].some(isNaN) || w <= 0 || h <= 0) { box.hidden = true; return; }
      box.style.left = clamp(x) + "%";
      box.style.top = clamp(y) + "%";
      box.style.width = clamp(Math.min(w, 100 - x)) + "%";
      box.style.height = clamp(Math.min(h, 100 - y)) + "%";
      box.hidden = false;
    };
    var at = function (ev) {
      var r = img.getBoundingClientRect();
      return { x: clamp((ev.clientX - r.left) / r.width * 100), y: clamp((ev.clientY - r.top) / r.height * 100) };
    };
    var start = null;
    var drag = function (ev) {
      if (!start) { return; }
      var p = at(ev);
      field.x.value = round(Math.min(start.x, p.x));
      field.y.value = round(Math.min(start.y, p.y));
      field.w.value = round(Math.abs(p.x - start.x));
      field.h.value = round(Math.abs(p.y - start.y));
      show();
    };
    stage.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) { return; }
      ev.preventDefault();
      start = at(ev);
      stage.setPointerCapture(ev.pointerId);
      drag(ev);
    });
    stage.addEventListener("pointermove", drag);
    stage.addEventListener("pointerup", function (ev) { drag(ev); start = null; });
    stage.addEventListener("pointercancel", function () { start = null; });
    ["x", "y", "w", "h"].forEach(function (k) { field[k].addEventListener("input", show); });
    show();
  });
})();
