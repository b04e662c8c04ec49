/* The administration page: the REST API with the login session (X-CSRF-Token). Admins
   change, managers read. Every refusal is shown with the API's own message. */
(function () {
  "use strict";
  var config = JSON.parse(hall.$("config").textContent);
  var $ = hall.$;
  var isAdmin = config.user.role === "admin";
  var KINDS = {kiosk: "Ki-ốt lấy số", display: "Màn hình sảnh", tablet: "Máy tính bảng"};
  var ROLES = {officer: "Cán bộ", manager: "Quản lý", admin: "Quản trị"};
  var STATES = {open: "Đang mở", paused: "Tạm dừng", closed: "Đóng"};
  var PRINTER_STATES = {unknown: "Chưa rõ", online: "Sẵn sàng", offline: "Mất kết nối",
                        out_of_paper: "Hết giấy", paper_low: "Sắp hết giấy"};

  // A province's administrator works on the centre chosen at the top; everyone else on theirs.
  var centre = config.centre.code;
  function centreHeaders() { return centre === config.centre.code ? {} : {"X-Hall-Centre": centre}; }
  function api(method, path, body) {
    return hall.api(method, path, body, {csrf: config.csrf}, centreHeaders());
  }

  var messageTimer;
  function say(text, kind) {
    var box = $("message");
    box.textContent = text; box.className = kind || "error"; box.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(function () { box.hidden = true; }, 8000);
  }
  function fail(error) {
    if (error.status === 401) { location.href = "/counter/login?next=/admin"; return; }
    say(error.message, "error");
  }

  /* A table body from rows of cells; a cell is text or a DOM node. */
  function fill(section, rows) {
    var body = $(section).querySelector("tbody");
    body.textContent = "";
    rows.forEach(function (cells) {
      var tr = document.createElement("tr");
      cells.forEach(function (cell) {
        var td = document.createElement("td");
        if (cell instanceof Node) { td.appendChild(cell); } else { td.textContent = cell == null ? "" : String(cell); }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = label; b.className = "admin-only";
    b.addEventListener("click", action);
    return b;
  }
  function formData(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.type !== "checkbox") { data[el.name] = el.value.trim(); }
    });
    return data;
  }

  /* ---- fields ---- */
  function loadFields() {
    return api("GET", "/fields").then(function (list) {
      fill("fields", list.map(function (f) {
        var toggle = document.createElement("span");
        toggle.appendChild(document.createTextNode(f.is_open ? "Đang nhận " : "Đã ngừng "));
        if (isAdmin) {
          toggle.appendChild(button(f.is_open ? "Ngừng nhận số" : "Mở nhận số", function () {
            api("PATCH", "/fields/" + encodeURIComponent(f.code), {is_open: !f.is_open})
              .then(function () { say("Đã lưu", "info"); loadFields(); }, fail);
          }));
        }
        return [f.code, f.name, f.name_en, f.prefix || (f.block_start + "–" + f.block_end),
                Math.round(f.target_wait_s / 60), f.daily_capacity || "—", f.waiting, toggle];
      }));
      var box = $("counter-fields");
      Array.prototype.slice.call(box.querySelectorAll("label")).forEach(function (l) { l.remove(); });
      list.forEach(function (f) {
        var label = document.createElement("label"), input = document.createElement("input");
        input.type = "checkbox"; input.value = f.code; input.name = "field";
        label.appendChild(input); label.appendChild(document.createTextNode(" " + f.code + " · " + f.name));
        box.appendChild(label);
      });
    }, fail);
  }
  $("field-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var d = formData(event.target);
    var body = {code: d.code, name: d.name, target_wait_s: Number(d.target_wait_min || 15) * 60};
    if (d.name_en) { body.name_en = d.name_en; }
    if (d.prefix) { body.prefix = d.prefix; }
    api("POST", "/fields", body).then(function () {
      say("Đã thêm lĩnh vực " + d.name, "info"); event.target.reset(); loadFields();
    }, fail);
  });

  /* ---- import ---- */
  var importFile = null;
  function sendImport(save) {
    var xlsx = /\.xlsx$/i.test(importFile.name);
    return fetch("/api/v1/fields/import?save=" + (save ? "1" : "0"), {
      method: "POST", credentials: "same-origin", body: importFile,
      headers: Object.assign({"X-CSRF-Token": config.csrf, "Content-Type": xlsx ?
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv"}, centreHeaders())
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok && !data.rows) {
          var error = new Error((data.error && data.error.message) || ("Lỗi " + response.status));
          error.status = response.status; throw error;
        }
        return data;
      });
    });
  }
  function showImport(result) {
    var table = $("import-preview"), body = table.querySelector("tbody");
    body.textContent = "";
    result.rows.forEach(function (r) {
      var tr = document.createElement("tr");
      if (r.errors.length) { tr.className = "bad"; }
      [r.row, r.code, r.name, r.prefix || "tự động", Math.round(r.target_wait_s / 60),
       r.errors.join("; ") || "Hợp lệ"].forEach(function (cell) {
        var td = document.createElement("td"); td.textContent = String(cell); tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.hidden = false;
    $("import-save").disabled = !result.ok || result.saved;
  }
  $("import-form").addEventListener("submit", function (event) {
    event.preventDefault();
    importFile = event.target.elements.file.files[0];
    if (!importFile) { return; }
    sendImport(false).then(function (result) {
      showImport(result);
      say(result.ok ? "Mọi dòng hợp lệ; bấm Lưu tất cả" : "Có dòng lỗi; sửa tệp rồi xem trước lại",
          result.ok ? "info" : "error");
    }, fail);
  });
  $("import-save").addEventListener("click", function () {
    sendImport(true).then(function (result) {
      showImport(result);
      if (result.saved) { say("Đã thêm " + result.rows.length + " lĩnh vực", "info"); loadFields(); }
    }, fail);
  });

  /* ---- centre ---- */
  var DAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
  (function buildHours() {
    var box = $("hours");
    DAYS.forEach(function (name, day) {
      var label = document.createElement("label"), input = document.createElement("input");
      input.name = "day" + day; input.maxLength = 80; input.placeholder = "07:30-11:30, 13:30-17:00";
      label.appendChild(document.createTextNode(name + " "));
      label.appendChild(input);
      box.appendChild(label);
    });
  })();
  function loadCentre() {
    return Promise.all([api("GET", "/centre"), api("GET", "/centre/display")]).then(function (both) {
      var c = both[0], form = $("centre-form").elements;
      ["name", "address", "ticket_header", "ticket_footer"].forEach(function (k) { form[k].value = c[k]; });
      form.rating_scale.value = String(c.rating_scale);
      form.default_service_min.value = Math.round(c.default_service_s / 60);
      form.ticker.value = both[1].ticker;
      var days = c.opening_hours || {};
      form.always.checked = Object.keys(days).length === 0;
      DAYS.forEach(function (_, day) {
        form["day" + day].value = (days[String(day)] || []).map(function (p) { return p[0] + "-" + p[1]; }).join(", ");
      });
    }, fail);
  }
  function parseHours(form) {
    if (form.always.checked) { return {}; }
    var days = {};
    DAYS.forEach(function (name, day) {
      var text = form["day" + day].value.trim();
      if (!text) { return; }
      days[String(day)] = text.split(",").map(function (part) {
        var pair = part.trim().split("-").map(function (t) { return t.trim(); });
        if (pair.length !== 2) { throw new Error(name + ": viết giờ như 07:30-11:30"); }
        return pair;
      });
    });
    return days;
  }
  $("centre-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target.elements, days;
    try { days = parseHours(form); } catch (error) { say(error.message); return; }
    api("PATCH", "/centre", {name: form.name.value.trim(), address: form.address.value.trim(),
                             ticket_header: form.ticket_header.value.trim(),
                             ticket_footer: form.ticket_footer.value.trim(),
                             rating_scale: Number(form.rating_scale.value),
                             default_service_s: Number(form.default_service_min.value || 5) * 60})
      .then(function () { return api("PUT", "/centre/opening-hours", {days: days}); })
      .then(function () { return api("PUT", "/centre/display", {ticker: form.ticker.value.trim()}); })
      .then(function () { say("Đã lưu thông tin trung tâm", "info"); loadCentre(); }, fail);
  });

  /* ---- counters ---- */
  function loadCounters() {
    return api("GET", "/queue").then(function (queue) {
      fill("counters", queue.counters.map(function (c) {
        return [c.number, c.name, c.fields.join(", "), STATES[c.state] || c.state,
                c.officer ? (c.officer.full_name || c.officer.username) : "—"];
      }));
    }, fail);
  }
  $("counter-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var d = formData(event.target);
    var chosen = Array.prototype.map.call(
      event.target.querySelectorAll("input[name=field]:checked"), function (i) { return i.value; });
    api("POST", "/counters", {number: Number(d.number), name: d.name, fields: chosen}).then(function () {
      say("Đã thêm quầy " + d.number, "info"); event.target.reset(); loadCounters();
    }, fail);
  });

  /* ---- devices ---- */
  function loadDevices() {
    return api("GET", "/devices").then(function (list) {
      fill("devices", list.map(function (d) {
        var revoke = isAdmin ? button("Thu hồi", function () {
          if (!confirm("Thu hồi thiết bị " + d.name + "? Màn hình của nó sẽ ngừng hoạt động.")) { return; }
          api("POST", "/devices/" + d.id + "/revoke").then(function () {
            say("Đã thu hồi " + d.name, "info"); loadDevices();
          }, fail);
        }) : "";
        if (isAdmin && d.kind === "kiosk" && d.printer !== "none" && d.printer !== "agent") {
          var actions = document.createElement("span");
          actions.appendChild(button("In thử", function () {
            say("Đang in thử…", "info");
            api("POST", "/devices/" + d.id + "/test-print").then(function (result) {
              say(result.printed ? "Đã in thử trên " + d.name : "Không in được: " + result.error,
                  result.printed ? "info" : "error");
              loadDevices();
            }, fail);
          }));
          actions.appendChild(revoke);
          revoke = actions;
        }
        var kind = d.kind === "display" && d.counter ? "Màn hình trên quầy" : (KINDS[d.kind] || d.kind);
        var printer = d.kind !== "kiosk" ? "" : d.printer === "none" ? "Không có" :
          d.printer === "agent" ? "Qua máy tính ki-ốt" : d.printer;
        return [kind, d.name, d.counter || "", printer,
                d.kind === "kiosk" && d.printer !== "none" ? (PRINTER_STATES[d.printer_state] || d.printer_state) : "",
                d.kind === "kiosk" ? d.print_jobs_waiting : "",
                d.last_seen_at ? d.last_seen_at.slice(11, 16) + " " + d.last_seen_at.slice(8, 10) + "/" +
                  d.last_seen_at.slice(5, 7) : "Chưa kết nối", revoke];
      }));
    }, fail);
  }
  function pairingPath(kind, counter) {
    if (kind === "kiosk") { return "/kiosk"; }
    if (kind === "door") { return "/display/door"; }
    if (kind === "display") { return "/display"; }
    return "/tablet";
  }
  $("device-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var d = formData(event.target);
    var kind = d.kind === "door" ? "display" : d.kind;
    var body = {kind: kind, name: d.name};
    if (d.counter) { body.counter = Number(d.counter); }
    if (d.printer && kind === "kiosk") { body.printer = d.printer; }
    api("POST", "/devices", body).then(function (device) {
      var link = location.origin + pairingPath(d.kind) + "?token=" + encodeURIComponent(device.token);
      $("pair-link").textContent = link; $("pair-link").href = link;
      $("pairing").hidden = false;
      fetch("/admin/qr.svg", {method: "POST", credentials: "same-origin",
                              headers: {"Content-Type": "application/json", "X-CSRF-Token": config.csrf},
                              body: JSON.stringify({text: link})})
        .then(function (r) { return r.ok ? r.blob() : null; })
        .then(function (blob) { if (blob) { $("pair-qr").src = URL.createObjectURL(blob); } });
      say("Đã thêm thiết bị " + device.name, "info"); event.target.reset(); loadDevices();
    }, fail);
  });

  /* ---- users ---- */
  function loadUsers() {
    return api("GET", "/users").then(function (list) {
      fill("users", list.map(function (u) {
        var actions = document.createElement("span");
        if (isAdmin && u.username !== config.user.username) {
          actions.appendChild(button(u.active ? "Khóa" : "Mở khóa", function () {
            api("PATCH", "/users/" + encodeURIComponent(u.username), {active: !u.active})
              .then(function () { say("Đã lưu", "info"); loadUsers(); }, fail);
          }));
          actions.appendChild(button("Đặt lại mật khẩu", function () {
            var password = prompt("Mật khẩu mới cho " + u.username + " (ít nhất 8 ký tự)");
            if (!password) { return; }
            api("PATCH", "/users/" + encodeURIComponent(u.username), {password: password})
              .then(function () { say("Đã đặt lại mật khẩu", "info"); }, fail);
          }));
        }
        return [u.username, u.full_name, ROLES[u.role] || u.role, u.active ? "Có" : "Không", actions];
      }));
    }, fail);
  }
  $("user-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var d = formData(event.target);
    api("POST", "/users", {username: d.username, full_name: d.full_name, role: d.role,
                           password: d.password}).then(function () {
      say("Đã thêm " + d.username, "info"); event.target.reset(); loadUsers();
    }, fail);
  });

  /* ---- tokens ---- */
  function loadTokens() {
    return api("GET", "/tokens").then(function (list) {
      fill("tokens", list.map(function (t) {
        var revoke = isAdmin && !t.revoked_at ? button("Thu hồi", function () {
          api("POST", "/tokens/" + t.id + "/revoke").then(function () { loadTokens(); }, fail);
        }) : "";
        return [t.id, t.user, t.created_at, t.revoked_at || "—", revoke];
      }));
    }, fail);
  }

  /* ---- audit ---- */
  function auditQuery(format) {
    var d = formData($("audit-form"));
    var q = "from=" + d.from + "&to=" + d.to + "&format=" + format;
    if (d.user) { q += "&user=" + encodeURIComponent(d.user); }
    if (d.action) { q += "&action=" + encodeURIComponent(d.action); }
    return "/audit?" + q;
  }
  function loadAudit() {
    return api("GET", auditQuery("json")).then(function (rows) {
      fill("audit", rows.map(function (r) {
        return [r.at, r.username, r.address, r.action, r.target,
                Object.keys(r.detail).length ? JSON.stringify(r.detail) : ""];
      }));
    }, fail);
  }
  $("audit-form").addEventListener("submit", function (event) { event.preventDefault(); loadAudit(); });
  $("audit-csv").addEventListener("click", function (event) {
    event.preventDefault();
    fetch("/api/v1" + auditQuery("csv"), {credentials: "same-origin",
                                          headers: Object.assign({"X-CSRF-Token": config.csrf}, centreHeaders())})
      .then(function (r) { if (!r.ok) { throw new Error("Lỗi " + r.status); } return r.blob(); })
      .then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob); a.download = "nhat-ky.csv";
        document.body.appendChild(a); a.click(); a.remove();
      }, fail);
  });
  var today = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  $("audit-form").elements.from.value = today; $("audit-form").elements.to.value = today;

  /* ---- tabs ---- */
  var loaders = {fields: loadFields, centre: loadCentre, counters: loadCounters, devices: loadDevices, users: loadUsers,
                 tokens: loadTokens, audit: loadAudit};
  function show(tab) {
    Array.prototype.forEach.call(document.querySelectorAll("#tabs button"), function (b) {
      if (b.dataset.tab === tab) { b.setAttribute("aria-current", "page"); } else { b.removeAttribute("aria-current"); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("section.tab"), function (s) { s.hidden = s.id !== tab; });
    if (tab !== "devices") { $("pairing").hidden = true; }
    loaders[tab]();
  }
  Array.prototype.forEach.call(document.querySelectorAll("#tabs button"), function (b) {
    b.addEventListener("click", function () { show(b.dataset.tab); });
  });
  if (config.user.all_centres) {
    api("GET", "/centres").then(function (list) {
      var pick = $("centre-pick");
      pick.textContent = "";
      list.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.code; option.textContent = c.name + " (" + c.code + ")";
        pick.appendChild(option);
      });
      pick.value = centre;
      pick.addEventListener("change", function () {
        centre = pick.value;
        var current = document.querySelector("#tabs button[aria-current=page]");
        show(current ? current.dataset.tab : "fields");
      });
    }, fail);
  }
  if (!isAdmin) {
    Array.prototype.forEach.call(document.querySelectorAll(".admin-only"), function (el) { el.hidden = true; });
  }
  loadFields();
})();
