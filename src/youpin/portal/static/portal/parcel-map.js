/* Youpin parcel map: the county polygons and, in order, the places a parcel's events happened.
 *
 * The map is a <div data-chart="parcel-map" data-source="ID" data-geojson="URL">, where ID
 * names a <script type="application/json"> written by json_script: {points: [{name, code,
 * value: [lon, lat]}], route_label}. Drawn with Apache ECharts' geo component.
 */
(function () {
  "use strict";

  var ACCENT = "#b3261e";
  var charts = [];

  var C = window.YoupinCharts;

  function segments(points) {
    var out = [];
    for (var i = 1; i < points.length; i += 1) {
      out.push({ coords: [points[i - 1].value, points[i].value] });
    }
    return out;
  }

  function draw(el, data, mapName) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    var last = data.points.length - 1;
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return p.name || ""; } },
      geo: {
        map: mapName,
        roam: true,
        label: { show: true, color: "#5f6670", fontSize: 11 },
        itemStyle: { areaColor: "#f7ede2", borderColor: "#ffffff", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#f2e3d3" } }
      },
      series: [
        {
          name: data.route_label,
          type: "lines",
          coordinateSystem: "geo",
          data: segments(data.points),
          lineStyle: { color: ACCENT, width: 2, curveness: 0.15, opacity: 0.8 },
          symbol: ["none", "arrow"],
          symbolSize: 8
        },
        {
          name: data.route_label,
          type: "scatter",
          coordinateSystem: "geo",
          data: data.points.map(function (p, i) {
            return { name: (i + 1) + ". " + p.name, value: p.value };
          }),
          symbolSize: function (value, params) { return params.dataIndex === last ? 14 : 9; },
          itemStyle: { color: ACCENT, borderColor: "#ffffff", borderWidth: 1 },
          label: {
            show: true,
            position: "right",
            formatter: function (p) { return String(p.dataIndex + 1); },
            color: "#1f2328"
          }
        }
      ]
    });
  }

  function start(el) {
    var data = C.readJson(el.dataset.source);
    if (!data || !data.points || !data.points.length) {
      return;
    }
    var mapName = "youpin-parcel-" + (el.id || "map");
    C.withMap(el, mapName, function () { draw(el, data, mapName); });
  }

  function init() {
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll("[data-chart='parcel-map']").forEach(start);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  C.ready(init);
})();
