/* Youpin portal: draws the charts declared in the page with Apache ECharts.
 *
 * A chart is a <div data-chart="trend|county-map" data-source="ID">, where ID names a
 * <script type="application/json"> element written by Django's json_script filter.
 * The county map also fetches its polygons from data-geojson (a GeoJSON FeatureCollection).
 */
(function () {
  "use strict";

  var ACCENT = "#b3261e";
  var SECOND = "#2f6f5e";
  var charts = [];

  var C = window.YoupinCharts;
  var compact = C.compact;
  var full = C.full;

  function readData(el) {
    return C.readJson(el.dataset.source);
  }

  function start(el) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function drawTrend(el, data) {
    var chart = start(el);
    chart.setOption({
      color: [ACCENT, SECOND],
      grid: { left: 8, right: 8, top: 36, bottom: 36, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: full },
      legend: { bottom: 0 },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: [
        { type: "value", name: data.net_label, axisLabel: { formatter: compact }, nameTextStyle: { align: "left" } },
        { type: "value", name: data.parcels_label, axisLabel: { formatter: compact }, splitLine: { show: false },
          nameTextStyle: { align: "right" } }
      ],
      series: [
        { name: data.net_label, type: "bar", data: data.net, barMaxWidth: 36 },
        { name: data.parcels_label, type: "line", yAxisIndex: 1, data: data.parcels, smooth: true, symbolSize: 7 }
      ]
    });
  }

  function drawCountyMap(el, data) {
    var mapName = "youpin-counties-" + (el.id || "map");
    C.withMap(el, mapName, function () {
      var values = data.map.map(function (d) { return d.value; });
      var chart = start(el);
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var v = typeof p.value === "number" && !isNaN(p.value) ? full(p.value) : "—";
            return p.name + "<br>" + data.map_label + "：" + v;
          }
        },
        visualMap: {
          min: 0,
          max: Math.max.apply(null, values.concat([1])),
          calculable: true,
          left: 8,
          bottom: 8,
          inRange: { color: ["#f7ede2", "#e7a98b", ACCENT] },
          formatter: compact
        },
        series: [{
          type: "map",
          map: mapName,
          name: data.map_label,
          roam: false,
          label: { show: true, color: "#222" },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#f2c14e" } },
          itemStyle: { borderColor: "#fff", borderWidth: 1 },
          data: data.map
        }]
      });
    });
  }

  function init() {
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = readData(el);
      if (!data) {
        return;
      }
      if (el.dataset.chart === "trend") {
        drawTrend(el, data);
      } else if (el.dataset.chart === "county-map") {
        drawCountyMap(el, data);
      }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  C.ready(init);
})();
