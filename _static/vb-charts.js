// The chart library (vega, vega-lite and vega-embed in one file) is loaded when a reader
// reaches for a chart: a pointer over a figure, a touch on one, or keyboard focus inside one; a
// chart added after the page has loaded (a page run again in place) loads it at once. Until
// then each chart is the SVG drawn when the book was built (villagereport.render): the page
// shows its charts with no script at all, and fetches the library only for tooltips, the
// table view's chart and the image downloads.
(function () {
  var src = document.currentScript.src.replace(/vb-charts\.js([?#].*)?$/, "vendor/vega-bundle.min.js");
  var queue = (window.vbChartQueue = window.vbChartQueue || []);
  var state = "idle";
  function drawAll() {
    while (queue.length) { queue.shift()(); }
  }
  function load() {
    if (state !== "idle") { return; }
    state = "loading";
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { state = "loaded"; drawAll(); };
    document.head.appendChild(script);
  }
  queue.push = function (draw) {
    Array.prototype.push.call(queue, draw);
    if (state === "loaded") { drawAll(); } else if (document.readyState === "complete") { load(); }
  };
  ["pointerover", "touchstart", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.closest && event.target.closest(".vb-figure")) { load(); }
    }, { passive: true });
  });
  // A chart without its drawing (the build had no vl-convert) needs the library at once.
  if (document.querySelector(".vb-chart:not(:has(.vb-static))")) { load(); }
  window.vbCharts = { load: load };
})();
