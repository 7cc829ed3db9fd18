/* Youpin villages page: administrative villages with and without a service point, drawn
 * over the county polygons with Apache ECharts.
 *
 * <div data-chart="village-map" data-source="ID" data-geojson="URL">: ID names the
 * json_script element with {served, unserved, townships} lists of {name, value: [lon, lat]}.
 */
(function () {
  "use strict";

  var C = window.YoupinCharts;

  function draw(el) {
    var data = C.readJson(el.dataset.source);
    if (!data) {
      return;
    }
    var mapName = "youpin-villages-" + (el.id || "map");
    C.withMap(el, mapName, function () {
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      function points(name, list, color, size, symbol) {
        return {
          name: name, type: "scatter", coordinateSystem: "geo", data: list,
          symbol: symbol || "circle", symbolSize: size, itemStyle: { color: color, opacity: 0.85 }
        };
      }
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.seriesName + "<br>" + p.name; } },
        legend: { bottom: 0 },
        geo: {
          map: mapName, roam: true,
          label: { show: true, color: "#555" },
          itemStyle: { areaColor: "#f7f3ec", borderColor: "#b9ad9c" },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#efe6d6" } }
        },
        series: [
          points(data.served_label, data.served, "#2f6f5e", 6),
          points(data.unserved_label, data.unserved, "#b3261e", 7),
          points(data.township_label, data.townships, "#f2a900", 11, "diamond")
        ]
      });
      el.dataset.drawn = "true";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function init() {
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll('[data-chart="village-map"]').forEach(draw);
  }

  C.ready(init);
})();
