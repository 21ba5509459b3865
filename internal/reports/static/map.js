// Maps of the reports module: the pin picker of the citizen form, the map
// tab of the public list and the small map of a report. Without JavaScript
// the forms keep working with the address and coordinate fields.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var PADOVA = [45.4064, 11.8768];

  function baseMap(el, center, zoom) {
    var map = L.map(el).setView(center, zoom);
    var tiles = el.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    return map;
  }

  function pin(map, lat, lon, popup) {
    var m = L.circleMarker([lat, lon], { radius: 9, color: "#0066cc", fillOpacity: 0.8 }).addTo(map);
    if (popup) { m.bindPopup(popup); }
    return m;
  }

  var picker = document.getElementById("reports-picker");
  if (picker) {
    var lat = document.getElementById("lat"), lon = document.getElementById("lon");
    var cat = document.getElementById("category");
    var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : PADOVA;
    var map = baseMap(picker, start, 15);
    var marker = lat.value && lon.value ? pin(map, start[0], start[1]) : null;
    var live = document.createElement("div");
    live.setAttribute("aria-live", "polite");
    live.className = "small mt-2";
    picker.parentNode.insertBefore(live, picker.nextSibling);
    var nearby = function () {
      if (!cat.value || !lat.value || !lon.value) { return; }
      fetch("/segnalazioni/vicine.json?categoria=" + encodeURIComponent(cat.value) + "&lat=" + lat.value + "&lon=" + lon.value,
        { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (list) {
          live.textContent = "";
          if (!list.length) { return; }
          live.appendChild(document.createTextNode(picker.getAttribute("data-nearby-label") + " "));
          list.forEach(function (it, i) {
            var a = document.createElement("a");
            a.href = "/segnalazioni/" + it.Number;
            a.textContent = it.Title + " (" + it.Metres + " m, " + it.State + ")";
            if (i) { live.appendChild(document.createTextNode("; ")); }
            live.appendChild(a);
          });
        });
    };
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(e.latlng); } else { marker = pin(map, e.latlng.lat, e.latlng.lng); }
      nearby();
    });
    cat.addEventListener("change", nearby);
  }

  var box = document.getElementById("reports-map");
  if (box && box.getAttribute("data-pins")) {
    var m = baseMap(box, PADOVA, 13);
    fetch(box.getAttribute("data-pins"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (pins) {
        var pts = [];
        pins.forEach(function (p) {
          var a = document.createElement("a");
          a.href = "/segnalazioni/" + p.Number;
          a.textContent = p.Title + " — " + p.State;
          pin(m, p.Lat, p.Lon, a);
          pts.push([p.Lat, p.Lon]);
        });
        if (pts.length) { m.fitBounds(pts, { maxZoom: 16 }); }
      });
  } else if (box && box.getAttribute("data-lat")) {
    var c = [parseFloat(box.getAttribute("data-lat")), parseFloat(box.getAttribute("data-lon"))];
    pin(baseMap(box, c, 16), c[0], c[1]);
  }
})();

// Extra questions: show (and enable) only those of the chosen category.
(function () {
  "use strict";
  var cat = document.getElementById("category");
  if (!cat) { return; }
  function sync() {
    document.querySelectorAll(".reports-questions").forEach(function (box) {
      var on = box.getAttribute("data-category") === cat.value;
      box.hidden = !on;
      box.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !on; });
    });
  }
  cat.addEventListener("change", sync);
  sync();
})();
