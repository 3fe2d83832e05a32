// brokerbench report charts: draws the per-second series and the latency
// spectra of a report or comparison page with uPlot (inlined before this
// script). Data comes from <script type="application/json" id="report-data">.
// Every number drawn here is also in the page's plain tables.
(function () {
  "use strict";

  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];
  var HEIGHT = 240;
  // Each value covers the interval that ends at its time: draw it as a
  // step from the previous point.
  var STEPPED = uPlot.paths.stepped({ align: -1 });
  var charts = [];

  // fmtMs formats a latency given in ms: 850ns, 12.3µs, 1.23ms, 2.50s.
  function fmtMs(v) {
    if (v == null) return "-";
    if (v < 0.001) return (v * 1e6).toFixed(0) + "ns";
    if (v < 1) return +(v * 1e3).toPrecision(3) + "µs";
    if (v < 1000) return +v.toPrecision(3) + "ms";
    return +(v / 1000).toPrecision(3) + "s";
  }

  // tick returns an axis formatter that leaves hidden (null) ticks blank.
  function tick(fmt) {
    return function (u, splits) { return splits.map(function (v) { return v == null ? "" : fmt(v); }); };
  }

  function fmtNum(v) {
    if (v == null) return "-";
    if (Math.abs(v) >= 1e6) return +(v / 1e6).toPrecision(3) + "M";
    if (Math.abs(v) >= 1e4) return +(v / 1e3).toPrecision(3) + "k";
    return String(+v.toFixed(1));
  }

  // pctLabel names the percentile at x = 1/(1-p).
  function pctLabel(x) {
    if (x == null) return "";
    if (x <= 1) return "p0";
    return "p" + String(+(100 * (1 - 1 / x)).toPrecision(6));
  }

  function hasPositive(arrays) {
    for (var i = 0; i < arrays.length; i++) {
      var a = arrays[i];
      for (var j = 0; j < a.length; j++) if (a[j] != null && a[j] > 0) return true;
    }
    return false;
  }

  function widthOf(el) { return Math.max(320, el.clientWidth || 800); }

  function box(parent, title, cls) {
    var el = document.createElement("div");
    el.className = "chart " + (cls || "");
    el.setAttribute("data-title", title);
    parent.appendChild(el);
    return el;
  }

  // bandsPlugin shades warm-up, drain and fault intervals, marks where
  // each workload phase starts and marks anomalies (check examples) on a
  // time chart.
  function bandsPlugin(d) {
    var px = window.devicePixelRatio || 1;
    var tEnd = d.series.t.length ? d.series.t[d.series.t.length - 1] : 0;
    var bands = [];
    if (d.warmup_end > 0) bands.push({ from: 0, to: d.warmup_end, fill: "rgba(128,128,128,0.10)", label: "warm-up" });
    if (d.send_end < tEnd) bands.push({ from: d.send_end, to: tEnd, fill: "rgba(128,128,128,0.10)", label: "drain" });
    (d.faults || []).forEach(function (f) {
      bands.push({ from: f.start, to: f.end, fill: "rgba(255,140,0,0.22)", label: f.label, fault: true });
    });
    function xpos(u, v) { return u.valToPos(v, "x", true); }
    function clampX(u, x) { return Math.min(Math.max(x, u.bbox.left), u.bbox.left + u.bbox.width); }
    return {
      hooks: {
        drawClear: [function (u) {
          var c = u.ctx;
          bands.forEach(function (b) {
            var x0 = clampX(u, xpos(u, b.from)), x1 = clampX(u, xpos(u, b.to));
            if (x1 - x0 < 1) return;
            c.fillStyle = b.fill;
            c.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
          });
        }],
        draw: [function (u) {
          var c = u.ctx;
          c.save();
          c.font = (11 * px) + "px sans-serif";
          c.textAlign = "left";
          c.textBaseline = "top";
          bands.forEach(function (b) {
            var x0 = xpos(u, b.from);
            if (x0 < u.bbox.left || x0 > u.bbox.left + u.bbox.width) return;
            var w = c.measureText(b.label).width;
            var x = Math.min(x0, u.bbox.left + u.bbox.width - w - 6 * px);
            c.fillStyle = "rgba(255,255,255,0.8)";
            c.fillRect(x + 2 * px, u.bbox.top + 2 * px, w + 4 * px, 14 * px);
            c.fillStyle = b.fault ? "#b35900" : "#777";
            c.fillText(b.label, x + 4 * px, u.bbox.top + 3 * px);
          });
          // workload phases: a thin dotted line where each starts, its
          // name at the bottom (fault labels are at the top)
          var labelEnd = -Infinity;
          c.textBaseline = "bottom";
          (d.stages || []).forEach(function (st) {
            var x = xpos(u, st.start);
            if (x < u.bbox.left - 0.5 || x > u.bbox.left + u.bbox.width + 0.5) return;
            c.strokeStyle = "#3a5fcd";
            c.lineWidth = px;
            c.setLineDash([2 * px, 3 * px]);
            c.beginPath();
            c.moveTo(x, u.bbox.top);
            c.lineTo(x, u.bbox.top + u.bbox.height);
            c.stroke();
            var label = "▸ " + st.name;
            var w = c.measureText(label).width;
            var lx = Math.min(x, u.bbox.left + u.bbox.width - w - 6 * px);
            if (lx < labelEnd) return; // would cover the previous phase's name
            labelEnd = lx + w + 8 * px;
            var y = u.bbox.top + u.bbox.height - 2 * px;
            c.fillStyle = "rgba(255,255,255,0.85)";
            c.fillRect(lx + 2 * px, y - 14 * px, w + 4 * px, 14 * px);
            c.fillStyle = "#2a4ab0";
            c.fillText(label, lx + 4 * px, y - 1 * px);
          });
          c.setLineDash([]);
          c.strokeStyle = "#d00";
          c.fillStyle = "#d00";
          c.lineWidth = px;
          c.setLineDash([4 * px, 3 * px]);
          (d.marks || []).forEach(function (m) {
            var x = xpos(u, m.t);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            c.beginPath();
            c.moveTo(x, u.bbox.top);
            c.lineTo(x, u.bbox.top + u.bbox.height);
            c.stroke();
          });
          c.restore();
        }]
      }
    };
  }

  // syncZoom makes a zoom (drag) or reset (double-click) on one time chart
  // apply to every time chart.
  var zooming = false;
  function syncZoom(u, key) {
    if (key !== "x" || zooming) return;
    zooming = true;
    charts.forEach(function (o) {
      if (o !== u && o.bbTime) o.setScale("x", { min: u.scales.x.min, max: u.scales.x.max });
    });
    zooming = false;
  }

  // timeChart draws lines over the run's time axis; spec.lines are
  // [label, values, options] and spec.log puts the y axis on a log scale.
  function timeChart(parent, d, spec) {
    var el = box(parent, spec.title, "time");
    var values = spec.lines.map(function (l) { return l[1]; });
    var log = spec.log && hasPositive(values);
    var fmt = spec.ms ? fmtMs : fmtNum;
    var series = [{ label: "t", value: function (u, v) { return v == null ? "-" : v.toFixed(0) + "s"; } }];
    spec.lines.forEach(function (l, i) {
      var o = l[2] || {};
      series.push({
        label: l[0], stroke: o.color || PALETTE[i % PALETTE.length], width: 1.5, scale: o.scale || "y",
        paths: STEPPED, spanGaps: false,
        value: function (u, v) { return o.scale === "n" ? fmtNum(v) : fmt(v); }
      });
    });
    var axes = [
      { label: "s since start", values: tick(function (v) { return v + "s"; }) },
      { label: spec.unit, size: 64, values: tick(fmt) }
    ];
    var scales = { x: { time: false }, y: log ? { distr: 3 } : { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } };
    if (spec.right) {
      axes.push({ label: spec.right, scale: "n", side: 1, size: 56, grid: { show: false }, values: tick(fmtNum) });
      scales.n = { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } };
    } else { // the same right gutter on every time chart keeps their x axes aligned
      axes.push({ scale: "y", side: 1, size: 56, label: "", grid: { show: false }, ticks: { show: false }, values: tick(function () { return ""; }) });
    }
    var opts = {
      title: spec.title, width: widthOf(parent), height: HEIGHT,
      cursor: { sync: { key: "bb-time" }, drag: { x: true, y: false } },
      scales: scales, axes: axes, series: series, plugins: [bandsPlugin(d)],
      hooks: { setScale: [syncZoom] }
    };
    var u = new uPlot(opts, [d.series.t].concat(values), el);
    u.bbTime = true;
    charts.push(u);
    return u;
  }

  // spectrumChart draws percentile spectra: x is 1/(1-p) on a log scale.
  function spectrumChart(parent, xs, title, lines) {
    var el = box(parent, title, "spectrum");
    var values = lines.map(function (l) { return l.ms; });
    var log = hasPositive(values);
    var series = [{ label: "percentile", value: function (u, v) { return v == null ? "-" : pctLabel(v); } }];
    lines.forEach(function (l, i) {
      series.push({ label: l.label, stroke: l.color || PALETTE[i % PALETTE.length], width: 1.5, dash: l.dash, points: { show: false }, value: function (u, v) { return fmtMs(v); } });
    });
    var opts = {
      title: title, width: widthOf(parent), height: HEIGHT + 40,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false, distr: 3, range: [1, xs[xs.length - 1]] }, y: log ? { distr: 3 } : {} },
      axes: [
        { label: "percentile", splits: function () { return [1, 2, 10, 100, 1e3, 1e4, 1e5]; }, filter: function (u, splits) { return splits; }, values: tick(pctLabel) },
        { label: "latency", size: 64, values: tick(fmtMs) }
      ],
      series: series
    };
    var u = new uPlot(opts, [xs].concat(values), el);
    charts.push(u);
    return u;
  }

  function lat(d, kind, unitTitle) {
    var l = d.series[kind];
    return {
      title: unitTitle, unit: "latency", ms: true, log: true,
      lines: [["p50", l.p50], ["p99", l.p99], ["p99.9", l.p999], ["max", l.max]]
    };
  }

  var KINDS = [["publish", "publish response"], ["service", "publish service"], ["e2e", "end-to-end"]];
  var PARTS = ["before", "during", "after"];
  var PART_DASH = { before: [6, 3], during: null, after: [2, 3] };

  // report draws the per-run page.
  function report(d) {
    var tc = document.getElementById("time-charts");
    var s = d.series;
    if (!s.t || !s.t.length) {
      tc.textContent = "No per-second series was recorded.";
    } else {
      timeChart(tc, d, { title: "Throughput", unit: "msg/s", lines: [["send/s", s.send], ["ack/s", s.ack], ["delivered/s", s.delivery]] });
      timeChart(tc, d, {
        title: "Failed and unknown outcomes", unit: "per s", right: "in flight",
        lines: [["failed/s", s.failed, { color: "#d62728" }], ["unknown/s", s.unknown, { color: "#ff7f0e" }], ["in flight", s.in_flight, { color: "#7f7f7f", scale: "n" }]]
      });
      timeChart(tc, d, lat(d, "publish", "Publish response time (intended send → ack), per second"));
      timeChart(tc, d, lat(d, "service", "Publish service time (send call → ack), per second"));
      timeChart(tc, d, lat(d, "e2e", "End-to-end latency (intended send → delivery), per second"));
    }
    spectra(d);
  }

  function spectra(d) {
    var sc = document.getElementById("spectrum-charts");
    var measured = d.spectra.filter(function (l) { return l.part === ""; });
    if (!measured.length) {
      sc.textContent = "No latency samples were recorded.";
      return;
    }
    spectrumChart(sc, d.spectrum_x, "Percentile spectrum, measured part", measured.map(function (l) {
      return { label: l.name + " (" + l.count + ")", ms: l.ms };
    }));
    if (!d.faults || !d.faults.length) return;
    KINDS.forEach(function (k) {
      var lines = d.spectra.filter(function (l) { return l.kind === k[0] && l.part !== ""; });
      if (!lines.length) return;
      spectrumChart(sc, d.spectrum_x, "Percentile spectrum of " + k[1] + " before / during / after each fault", lines.map(function (l) {
        return { label: l.phase + " (" + l.count + ")", ms: l.ms, dash: PART_DASH[l.part], color: PALETTE[(l.fault * 3 + PARTS.indexOf(l.part)) % PALETTE.length] };
      }));
    });
  }

  // compare draws the comparison page: overlaid spectra per latency kind.
  function compare(d) {
    var sc = document.getElementById("spectrum-charts");
    KINDS.forEach(function (k) {
      var lines = [];
      d.runs.forEach(function (r, i) {
        var v = r[k[0]];
        if (v) lines.push({ label: "#" + (i + 1) + " " + r.label + (r.stand_in ? " [STAND-IN]" : "") + (r.incomplete ? " [INCOMPLETE]" : ""), ms: v, dash: r.stand_in ? [6, 3] : null, color: PALETTE[i % PALETTE.length] });
      });
      if (lines.length) spectrumChart(sc, d.spectrum_x, "Percentile spectrum of " + k[1] + " latency, measured part", lines);
    });
    if (!charts.length) sc.textContent = "No latency samples in any run.";
  }

  function resize() {
    charts.forEach(function (u) {
      var parent = u.root.parentNode.parentNode;
      u.setSize({ width: widthOf(parent), height: u.height });
    });
  }

  var data = JSON.parse(document.getElementById("report-data").textContent);
  if (document.body.classList.contains("compare")) compare(data); else report(data);
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(resize, 150);
  });
  document.body.setAttribute("data-charts", String(charts.length));
})();
