/* The reports page: GET /api/v1/stats over a range and a grouping, drawn as a table and two
   charts (chart.js, served by hall), the heat map of arrivals, the quarter's table by officer
   as a manager pastes it into the province's report, and the same figures as files. */
(function () {
  "use strict";
  var _ = hall.t, $ = hall.$;
  var config = JSON.parse($("config").textContent);
  var WEEKDAYS = [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")];
  var KEY_HEADS = {field: _("Lĩnh vực"), counter: _("Quầy"), officer: _("Cán bộ"), day: _("Ngày"),
                   week: _("Tuần"), month: _("Tháng"), quarter: _("Quý"), hour: _("Giờ"),
                   weekday: _("Thứ"), procedure: _("Thủ tục")};
  var names = {field: {}, officer: {}};
  var charts = {};

  function api(path) { return hall.api("GET", path, null, {csrf: config.csrf}); }
  function say(text) { $("message").textContent = text; $("message").className = "error"; $("message").hidden = false; }
  function fail(error) {
    if (error.status === 401) { location.href = "/counter/login?next=/admin/reports"; return; }
    say(error.message);
  }

  /* ---- dates: service days of the centre, as "YYYY-MM-DD" ---- */
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(d) { return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()); }
  function day(text) { return new Date(text + "T00:00:00Z"); }
  function quarterOf(d) { return Math.floor(d.getUTCMonth() / 3); }
  function range(preset) {
    var today = day(hall.today()), y = today.getUTCFullYear(), m = today.getUTCMonth();
    if (preset === "today") return [today, today];
    if (preset === "week") {
      var monday = new Date(today); monday.setUTCDate(today.getUTCDate() - (today.getUTCDay() + 6) % 7);
      return [monday, today];
    }
    if (preset === "month") return [new Date(Date.UTC(y, m, 1)), today];
    if (preset === "quarter") return [new Date(Date.UTC(y, quarterOf(today) * 3, 1)), today];
    if (preset === "last-quarter") {
      var start = new Date(Date.UTC(y, quarterOf(today) * 3 - 3, 1));
      return [start, new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 3, 0))];
    }
    if (preset === "year") return [new Date(Date.UTC(y, 0, 1)), today];
    return null;
  }
  function applyPreset() {
    var chosen = range($("preset").value);
    if (chosen) { $("from").value = iso(chosen[0]); $("to").value = iso(chosen[1]); }
  }

  /* ---- figures ---- */
  function minutes(seconds) { return seconds === null || seconds === undefined ? "—" : (seconds / 60).toFixed(1); }
  function pct(value) { return value === null || value === undefined ? "—" : value + "%"; }
  function count(value) { return value === null || value === undefined ? "—" : String(value); }
  function label(by, key) {
    if (by === "field") return names.field[key] ? names.field[key] + " (" + key + ")" : String(key);
    if (by === "officer") return names.officer[key] || String(key);
    if (by === "counter") return _("Quầy {n}", {n: key});
    if (by === "weekday") return WEEKDAYS[Number(key) - 1] || String(key);
    if (by === "hour") return pad(Number(key)) + ":00";
    return String(key);
  }
  function query(extra) {
    var params = new URLSearchParams({from: $("from").value, to: $("to").value});
    [["field", "f-field"], ["counter", "f-counter"], ["officer", "f-officer"]].forEach(function (pair) {
      if ($(pair[1]).value) params.set(pair[0], $(pair[1]).value);
    });
    Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
    return params.toString();
  }
  function cells(row, values) {
    values.forEach(function (value, i) {
      var td = row.insertCell(); td.textContent = value; if (i > 0) td.className = "num";
    });
  }

  function drawTable(by, rows) {
    $("key-head").textContent = KEY_HEADS[by];
    $("caption").textContent = _("Từ {from} đến {to}", {from: $("from").value, to: $("to").value});
    var body = $("rows").tBodies[0];
    body.textContent = "";
    rows.forEach(function (r) {
      var row = body.insertRow();
      row.dataset.key = r.key;
      cells(row, [label(by, r.key), count(r.issued), count(r.served), count(r.no_show), count(r.transferred),
                  count(r.cancelled), minutes(r.wait_s.avg), minutes(r.wait_s.p50), minutes(r.wait_s.p90),
                  minutes(r.service_s.avg), pct(r.within_target_pct), count(r.ratings.count),
                  count(r.ratings.not_rated), pct(r.ratings.satisfied_pct)]);
    });
    if (!rows.length) {
      var empty = body.insertRow().insertCell();
      empty.colSpan = 14; empty.textContent = _("Không có số nào trong khoảng này");
    }
  }

  function bar(id, labels, values, title, max) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new window.Chart($(id), {
      type: "bar",
      data: {labels: labels, datasets: [{label: title, data: values, backgroundColor: "#0b5ed7"}]},
      options: {animation: false, responsive: true, maintainAspectRatio: false,
                scales: {y: {beginAtZero: true, max: max}}, plugins: {legend: {display: true}}}
    });
    $(id).dataset.points = String(values.length);
  }

  function drawHeat(data) {
    var head = $("heat").tHead, body = $("heat").tBodies[0];
    head.textContent = ""; body.textContent = "";
    var first = 24, last = -1, most = 1;
    data.matrix.forEach(function (hours) {
      hours.forEach(function (n, h) { if (n) { first = Math.min(first, h); last = Math.max(last, h); most = Math.max(most, n); } });
    });
    if (last < 0) { first = 7; last = 17; }
    var top = head.insertRow();
    top.appendChild(document.createElement("th"));
    for (var h = first; h <= last; h += 1) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = pad(h) + "h"; top.appendChild(th);
    }
    data.matrix.forEach(function (hours, weekday) {
      var row = body.insertRow();
      var th = document.createElement("th"); th.scope = "row"; th.textContent = WEEKDAYS[weekday]; row.appendChild(th);
      for (var hour = first; hour <= last; hour += 1) {
        var n = hours[hour], td = row.insertCell();
        td.textContent = n ? String(n) : "";
        var share = n / most;  // white to the accent blue; dark text stays readable up to 55%
        td.style.backgroundColor = "rgba(11, 94, 215, " + (0.08 + 0.85 * share).toFixed(2) + ")";
        td.style.color = share > 0.55 ? "#fff" : "#14213d";
        td.title = _("{day}, {hour}h: {n} lượt", {day: WEEKDAYS[weekday], hour: hour, n: n});
      }
    });
  }

  /* The heat map covers at most a year (367 days): the last year of a longer range. */
  function arrivalsRange() {
    var from = day($("from").value), to = day($("to").value);
    var earliest = new Date(to); earliest.setUTCDate(earliest.getUTCDate() - 366);
    return new URLSearchParams({from: iso(from < earliest ? earliest : from), to: iso(to)}).toString();
  }

  function drawQuarter(rows) {
    var body = $("quarter").tBodies[0];
    body.textContent = "";
    rows.forEach(function (r) {
      var unhappy = r.ratings.by_level ? (r.ratings.by_level.dissatisfied || 0) : 0;
      cells(body.insertRow(), [label("officer", r.key), count(r.served), count(r.no_show), minutes(r.wait_s.avg),
                               minutes(r.service_s.avg), count(r.ratings.count), pct(r.ratings.satisfied_pct),
                               count(unhappy)]);
    });
  }

  function load() {
    var by = $("by").value;
    $("message").hidden = true;
    var today = day(hall.today()), start = new Date(Date.UTC(today.getUTCFullYear(), quarterOf(today) * 3, 1));
    $("quarter-title").textContent = _("Quý {q}/{y}", {q: quarterOf(today) + 1, y: today.getUTCFullYear()});
    var quarterQuery = new URLSearchParams({from: iso(start), to: hall.today(), by: "officer"}).toString();
    return Promise.all([
      api("/stats?" + query({by: by})), api("/stats?" + query({by: "hour"})),
      api("/stats?" + query({by: "officer"})),
      api("/stats/arrivals?" + arrivalsRange()).catch(function () { return null; }),  // the map is extra
      api("/stats?" + quarterQuery)
    ]).then(function (answers) {
      drawTable(by, answers[0].rows);
      var hours = answers[1].rows;
      bar("chart-hours", hours.map(function (r) { return pad(Number(r.key)) + "h"; }),
          hours.map(function (r) { return r.wait_s.avg === null ? 0 : Math.round(r.wait_s.avg / 6) / 10; }),
          _("Chờ trung bình (phút)"));
      var officers = answers[2].rows.filter(function (r) { return r.ratings.count > 0; });
      bar("chart-officers", officers.map(function (r) { return label("officer", r.key); }),
          officers.map(function (r) { return r.ratings.satisfied_pct; }), _("Hài lòng (%)"), 100);
      if (answers[3]) drawHeat(answers[3]);
      drawQuarter(answers[4].rows);
      document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
    }, fail);
  }

  /* ---- files: fetched with the session's header, then handed to the browser ---- */
  function download(path, name) {
    fetch("/api/v1" + path, {headers: {"X-CSRF-Token": config.csrf, "Accept-Language": hall.language()},
                             credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (!response.ok) {
          return response.json().then(function (body) { throw new Error(body.error.message); });
        }
        return response.blob();
      })
      .then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = name;
        document.body.appendChild(link); link.click(); link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      })
      .catch(function (error) { say(error.message); });
  }
  function fileName(kind, extension) {
    return config.centre.code + "-" + kind + "-" + $("from").value + "-" + $("to").value + "." + extension;
  }
  $("xlsx").addEventListener("click", function () {
    // one workbook, a sheet for every grouping, as a manager sends it on
    download("/stats/workbook?" + query(), fileName("bao-cao", "xlsx"));
  });
  $("csv").addEventListener("click", function () {
    download("/stats?" + query({by: $("by").value, format: "csv"}), fileName($("by").value, "csv"));
  });
  $("tickets-xlsx").addEventListener("click", function () {
    download("/stats/tickets?" + query({format: "xlsx"}), fileName("tickets", "xlsx"));
  });

  /* ---- the filters' choices ---- */
  function options(select, list) {
    list.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item[0]; option.textContent = item[1]; select.appendChild(option);
    });
  }
  var choices = Promise.all([
    api("/fields").then(function (fields) {
      fields.forEach(function (f) { names.field[f.code] = hall.language() === "en" && f.name_en ? f.name_en : f.name; });
      options($("f-field"), fields.map(function (f) { return [f.code, names.field[f.code]]; }));
    }),
    api("/queue").then(function (queue) {
      options($("f-counter"), queue.counters.map(function (c) { return [c.number, c.name || _("Quầy {n}", {n: c.number})]; }));
    }),
    api("/users").then(function (users) {
      users.forEach(function (u) { names.officer[u.username] = u.full_name || u.username; });
      options($("f-officer"), users.filter(function (u) { return u.role === "officer"; })
        .map(function (u) { return [u.username, names.officer[u.username]]; }));
    })
  ]);

  $("preset").addEventListener("change", function () { applyPreset(); load(); });
  ["from", "to"].forEach(function (id) {
    $(id).addEventListener("change", function () { $("preset").value = "custom"; });
  });
  $("controls").addEventListener("submit", function (event) { event.preventDefault(); load(); });
  $("by").addEventListener("change", load);
  applyPreset();
  choices.then(load, function (error) { fail(error); load(); });
})();
