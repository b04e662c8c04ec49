/* The administration page: the REST API with the login session (X-CSRF-Token). Admins
   change, managers read. Every refusal is shown with the API's own message. */
(function () {
  "use strict";
  var _ = hall.t;
  var config = JSON.parse(hall.$("config").textContent);
  var $ = hall.$;
  var isAdmin = config.user.role === "admin";
  var KINDS = {kiosk: _("Ki-ốt lấy số"), display: _("Màn hình sảnh"), tablet: _("Máy tính bảng")};
  var ROLES = {officer: _("Cán bộ"), manager: _("Quản lý"), admin: _("Quản trị viên")};
  var STATES = {open: _("Đang mở"), paused: _("Tạm dừng"), closed: _("Đóng")};
  var PRINTER_STATES = {unknown: _("Chưa rõ"), online: _("Sẵn sàng"), offline: _("Mất kết nối"),
                        out_of_paper: _("Hết giấy"), paper_low: _("Sắp hết giấy")};

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

  /* "Thứ Hai, 02/03/2026 09:05" in the centre's time zone, from an API time; "" for none. */
  function when(iso, seconds) {
    var ms = iso ? Date.parse(iso) : NaN;
    if (isNaN(ms)) { return iso || ""; }
    return hall.dateText(ms) + " " + hall.timeText(ms, seconds);
  }

  /* A table body from rows of cells; a cell is text or a DOM node. `keys[i]`, when given,
     becomes row i's data-key (the field's code, the counter's number). */
  function fill(section, rows, keys) {
    var body = $(section).querySelector("tbody");
    body.textContent = "";
    rows.forEach(function (cells, i) {
      var tr = document.createElement("tr");
      if (keys) { tr.dataset.key = String(keys[i]); }
      cells.forEach(function (cell) {
        var td = document.createElement("td");
        if (cell instanceof Node) { td.appendChild(cell); } else { td.textContent = cell == null ? "" : String(cell); }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  function button(label, action, name) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = label; b.className = "admin-only";
    if (name) { b.dataset.action = name; }
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
  function checked(form, name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=" + name + "]:checked"),
                                    function (input) { return input.value; });
  }

  /* ---- fields ---- */
  function loadFields() {
    return api("GET", "/fields").then(function (list) {
      fill("fields", list.map(function (f) {
        var actions = document.createElement("span");
        actions.appendChild(document.createTextNode(f.is_open ? _("Đang nhận") + " " : _("Đã ngừng") + " "));
        if (isAdmin) {
          actions.appendChild(button(f.is_open ? _("Ngừng nhận số") : _("Mở nhận số"), function () {
            api("PATCH", "/fields/" + encodeURIComponent(f.code), {is_open: !f.is_open})
              .then(function () { say(_("Đã lưu"), "info"); loadFields(); }, fail);
          }, "toggle"));
          actions.appendChild(button(_("Xóa"), function () {
            if (!confirm(_("Xóa lĩnh vực {code} · {name}? Chỉ xóa được lĩnh vực chưa từng cấp số; lĩnh vực đã có số thì hãy ngừng nhận số.",
                           {code: f.code, name: f.name}))) { return; }
            api("DELETE", "/fields/" + encodeURIComponent(f.code)).then(function () {
              say(_("Đã xóa lĩnh vực {code}", {code: f.code}), "info"); loadFields();
            }, fail);
          }, "delete"));
        }
        return [f.code, f.name, f.name_en, f.prefix || (f.block_start + "–" + f.block_end),
                Math.round(f.target_wait_s / 60), f.daily_capacity || "—", f.waiting, actions];
      }), list.map(function (f) { return f.code; }));
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
      say(_("Đã thêm lĩnh vực {name}", {name: d.name}), "info"); event.target.reset(); loadFields();
    }, fail);
  });

  /* ---- import ---- */
  var importFile = null;
  function sendImport(save) { return upload("/fields/import", importFile, save); }
  /* A CSV or Excel file to an import endpoint: a preview (save false) or saved; a file with
     bad rows answers its rows (422 with save), not an error. */
  function upload(path, file, save) {
    var xlsx = /\.xlsx$/i.test(file.name);
    return fetch("/api/v1" + path + "?save=" + (save ? "1" : "0"), {
      method: "POST", credentials: "same-origin", body: file,
      headers: Object.assign({"X-CSRF-Token": config.csrf, "Accept-Language": hall.language(),
                              "Content-Type": xlsx ?
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv"}, centreHeaders())
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok && !data.rows) {
          var error = new Error((data.error && data.error.message) || _("Lỗi {status}", {status: response.status}));
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
      [r.row, r.code, r.name, r.prefix || _("tự động"), Math.round(r.target_wait_s / 60),
       r.errors.join("; ") || _("Hợp lệ")].forEach(function (cell) {
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
      say(result.ok ? _("Mọi dòng hợp lệ; bấm Lưu tất cả") : _("Có dòng lỗi; sửa tệp rồi xem trước lại"),
          result.ok ? "info" : "error");
    }, fail);
  });
  $("import-save").addEventListener("click", function () {
    sendImport(true).then(function (result) {
      showImport(result);
      if (result.saved) { say(_("Đã thêm {n} lĩnh vực", {n: result.rows.length}), "info"); loadFields(); }
    }, fail);
  });

  /* ---- procedures ---- */
  var ONLINE = {full: _("Toàn trình"), partial: _("Một phần"), none: _("Không")};
  function fee(amount) {
    if (amount === null || amount === undefined) { return "—"; }
    return amount === 0 ? _("Miễn phí") : amount.toLocaleString("vi-VN") + " đ";
  }
  var procedureFields = false;  // the filter's fields, filled once
  function loadProcedures() {
    var form = $("procedure-filter").elements, query = [];
    if (isAdmin) { query.push("hidden=1"); }  // admins see the hidden ones too, to show them again
    if (form.q.value.trim()) { query.push("q=" + encodeURIComponent(form.q.value.trim())); }
    if (form.field.value) { query.push("field=" + encodeURIComponent(form.field.value)); }
    if (!procedureFields) {
      procedureFields = true;
      api("GET", "/fields").then(function (list) {
        list.forEach(function (f) {
          var option = document.createElement("option");
          option.value = f.code; option.textContent = f.code + " · " + f.name;
          form.field.appendChild(option);
        });
      }, function (error) { procedureFields = false; fail(error); });
    }
    return api("GET", "/procedures" + (query.length ? "?" + query.join("&") : "")).then(function (list) {
      fill("procedure-table", list.map(function (p) {
        var actions = isAdmin ? button(p.visible ? _("Ẩn đi") : _("Hiện lại"), function () {
          setVisible(p, !p.visible);
        }, "visibility") : "";
        if (actions) {
          actions.title = p.visible ? _("Ẩn khỏi ki-ốt và trang tra cứu") : _("Hiện lại trên ki-ốt");
        }
        return [p.field.code, p.code || "", p.name, fee(p.fees), ONLINE[p.online] || p.online,
                p.visible ? _("Hiện") : _("Ẩn"), actions];
      }), list.map(function (p) { return p.id; }));
      Array.prototype.forEach.call($("procedure-table").querySelectorAll("tbody tr"), function (tr, i) {
        tr.classList.toggle("off", !list[i].visible);
      });
      $("procedure-count").textContent = _("{n} thủ tục", {n: list.length});
    }, fail);
  }
  /* Shown or hidden: the procedure as it is, with `visible` changed (PUT replaces it whole). */
  function setVisible(p, visible) {
    var body = {field: p.field.code, name: p.name, name_en: p.name_en || "", code: p.code,
                level: p.level, time_limit: p.time_limit || "", fees: p.fees, fee_note: p.fee_note || "",
                papers: p.papers.map(function (paper) {
                  return {name: paper.name, original: paper.original, copies: paper.copies};
                }),
                online: p.online, portal_url: p.portal_url, visible: visible};
    api("PUT", "/procedures/" + p.id, body).then(function () {
      say(visible ? _("Đã hiện thủ tục {name}", {name: p.name}) : _("Đã ẩn thủ tục {name}", {name: p.name}), "info");
      loadProcedures();
    }, fail);
  }
  /* Another centre: its own fields in the filter, no preview of a file meant for the last. */
  function resetProcedures() {
    var select = $("procedure-filter").elements.field;
    while (select.options.length > 1) { select.remove(1); }
    select.value = ""; procedureFields = false;
    procedureFile = null; $("procedure-import-save").disabled = true;
    $("procedure-import-preview").hidden = true;
  }
  $("procedure-filter").addEventListener("submit", function (event) {
    event.preventDefault(); loadProcedures();
  });
  $("procedure-filter").elements.field.addEventListener("change", loadProcedures);

  var procedureFile = null;
  var ACTIONS = {add: _("Thêm mới"), update: _("Cập nhật")};
  function showProcedureImport(result) {
    var table = $("procedure-import-preview"), body = table.querySelector("tbody");
    body.textContent = "";
    result.rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.className = r.errors.length ? "bad" : r.action;
      [r.row, r.field, r.code || "", r.name, fee(r.fees), r.papers, ONLINE[r.online] || r.online,
       ACTIONS[r.action] || r.action, r.errors.join("; ") || _("Hợp lệ")].forEach(function (cell) {
        var td = document.createElement("td"); td.textContent = String(cell); tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.hidden = false;
    $("procedure-import-save").disabled = !result.ok || result.saved;
  }
  $("procedure-import-form").addEventListener("submit", function (event) {
    event.preventDefault();
    procedureFile = event.target.elements.file.files[0];
    if (!procedureFile) { return; }
    $("procedure-import-save").disabled = true;
    upload("/procedures/import", procedureFile, false).then(function (result) {
      showProcedureImport(result);
      say(result.ok ? _("Mọi dòng hợp lệ: {added} thêm mới, {updated} cập nhật; bấm Lưu tất cả",
                        {added: result.added, updated: result.updated})
                    : _("Có dòng lỗi; sửa tệp rồi xem trước lại"), result.ok ? "info" : "error");
    }, fail);
  });
  $("procedure-import-save").addEventListener("click", function () {
    if (!procedureFile) { return; }
    $("procedure-import-save").disabled = true;
    upload("/procedures/import", procedureFile, true).then(function (result) {
      showProcedureImport(result);
      if (result.saved) {
        say(_("Đã lưu: {added} thủ tục thêm mới, {updated} cập nhật",
              {added: result.added, updated: result.updated}), "info");
        loadProcedures();
      } else {
        say(_("Có dòng lỗi; sửa tệp rồi xem trước lại"));
      }
    }, fail);
  });

  /* ---- centre ---- */
  var DAYS = [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")];
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
      var c = both[0], shown = both[1], form = $("centre-form").elements;
      showLogo(c.logo_url);
      ["name", "address", "ticket_header", "ticket_footer"].forEach(function (k) { form[k].value = c[k]; });
      form.rating_scale.value = String(c.rating_scale);
      form.print_procedure.checked = !!c.print_procedure;
      form.default_service_min.value = Math.round(c.default_service_s / 60);
      Array.prototype.forEach.call($("priority").querySelectorAll("input"), function (input) {
        input.checked = c.priority_categories.indexOf(input.value) >= 0;
      });
      form.ticker.value = shown.ticker;
      form.voice.value = shown.voice;
      var languages = shown.call_languages.join(",");
      if (!form.call_languages.querySelector("option[value='" + languages + "']")) {
        var option = document.createElement("option");  // a wording set through the API
        option.value = languages; option.textContent = languages;
        form.call_languages.appendChild(option);
      }
      form.call_languages.value = languages;
      ["call_repeat", "flash_s", "recent"].forEach(function (k) { form[k].value = String(shown[k]); });
      form.digit_by_digit.checked = shown.digit_by_digit;
      form.show_waiting.checked = shown.show_waiting;
      var days = c.opening_hours || {};
      form.always.checked = Object.keys(days).length === 0;
      DAYS.forEach(function (name, day) {
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
        if (pair.length !== 2) { throw new Error(_("{day}: viết giờ như 07:30-11:30", {day: name})); }
        return pair;
      });
    });
    return days;
  }
  $("centre-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target.elements, days;
    try { days = parseHours(form); } catch (error) { say(error.message); return; }
    var display = {ticker: form.ticker.value.trim(), voice: form.voice.value,
                   call_languages: form.call_languages.value.split(","),
                   call_repeat: Number(form.call_repeat.value), flash_s: Number(form.flash_s.value),
                   recent: Number(form.recent.value), digit_by_digit: form.digit_by_digit.checked,
                   show_waiting: form.show_waiting.checked};
    api("PATCH", "/centre", {name: form.name.value.trim(), address: form.address.value.trim(),
                             ticket_header: form.ticket_header.value.trim(),
                             ticket_footer: form.ticket_footer.value.trim(),
                             rating_scale: Number(form.rating_scale.value),
                             default_service_s: Number(form.default_service_min.value || 5) * 60,
                             priority_categories: checked(event.target, "priority_categories"),
                             print_procedure: form.print_procedure.checked})
      .then(function () { return api("PUT", "/centre/opening-hours", {days: days}); })
      .then(function () { return api("PUT", "/centre/display", display); })
      .then(function () { say(_("Đã lưu thông tin trung tâm"), "info"); loadCentre(); }, fail);
  });

  /* ---- the centre's logo ---- */
  var LOGO_TYPES = ["image/png", "image/jpeg", "image/webp"], LOGO_MAX_BYTES = 2 * 1024 * 1024;
  function showLogo(url) {
    var img = $("logo-current");
    if (url) { img.src = url; } else { img.removeAttribute("src"); }
    img.hidden = !url;
    $("logo-none").hidden = !!url;
    $("logo-remove").hidden = !url || !isAdmin;
  }
  /* The picture itself is the body (like an import's file); errors come back as hall.api's. */
  function sendLogo(file) {
    return fetch("/api/v1/centre/logo", {
      method: "PUT", credentials: "same-origin", body: file,
      headers: Object.assign({"Accept": "application/json", "Accept-Language": hall.language(),
                              "X-CSRF-Token": config.csrf, "Content-Type": file.type}, centreHeaders())
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error((data.error && data.error.message) || _("Lỗi {status}", {status: response.status}));
          error.status = response.status; throw error;
        }
        return data;
      });
    });
  }
  $("logo-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var file = event.target.elements.file.files[0];
    if (!file) { return; }
    if (LOGO_TYPES.indexOf(file.type) < 0) { say(_("Hãy chọn ảnh PNG, JPEG hoặc WebP")); return; }
    if (file.size > LOGO_MAX_BYTES) { say(_("Ảnh lớn quá 2 MB")); return; }
    sendLogo(file).then(function (result) {
      showLogo(result.logo_url); event.target.reset(); say(_("Đã lưu biểu trưng"), "info");
    }, fail);
  });
  $("logo-remove").addEventListener("click", function () {
    if (!confirm(_("Xóa biểu trưng của trung tâm?"))) { return; }
    api("DELETE", "/centre/logo").then(function () {
      showLogo(null); say(_("Đã xóa biểu trưng"), "info");
    }, fail);
  });

  /* ---- counters ---- */
  var editing = null;  // the number of the counter in the editor
  function loadCounters() {
    return Promise.all([api("GET", "/queue"), api("GET", "/fields")]).then(function (both) {
      var list = both[0].counters, fields = both[1];
      fill("counters", list.map(function (c) {
        var actions = document.createElement("span");
        if (isAdmin) {
          actions.appendChild(button(_("Sửa"), function () { editCounter(c, fields); }, "edit"));
          actions.appendChild(button(_("Xóa"), function () {
            if (!confirm(_("Xóa quầy {number}? Chỉ xóa được quầy đã đóng và chưa từng phục vụ số nào.",
                           {number: c.number}))) { return; }
            api("DELETE", "/counters/" + c.number).then(function () {
              say(_("Đã xóa quầy {number}", {number: c.number}), "info");
              if (editing === c.number) { closeEditor(); }
              loadCounters();
            }, fail);
          }, "delete"));
        }
        return [c.number, c.name, c.fields.join(", "), STATES[c.state] || c.state,
                c.officer ? (c.officer.full_name || c.officer.username) : "—", actions];
      }), list.map(function (c) { return c.number; }));
      if (editing !== null && !list.some(function (c) { return c.number === editing; })) {
        closeEditor();  // the counter under edit is gone
      }
    }, fail);
  }

  /* The editor: every field of the centre with a tick (served or not) and ▲ ▼ to order; the
     ticked ones are served in the order they stand. */
  function editCounter(c, fields) {
    editing = c.number;
    var form = $("counter-edit"), list = $("counter-edit-fields");
    $("counter-edit-title").textContent = _("Sửa quầy {number}", {number: c.number});
    form.elements.name.value = c.name;
    list.textContent = "";
    var byCode = {};
    fields.forEach(function (f) { byCode[f.code] = f; });
    var order = c.fields.filter(function (code) { return byCode[code]; });
    fields.forEach(function (f) { if (order.indexOf(f.code) < 0) { order.push(f.code); } });
    order.forEach(function (code) {
      var f = byCode[code], item = document.createElement("li"), label = document.createElement("label");
      var input = document.createElement("input"), rank = document.createElement("span");
      item.dataset.code = code;
      input.type = "checkbox"; input.name = "serve"; input.value = code;
      input.checked = c.fields.indexOf(code) >= 0;
      input.addEventListener("change", renumber);
      rank.className = "rank";
      label.appendChild(input); label.appendChild(document.createTextNode(" " + code + " · " + f.name));
      item.appendChild(rank); item.appendChild(label);
      item.appendChild(mover("▲", _("Đưa {code} lên", {code: code}), "up", item, -1));
      item.appendChild(mover("▼", _("Đưa {code} xuống", {code: code}), "down", item, 1));
      list.appendChild(item);
    });
    renumber();
    form.hidden = false;
  }
  function mover(text, label, name, item, step) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.dataset.action = name;
    b.setAttribute("aria-label", label); b.title = label;
    b.addEventListener("click", function () {
      var list = item.parentNode;
      if (step < 0 && item.previousElementSibling) { list.insertBefore(item, item.previousElementSibling); }
      if (step > 0 && item.nextElementSibling) { list.insertBefore(item.nextElementSibling, item); }
      renumber();
      b.focus();
    });
    return b;
  }
  /* Each ticked field shows its place in the counter's order. */
  function renumber() {
    var n = 0;
    Array.prototype.forEach.call($("counter-edit-fields").children, function (item) {
      var ticked = item.querySelector("input").checked;
      item.querySelector(".rank").textContent = ticked ? String(++n) : "";
      item.classList.toggle("off", !ticked);
    });
  }
  function closeEditor() { editing = null; $("counter-edit").hidden = true; }
  $("counter-edit-cancel").addEventListener("click", closeEditor);
  $("counter-edit").addEventListener("submit", function (event) {
    event.preventDefault();
    var number = editing, chosen = checked($("counter-edit-fields"), "serve");
    if (!chosen.length) { say(_("Quầy phải phục vụ ít nhất một lĩnh vực")); return; }
    api("PATCH", "/counters/" + number, {name: event.target.elements.name.value.trim(), fields: chosen})
      .then(function () {
        say(_("Đã lưu quầy {number}", {number: number}), "info"); closeEditor(); loadCounters();
      }, fail);
  });
  $("counter-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var d = formData(event.target);
    api("POST", "/counters", {number: Number(d.number), name: d.name, fields: checked(event.target, "field")})
      .then(function () {
        say(_("Đã thêm quầy {number}", {number: d.number}), "info"); event.target.reset(); loadCounters();
      }, fail);
  });

  /* ---- devices ---- */
  function loadDevices() {
    return api("GET", "/devices").then(function (list) {
      fill("devices", list.map(function (d) {
        var revoke = isAdmin ? button(_("Thu hồi"), function () {
          if (!confirm(_("Thu hồi thiết bị {name}? Màn hình của nó sẽ ngừng hoạt động.", {name: d.name}))) { return; }
          api("POST", "/devices/" + d.id + "/revoke").then(function () {
            say(_("Đã thu hồi {name}", {name: d.name}), "info"); loadDevices();
          }, fail);
        }, "revoke") : "";
        if (isAdmin && d.kind === "kiosk" && d.printer !== "none" && d.printer !== "agent") {
          var actions = document.createElement("span");
          actions.appendChild(button(_("In thử"), function () {
            say(_("Đang in thử…"), "info");
            api("POST", "/devices/" + d.id + "/test-print").then(function (result) {
              say(result.printed ? _("Đã in thử trên {name}", {name: d.name}) :
                  _("Không in được: {error}", {error: result.error}), result.printed ? "info" : "error");
              loadDevices();
            }, fail);
          }, "test-print"));
          actions.appendChild(revoke);
          revoke = actions;
        }
        var kind = d.kind === "display" && d.counter ? _("Màn hình trên quầy") : (KINDS[d.kind] || d.kind);
        var printer = d.kind !== "kiosk" ? "" : d.printer === "none" ? _("Không có") :
          d.printer === "agent" ? _("Qua máy tính ki-ốt") : d.printer;
        return [kind, d.name, d.counter || "", printer,
                d.kind === "kiosk" && d.printer !== "none" ? (PRINTER_STATES[d.printer_state] || d.printer_state) : "",
                d.kind === "kiosk" ? d.print_jobs_waiting : "",
                d.last_seen_at ? when(d.last_seen_at) : _("Chưa kết nối"), revoke];
      }));
    }, fail);
  }
  function pairingPath(kind) {
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
      say(_("Đã thêm thiết bị {name}", {name: device.name}), "info"); event.target.reset(); loadDevices();
    }, fail);
  });

  /* ---- users ---- */
  function loadUsers() {
    return api("GET", "/users").then(function (list) {
      fill("users", list.map(function (u) {
        var actions = document.createElement("span");
        if (isAdmin && u.username !== config.user.username) {
          actions.appendChild(button(u.active ? _("Khóa") : _("Mở khóa"), function () {
            api("PATCH", "/users/" + encodeURIComponent(u.username), {active: !u.active})
              .then(function () { say(_("Đã lưu"), "info"); loadUsers(); }, fail);
          }, "lock"));
          actions.appendChild(button(_("Đặt lại mật khẩu"), function () {
            var password = prompt(_("Mật khẩu mới cho {username} (ít nhất 8 ký tự)", {username: u.username}));
            if (!password) { return; }
            api("PATCH", "/users/" + encodeURIComponent(u.username), {password: password})
              .then(function () { say(_("Đã đặt lại mật khẩu"), "info"); }, fail);
          }, "password"));
        }
        return [u.username, u.full_name, ROLES[u.role] || u.role, u.active ? _("Có") : _("Không"), actions];
      }));
    }, fail);
  }
  $("user-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var d = formData(event.target);
    api("POST", "/users", {username: d.username, full_name: d.full_name, role: d.role,
                           password: d.password}).then(function () {
      say(_("Đã thêm {username}", {username: d.username}), "info"); event.target.reset(); loadUsers();
    }, fail);
  });

  /* ---- tokens ---- */
  function loadTokens() {
    return api("GET", "/tokens").then(function (list) {
      fill("tokens", list.map(function (t) {
        var revoke = isAdmin && !t.revoked_at ? button(_("Thu hồi"), function () {
          api("POST", "/tokens/" + t.id + "/revoke").then(function () { loadTokens(); }, fail);
        }, "revoke") : "";
        return [t.id, t.user, when(t.created_at), t.revoked_at ? when(t.revoked_at) : "—", revoke];
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
        return [when(r.at, true), r.username, r.address, r.action, r.target,
                Object.keys(r.detail).length ? JSON.stringify(r.detail) : ""];
      }));
    }, fail);
  }
  $("audit-form").addEventListener("submit", function (event) { event.preventDefault(); loadAudit(); });
  $("audit-csv").addEventListener("click", function (event) {
    event.preventDefault();
    fetch("/api/v1" + auditQuery("csv"), {credentials: "same-origin",
                                          headers: Object.assign({"X-CSRF-Token": config.csrf,
                                                                  "Accept-Language": hall.language()}, centreHeaders())})
      .then(function (r) { if (!r.ok) { throw new Error(_("Lỗi {status}", {status: r.status})); } return r.blob(); })
      .then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob); a.download = "nhat-ky.csv";
        document.body.appendChild(a); a.click(); a.remove();
      }, fail);
  });
  var today = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  $("audit-form").elements.from.value = today; $("audit-form").elements.to.value = today;

  /* ---- tabs ---- */
  var loaders = {fields: loadFields, procedures: loadProcedures, centre: loadCentre, counters: loadCounters, devices: loadDevices, users: loadUsers,
                 tokens: loadTokens, audit: loadAudit};
  function show(tab) {
    Array.prototype.forEach.call(document.querySelectorAll("#tabs button"), function (b) {
      if (b.dataset.tab === tab) { b.setAttribute("aria-current", "page"); } else { b.removeAttribute("aria-current"); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("section.tab"), function (s) { s.hidden = s.id !== tab; });
    if (tab !== "devices") { $("pairing").hidden = true; }
    if (tab !== "counters") { closeEditor(); }
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
        resetProcedures();
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
