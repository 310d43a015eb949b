// Draws the overview charts from the JSON the page carries; every figure is also in a table.
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || typeof Chart === "undefined") return;
  var data = JSON.parse(el.textContent);
  // Colours from a colour-blind-safe palette (Okabe-Ito), each series also with its own point
  // shape and dash so no series is told apart by colour alone.
  var styles = {
    requests: { color: "#0072B2", point: "circle", dash: [] },
    commands: { color: "#009E73", point: "rect", dash: [6, 3] },
    writes: { color: "#B35900", point: "triangle", dash: [2, 2] },
    destructive: { color: "#CC0066", point: "rectRot", dash: [8, 3, 2, 3] },
    denied: { color: "#000000", point: "crossRot", dash: [1, 3] }
  };
  Chart.defaults.font.size = 13;
  Chart.defaults.color = "#1a1a1a";
  var timeline = document.getElementById("chart-timeline");
  if (timeline) {
    new Chart(timeline, {
      type: "line",
      data: {
        labels: data.timeline.map(function (p) { return p.bucket; }),
        datasets: data.series.map(function (s) {
          var st = styles[s];
          return {
            label: s, data: data.timeline.map(function (p) { return p[s]; }),
            borderColor: st.color, backgroundColor: st.color, pointStyle: st.point,
            pointRadius: 5, borderDash: st.dash, tension: 0
          };
        })
      },
      options: {
        maintainAspectRatio: false, animation: false,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  Object.keys(data.by).forEach(function (dim) {
    var canvas = document.getElementById("chart-" + dim);
    if (!canvas) return;
    var entries = Object.entries(data.by[dim]).sort(function (a, b) { return b[1] - a[1]; });
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: entries.map(function (e) { return e[0]; }),
        datasets: [{ label: "requests", data: entries.map(function (e) { return e[1]; }), backgroundColor: "#0072B2" }]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
