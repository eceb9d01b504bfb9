/*
 * Small charts as inline SVG, built element by element: every label goes in as text, never as markup.
 * Each chart is one image for a screen reader, labelled with what it shows in words.
 */
"use strict";
var SiloCharts = (function () {
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function frame(width, height, label) {
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": label, "class": "chart" });
    svg.appendChild(el("title", {}, label));
    return svg;
  }

  /** Horizontal bars: rows of {label, value, text?, tone?}, each bar against the largest value (or max). */
  function bars(rows, options) {
    options = options || {};
    var width = 360, row = 26, labelWidth = options.labelWidth || 110, valueWidth = 90;
    var height = Math.max(row, rows.length * row) + 4;
    var max = options.max || rows.reduce(function (m, r) { return Math.max(m, r.value); }, 0) || 1;
    var summary = rows.map(function (r) { return r.label + ": " + (r.text || r.value); }).join(", ");
    var svg = frame(width, height, (options.title || "Chart") + (summary ? " — " + summary : ""));
    var barSpace = width - labelWidth - valueWidth;
    rows.forEach(function (r, i) {
      var y = i * row + 2;
      var label = r.label.length > 14 ? r.label.slice(0, 13) + "…" : r.label;
      svg.appendChild(el("text", { x: 0, y: y + 15 }, label));
      svg.appendChild(el("rect", { "class": "track", x: labelWidth, y: y + 3, width: barSpace, height: row - 8, rx: 2 }));
      var w = Math.max(r.value > 0 ? 2 : 0, Math.round(barSpace * Math.min(1, r.value / max)));
      svg.appendChild(el("rect", { "class": r.tone ? "bar-" + r.tone : "bar", x: labelWidth, y: y + 3, width: w, height: row - 8, rx: 2 }));
      svg.appendChild(el("text", { x: labelWidth + barSpace + 6, y: y + 15 }, r.text || r.value));
    });
    return svg;
  }

  /** Two series per minute, oldest first: requests (line) and errors (line), with the peak marked. */
  function series(points, options) {
    options = options || {};
    var width = 360, height = 150, left = 34, bottom = 18, top = 8;
    var max = points.reduce(function (m, p) { return Math.max(m, p.requests, p.errors); }, 0);
    var totalRequests = points.reduce(function (s, p) { return s + p.requests; }, 0);
    var totalErrors = points.reduce(function (s, p) { return s + p.errors; }, 0);
    var svg = frame(width, height, (options.title || "Requests") + ": " + totalRequests + " requests and "
      + totalErrors + " errors over the last " + points.length + " minutes, at most " + max + " a minute");
    var plotW = width - left - 4, plotH = height - bottom - top, scale = max || 1;
    svg.appendChild(el("line", { "class": "axis", x1: left, y1: top + plotH, x2: width - 4, y2: top + plotH }));
    svg.appendChild(el("text", { x: 0, y: top + 10 }, max));
    svg.appendChild(el("text", { x: 0, y: top + plotH }, 0));
    svg.appendChild(el("text", { x: left, y: height - 3 }, "−" + points.length + " min"));
    svg.appendChild(el("text", { x: width - 30, y: height - 3 }, "now"));
    function path(key) {
      if (points.length === 0) { return ""; }
      var step = points.length > 1 ? plotW / (points.length - 1) : 0;
      return points.map(function (p, i) {
        var x = left + i * step, y = top + plotH - (p[key] / scale) * plotH;
        return (i === 0 ? "M" : "L") + x.toFixed(1) + " " + y.toFixed(1);
      }).join(" ");
    }
    svg.appendChild(el("path", { "class": "line", d: path("requests") }));
    svg.appendChild(el("path", { "class": "line-bad", d: path("errors") }));
    return svg;
  }

  return { bars: bars, series: series };
})();
