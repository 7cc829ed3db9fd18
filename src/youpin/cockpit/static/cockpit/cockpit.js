/* Youpin cockpit: one ECharts chart per tile (actual, planned pace, forecast with its band)
 * and the county map coloured by the chosen measure; clicking a county drills down.
 * Data come from the json_script elements #cockpit-charts and #cockpit-map-data, which
 * htmx replaces with the rest of #cockpit-body, so everything is redrawn after each swap.
 */
(function () {
  "use strict";

  var ACCENT = "#b3261e";
  var PLAN = "#6b6b6b";
  var FORECAST = "#2f6f5e";
  var charts = [];

  var C = window.YoupinCharts;
  var compact = C.compact;
  var full = C.full;
  var read = C.readJson;

  function dispose() {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
  }

  function drawTile(spec) {
    var el = document.getElementById(spec.id);
    if (!el) {
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    var monthly = spec.kind === "monthly";
    chart.setOption({
      animation: false,
      grid: { left: 4, right: 8, top: 24, bottom: 28, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: full },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 },
        data: [el.dataset.actual || "实际", el.dataset.planned || "计划", el.dataset.forecast || "预测"] },
      xAxis: { type: "category", data: spec.labels, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", axisLabel: { formatter: compact, fontSize: 10 } },
      series: [
        { name: "lower", type: "line", data: spec.lower, stack: "band", symbol: "none",
          lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
        { name: "band", type: "line", data: spec.band, stack: "band", symbol: "none",
          lineStyle: { opacity: 0 }, areaStyle: { color: FORECAST, opacity: 0.18 }, silent: true },
        { name: el.dataset.actual || "实际", type: monthly ? "line" : "bar", data: spec.actual,
          itemStyle: { color: ACCENT }, symbolSize: 4, barMaxWidth: 24 },
        { name: el.dataset.planned || "计划", type: "line", data: spec.planned, step: monthly ? "middle" : false,
          itemStyle: { color: PLAN }, lineStyle: { type: "dashed" }, symbol: "none" },
        { name: el.dataset.forecast || "预测", type: "line", data: spec.forecast,
          itemStyle: { color: FORECAST }, symbolSize: 3 }
      ]
    });
    el.dataset.drawn = "true";
  }

  function drillTo(url) {
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#cockpit-body", swap: "outerHTML" }).then(function () {
        window.history.pushState({}, "", url);
      });
    } else {
      window.location.href = url;
    }
  }

  function drawMap(data) {
    var el = document.getElementById("cockpit-map");
    if (!el || !data) {
      return;
    }
    C.withMap(el, "youpin-cockpit", function () {
      if (!document.body.contains(el)) {
        return;  // replaced by a newer swap meanwhile
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      charts.push(chart);
      var byName = {};
      data.regions.forEach(function (r) { byName[r.name] = r; });
      var values = data.regions.map(function (r) { return r.value; });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) { return p.name + "<br>" + data.label + "：" + full(p.value); } },
        visualMap: { min: 0, max: Math.max.apply(null, values.concat([1])), calculable: true, left: 8, bottom: 8,
          inRange: { color: ["#f7ede2", "#e7a98b", ACCENT] }, formatter: compact },
        series: [{
          type: "map", map: "youpin-cockpit", name: data.label, roam: false, selectedMode: false,
          label: { show: true, color: "#222" },
          itemStyle: { borderColor: "#fff", borderWidth: 1 },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#f2c14e" } },
          data: data.regions.map(function (r) {
            var item = { name: r.name, value: r.value };
            if (r.code === data.selected) {
              item.itemStyle = { borderColor: "#222", borderWidth: 2 };
            }
            return item;
          })
        }]
      });
      chart.on("click", function (p) {
        var region = byName[p.name];
        if (region) {
          drillTo(region.url);
        }
      });
      el.dataset.drawn = "true";
    });
  }

  function drawAll() {
    if (!window.echarts) {
      return;
    }
    dispose();
    (read("cockpit-charts") || []).forEach(drawTile);
    drawMap(read("cockpit-map-data"));
  }

  document.addEventListener("htmx:afterSettle", function (evt) {
    if (document.getElementById("cockpit-body")) {
      drawAll();
    }
  });
  window.addEventListener("popstate", function () { window.location.reload(); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  C.ready(drawAll);
})();
