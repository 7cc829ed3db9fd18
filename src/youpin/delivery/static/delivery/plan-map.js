/* Youpin joint-delivery plan map: the hub, every stop and each vehicle's route in its own
 * colour, drawn over the county polygons with Apache ECharts.
 *
 * <div data-chart="plan-map" data-source="ID" data-geojson="URL">: ID names the json_script
 * element with {hub: {name, value}, routes: [{name, colour, coords}], stops: [{name, value, colour}]}.
 */
(function () {
  "use strict";

  var C = window.YoupinCharts;

  function draw(el) {
    var data = C.readJson(el.dataset.source);
    if (!data) {
      return;
    }
    var mapName = "youpin-plan-" + (el.id || "map");
    C.withMap(el, mapName, function () {
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var series = data.routes.map(function (route) {
        return {
          name: route.name, type: "lines", coordinateSystem: "geo", polyline: true,
          data: [{ name: route.name, coords: route.coords }],
          lineStyle: { color: route.colour, width: 2.5, opacity: 0.9 }
        };
      });
      data.routes.forEach(function (route) {
        series.push({
          name: route.name, type: "scatter", coordinateSystem: "geo", symbolSize: 8,
          data: data.stops.filter(function (s) { return s.colour === route.colour; }),
          itemStyle: { color: route.colour }
        });
      });
      series.push({
        name: el.dataset.hubLabel || "hub", type: "scatter", coordinateSystem: "geo",
        symbol: "diamond", symbolSize: 16, data: [data.hub], itemStyle: { color: "#1f2328" }
      });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name; } },
        legend: { bottom: 0, data: data.routes.map(function (r) { return r.name; }) },
        geo: {
          map: mapName, roam: true,
          label: { show: true, color: "#555" },
          itemStyle: { areaColor: "#f7f3ec", borderColor: "#b9ad9c" },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#efe6d6" } }
        },
        series: series
      });
      el.dataset.drawn = "true";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function init() {
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll('[data-chart="plan-map"]').forEach(draw);
  }

  C.ready(init);
})();
