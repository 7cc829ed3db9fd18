/* Youpin charts: what every page's ECharts script shares — number formats in the page's
 * language, reading a json_script element, the county polygons fetched once per page, a
 * failed map said in words, and running when the document is ready.
 * Loaded (deferred) by portal/base.html before the pages' own scripts: window.YoupinCharts.
 */
(function () {
  "use strict";

  var geoRequests = {};

  function lang() {
    return document.documentElement.lang || "zh-Hans";
  }

  function missing(value) {
    return value === null || value === undefined || isNaN(value);
  }

  function compact(value) {
    if (missing(value)) {
      return "—";
    }
    return new Intl.NumberFormat(lang(), { notation: "compact", maximumFractionDigits: 1 }).format(value);
  }

  function full(value) {
    if (missing(value)) {
      return "—";
    }
    return new Intl.NumberFormat(lang(), { maximumFractionDigits: 2 }).format(value);
  }

  function readJson(id) {
    var node = id ? document.getElementById(id) : null;
    if (!node) {
      return null;
    }
    try {
      return JSON.parse(node.textContent);
    } catch (err) {
      return null;
    }
  }

  function geojson(url) {
    if (!geoRequests[url]) {
      geoRequests[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        });
      geoRequests[url].catch(function () { delete geoRequests[url]; });
    }
    return geoRequests[url];
  }

  function failed(el) {
    el.classList.add("chart--failed");
    el.textContent = el.dataset.failed || "地图加载失败";
  }

  /* Fetch el's data-geojson, register it under mapName and call draw(); a failure is said in el. */
  function withMap(el, mapName, draw) {
    return geojson(el.dataset.geojson)
      .then(function (collection) {
        window.echarts.registerMap(mapName, collection);
        draw();
      })
      .catch(function () { failed(el); });
  }

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  window.YoupinCharts = {
    lang: lang, compact: compact, full: full, readJson: readJson,
    withMap: withMap, failed: failed, ready: ready
  };
})();
