/* The dashboard's charts, drawn with Apache ECharts (served locally) from the data each
   chart's json_script element carries; no inline script (CSP). Every chart has a table
   beside it with the same numbers, for screen readers and for print. */
"use strict";

(() => {
  const palette = ["#a61b1b", "#1f5fa8", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f"];

  function option(data) {
    if (data.kind === "donut") {
      return {
        color: palette,
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [
          {
            name: data.title,
            type: "pie",
            radius: ["45%", "70%"],
            center: ["50%", "42%"],
            label: { show: false },
            data: data.categories.map((name, index) => ({
              name,
              value: data.series[0].values[index],
            })),
          },
        ],
      };
    }
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: data.categories,
        axisLabel: { interval: 0, hideOverlap: true, width: 90, overflow: "break" },
      },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map((series) => ({
        name: series.name,
        type: data.kind === "month" ? "line" : "bar",
        data: series.values,
      })),
    };
  }

  const charts = [];
  if (window.echarts) {
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const source = document.getElementById(element.dataset.chart);
      if (!source) return;
      const chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(option(JSON.parse(source.textContent)));
      charts.push(chart);
    });
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  }

  document.querySelectorAll("[data-portal-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
})();
