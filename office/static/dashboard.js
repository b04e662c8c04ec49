/* The live dashboard: the hall now and today's figures. It listens to the centre's events over
   Socket.IO (the console's login session) and redraws from GET /api/v1/dashboard after each
   burst of them; between events the longest waits keep counting by the server's clock. */
(function () {
  "use strict";
  var _ = hall.t, $ = hall.$;
  var config = JSON.parse($("config").textContent);
  var STATES = {open: _("Đang mở"), paused: _("Tạm dừng"), closed: _("Đóng")};
  var STATUS = config.labels.ticket_status;
  var snapshot = null, receivedAt = 0, timer = null;

  function api(method, path) { return hall.api(method, path, null, {csrf: config.csrf}); }

  function minutes(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return _("{s} giây", {s: Math.max(0, Math.round(seconds))});
    return _("{m} phút", {m: Math.round(seconds / 60)});
  }
  function pct(value) { return value === null || value === undefined ? "—" : value + "%"; }
  function name(field) { return hall.language() === "en" && field.name_en ? field.name_en : field.name; }
  function cell(row, text, className) {
    var td = row.insertCell(); td.textContent = text; if (className) td.className = className; return td;
  }
  function elapsed() { return Math.max(0, (hall.now() - receivedAt) / 1000); }

  function drawFields() {
    var body = $("fields").tBodies[0], late = [];
    body.textContent = "";
    snapshot.fields.forEach(function (f) {
      var longest = f.longest_wait_s === null ? null : f.longest_wait_s + elapsed();
      var over = longest !== null && longest > f.target_wait_s;
      if (over) late.push(name(f));
      var row = body.insertRow();
      row.dataset.code = f.code;
      if (over) row.className = "over";
      cell(row, name(f));
      cell(row, String(f.waiting), "num");
      cell(row, minutes(longest), "num");
      cell(row, minutes(f.target_wait_s), "num");
    });
    $("warnings").hidden = !late.length;
    $("warnings").textContent = late.length
      ? _("Có người chờ quá thời gian mục tiêu: {fields}", {fields: late.join(", ")}) : "";
  }

  function drawCounters() {
    var body = $("counters").tBodies[0];
    body.textContent = "";
    snapshot.counters.forEach(function (c) {
      var row = body.insertRow();
      row.dataset.counter = c.number;
      row.className = "state-" + c.state;
      cell(row, c.name || _("Quầy {n}", {n: c.number}));
      cell(row, (STATES[c.state] || c.state) + (c.state === "paused" && c.pause_reason ? " · " + c.pause_reason : ""));
      cell(row, c.officer ? (c.officer.full_name || c.officer.username) : "—");
      var t = c.ticket;
      cell(row, t ? t.number + " · " + (STATUS[t.status] ? STATUS[t.status][hall.language()] : t.status) : "—");
    });
  }

  function draw() {
    if (!snapshot) return;
    var today = snapshot.today;
    $("day").textContent = hall.dateText(Date.parse(snapshot.day + "T12:00:00Z"));
    $("t-issued").textContent = today.issued;
    $("t-waiting").textContent = today.waiting;
    $("t-served").textContent = today.served;
    $("t-no-show").textContent = today.no_show;
    $("t-wait").textContent = minutes(today.wait_s.avg);
    $("t-service").textContent = minutes(today.service_s.avg);
    $("t-satisfied").textContent = pct(today.satisfied_pct);
    $("t-ratings").textContent = today.ratings;
    drawFields();
    drawCounters();
  }

  function load() {
    timer = null;
    return api("GET", "/dashboard").then(function (data) {
      snapshot = data; receivedAt = hall.now(); draw();
      document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
    }, function (error) {
      if (error.status === 401) { location.href = "/counter/login?next=/admin/dashboard"; return; }
      $("message").textContent = error.message; $("message").className = "error"; $("message").hidden = false;
    });
  }
  // Events come in bursts (a call is a ticket.called, a queue.changed and a counter.updated).
  function soon() { if (!timer) timer = setTimeout(load, 300); }

  hall.live({csrf: config.csrf}, function (online) {
    $("conn").textContent = online ? "" : _("Mất kết nối · đang kết nối lại…");
  }, {
    "state": soon, "queue.changed": soon, "counter.updated": soon, "ticket.called": soon,
    "ticket.updated": soon, "fields.changed": soon
  });
  setInterval(function () { if (snapshot) drawFields(); }, 15000);  // waits grow between events
  hall.onLanguage(draw);
  load();
})();
