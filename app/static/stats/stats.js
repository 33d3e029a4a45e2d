/*
 * 统计分析 and the home pages' chart: every element with class "stats-chart" and a data-url fetches one
 * statistics table as JSON (/stats/data) and draws it with Apache ECharts (vendored, no outside origin).
 *   data-url     the JSON address (dimension, campaign, batch)
 *   data-table   id of a <table> to fill with the same figures (optional)
 *   data-chart   bar | hbar | pie | line, instead of the table's own kind (optional)
 *   data-series  comma-separated measure codes to draw, instead of the table's own (optional)
 * No inline script: the page's Content-Security-Policy may forbid it.
 */
(function () {
  'use strict';

  var PALETTE = ['#2a6cb5', '#c8102e', '#d48806', '#2e8b57', '#7b5fb0', '#1f9bb4', '#e0703a', '#8a97a5',
    '#4f8fd6', '#b3475a'];
  var charts = [];

  function toNumber(value) {
    if (typeof value === 'number') { return value; }
    var n = parseFloat(value);
    return isNaN(n) ? 0 : n;
  }

  function format(value, kind) {
    var n = toNumber(value);
    if (kind === 'money') {
      return n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    return n.toLocaleString('zh-CN');
  }

  function column(data, code) {
    for (var i = 0; i < data.columns.length; i += 1) {
      if (data.columns[i].code === code) { return data.columns[i]; }
    }
    return null;
  }

  function seriesColumns(el, data) {
    var codes = el.getAttribute('data-series') ? el.getAttribute('data-series').split(',') : data.series;
    return codes.map(function (code) { return column(data, code.trim()); }).filter(Boolean);
  }

  function shortTitle(title) {
    return title.replace(/（元）$/, '');
  }

  function empty(data, cols) {
    return !data.rows.some(function (row) {
      return cols.some(function (c) { return toNumber(row.values[c.code]) !== 0; });
    });
  }

  function tooltipValue(kind) {
    return function (value) { return format(value, kind) + (kind === 'money' ? ' 元' : ''); };
  }

  function pieOption(data, cols) {
    var c = cols[0];
    var items = data.rows.filter(function (row) { return toNumber(row.values[c.code]) > 0; })
      .map(function (row) { return { name: row.label, value: toNumber(row.values[c.code]) }; });
    return {
      color: PALETTE,
      tooltip: { trigger: 'item', valueFormatter: tooltipValue(c.kind) },
      legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 12 } },
      series: [{
        name: shortTitle(c.title), type: 'pie', radius: ['34%', '60%'], center: ['50%', '46%'],
        avoidLabelOverlap: true, itemStyle: { borderColor: '#fff', borderWidth: 2 },
        label: { formatter: '{b}\n{c}（{d}%）', fontSize: 12 },
        data: items
      }]
    };
  }

  function axisOption(data, cols, kind, width) {
    var labels = data.rows.map(function (row) { return row.label; });
    var horizontal = kind === 'hbar';
    // Labels lie flat while each fits under its own bar (12 px a character), else they slant.
    var room = Math.floor((width - 80) / Math.max(labels.length, 1));
    var longest = Math.max.apply(null, labels.map(function (l) { return l.length; }).concat([0])) * 12;
    var slant = longest > room;
    var category = {
      type: 'category', data: labels, inverse: horizontal,
      axisTick: { alignWithLabel: true },
      axisLabel: horizontal
        ? { width: 190, overflow: 'truncate', fontSize: 12 }
        : { interval: 0, rotate: slant ? 35 : 0, fontSize: 12, overflow: 'truncate', width: slant ? 110 : room }
    };
    var money = cols.some(function (c) { return c.kind === 'money'; });
    var value = {
      type: 'value', minInterval: money ? 0 : 1,
      splitLine: { lineStyle: { type: 'dashed', color: '#e3e8ee' } },
      axisLabel: { formatter: function (v) { return format(v, 'integer'); } }
    };
    var series = cols.map(function (c, index) {
      var s = {
        name: shortTitle(c.title), type: 'bar',
        data: data.rows.map(function (row) { return toNumber(row.values[c.code]); }),
        tooltip: { valueFormatter: tooltipValue(c.kind) },
        barMaxWidth: 34, emphasis: { focus: 'series' }
      };
      if (labels.length <= 24) {
        s.label = { show: true, position: horizontal ? 'right' : 'top', fontSize: 11, color: '#44546a',
          formatter: function (p) { return p.value ? format(p.value, c.kind) : ''; } };
      }
      if (index === 0) {
        s.itemStyle = { borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] };
      }
      return s;
    });
    return {
      color: PALETTE,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { show: cols.length > 1, top: 0, textStyle: { fontSize: 12 } },
      grid: { left: 12, right: horizontal ? 56 : 20, top: cols.length > 1 ? 34 : 22, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series
    };
  }

  var DAY = 24 * 3600 * 1000;

  function dayValue(label) {
    var parts = label.split('-');
    return Date.UTC(+parts[0], +parts[1] - 1, +parts[2]);
  }

  function dayOption(data, cols) {
    // Submissions per day on a time axis: a day without one is a zero inside a batch's weeks; a gap of
    // more than two months (between batches or campaigns) breaks the line instead of drawing a slope.
    var clusterStart = data.rows.length ? dayValue(data.rows[0].label) : 0;
    var series = cols.map(function (c) {
      var points = [];
      var previous = null;
      data.rows.forEach(function (row) {
        var day = dayValue(row.label);
        if (previous !== null) {
          var gap = Math.round((day - previous) / DAY);
          if (gap > 62) {
            points.push([previous + DAY, null]);
            clusterStart = day;
          } else {
            for (var d = previous + DAY; d < day; d += DAY) { points.push([d, 0]); }
          }
        }
        points.push([day, toNumber(row.values[c.code])]);
        previous = day;
      });
      return { name: shortTitle(c.title), type: 'line', data: points, showSymbol: points.length <= 45,
        symbolSize: 5, connectNulls: false, areaStyle: { opacity: 0.12 },
        tooltip: { valueFormatter: tooltipValue(c.kind) } };
    });
    var first = data.rows.length ? dayValue(data.rows[0].label) : 0;
    var last = data.rows.length ? dayValue(data.rows[data.rows.length - 1].label) : 0;
    var from = Math.max(clusterStart, last - 90 * DAY) - 2 * DAY;
    var option = {
      color: PALETTE,
      tooltip: { trigger: 'axis' },
      legend: { show: cols.length > 1, top: 0 },
      grid: { left: 12, right: 24, top: 28, bottom: 44, containLabel: true },
      xAxis: { type: 'time', minInterval: DAY, axisLabel: { formatter: '{yyyy}-{MM}-{dd}', hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { type: 'dashed', color: '#e3e8ee' } } },
      series: series
    };
    if (last - first > 90 * DAY) {
      // A long span (several campaigns): open on the latest weeks of submissions (at most three months);
      // the slider reaches the rest.
      option.dataZoom = [{ type: 'slider', height: 18, bottom: 8, startValue: from, endValue: last + DAY,
        labelFormatter: function (v) { return new Date(v).toISOString().slice(0, 10); } }, { type: 'inside' }];
    }
    return option;
  }

  function fillTable(table, data) {
    while (table.firstChild) { table.removeChild(table.firstChild); }
    var head = table.createTHead().insertRow();
    var th = document.createElement('th');
    th.textContent = data.heading;
    head.appendChild(th);
    data.columns.forEach(function (c) {
      var cell = document.createElement('th');
      var unit = c.title.match(/^(.*)(（元）)$/);
      if (unit) {
        // The unit on a line of its own keeps a narrow table narrow.
        cell.appendChild(document.createTextNode(unit[1]));
        cell.appendChild(document.createElement('br'));
        cell.appendChild(document.createTextNode(unit[2]));
      } else {
        cell.textContent = c.title;
      }
      cell.className = 'num';
      head.appendChild(cell);
    });
    var body = table.createTBody();
    data.rows.forEach(function (row) {
      var tr = body.insertRow();
      tr.setAttribute('data-key', row.key);
      tr.insertCell().textContent = row.label;
      data.columns.forEach(function (c) {
        var td = tr.insertCell();
        td.textContent = format(row.values[c.code], c.kind);
        td.className = 'num' + (toNumber(row.values[c.code]) === 0 ? ' zero' : '');
        td.setAttribute('data-measure', c.code);
      });
    });
    if (!data.rows.length) {
      var none = body.insertRow().insertCell();
      none.colSpan = data.columns.length + 1;
      none.textContent = '暂无数据';
      none.className = 'text-center text-muted';
    }
    var foot = table.createTFoot().insertRow();
    foot.insertCell().textContent = data.total_label;
    data.columns.forEach(function (c) {
      var td = foot.insertCell();
      td.textContent = format(data.total[c.code], c.kind);
      td.className = 'num';
      td.setAttribute('data-measure', c.code);
    });
  }

  function message(el, className, text) {
    var node = document.createElement('div');
    node.className = className;
    node.textContent = text;
    el.appendChild(node);
  }

  function draw(el, data) {
    var loading = el.querySelector('.stats-loading');
    if (loading) { el.removeChild(loading); }
    var tableId = el.getAttribute('data-table');
    if (tableId && document.getElementById(tableId)) { fillTable(document.getElementById(tableId), data); }
    var kind = el.getAttribute('data-chart') || data.chart;
    var cols = seriesColumns(el, data);
    if (!cols.length || empty(data, cols)) {
      message(el, 'stats-empty', '暂无数据');
      el.setAttribute('data-drawn', 'empty');
      return;
    }
    if (kind === 'hbar') {
      // One line per group: a long list (行业, 户籍地) gets the height it needs.
      el.style.height = Math.max(240, data.rows.length * 24 * Math.max(1, cols.length * 0.8) + 60) + 'px';
    }
    var chart = window.echarts.init(el, null, { renderer: 'canvas', locale: 'ZH' });
    var option = kind === 'pie' ? pieOption(data, cols)
      : kind === 'line' ? dayOption(data, cols) : axisOption(data, cols, kind, el.clientWidth);
    option.animationDuration = 400;
    option.toolbox = { right: 4, top: 0, feature: { saveAsImage: { title: '保存为图片', name: data.title } } };
    chart.setOption(option);
    charts.push(chart);
    el.setAttribute('data-drawn', 'chart');
  }

  function load(el) {
    fetch(el.getAttribute('data-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { draw(el, data); })
      .catch(function () {
        var loading = el.querySelector('.stats-loading');
        if (loading) { el.removeChild(loading); }
        message(el, 'stats-error', '数据加载失败，请刷新页面重试');
        el.setAttribute('data-drawn', 'error');
      });
  }

  function wireFilter() {
    // Another campaign has other batches: choosing it starts again from all of its batches.
    var campaign = document.getElementById('filter-campaign');
    var batch = document.getElementById('filter-batch');
    if (!campaign || !batch) { return; }
    campaign.addEventListener('change', function () {
      batch.value = '';
      campaign.form.submit();
    });
    batch.addEventListener('change', function () { batch.form.submit(); });
  }

  function start() {
    wireFilter();
    if (!window.echarts) { return; }
    Array.prototype.forEach.call(document.querySelectorAll('.stats-chart[data-url]'), load);
    var pending = null;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
