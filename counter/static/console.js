/* The officer console: the REST API with the login session (X-CSRF-Token), live over Socket.IO.
   Every action has a one-key shortcut shown on its button; a refused action is explained. */
(function () {
  "use strict";
  var config = JSON.parse(hall.$("config").textContent);
  var $ = hall.$, _ = hall.t;
  var me = config.user.username;
  var counter = null;      // number of the counter this officer holds
  var view = null;         // that counter as the API shows it
  var counters = [];       // all counters (queue snapshot)
  var lastTicket = null;   // the current ticket, or the one just finished (for record codes)
  var STATUS = config.labels.ticket_status;  // {status: {vi, en}}, from hall.models.vocabulary

  function api(method, path, body) { return hall.api(method, path, body, {csrf: config.csrf}); }

  var messageTimer;
  function say(text, kind) {
    var box = $("message");
    box.textContent = text;
    box.className = kind || "error";
    box.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(function () { box.hidden = true; }, 8000);
  }

  function fieldName(field) {
    return hall.language() === "en" && field.name_en ? field.name_en : field.name;
  }
  var procedureName = fieldName;  // {name, name_en} too

  function fail(error) {
    if (error.status === 401) { location.href = "/counter/login?next=/counter"; return; }
    say(error.message, "error");
    refresh();
  }

  /* ---- choosing and holding a counter ---- */
  function label(c) {
    var plain = _("Quầy {n}", {n: c.number});
    if (!c.name || c.name === plain) return plain;
    return c.name.indexOf(plain + " ") === 0 ? c.name : plain + " · " + c.name;
  }

  function showChooser() {
    $("choose").hidden = false; $("work").hidden = true; $("close-counter").hidden = true;
    $("counter-title").textContent = _("Chưa chọn quầy");
    var list = $("counter-list");
    list.textContent = "";
    counters.forEach(function (c) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "counter-choice" + (c.officer ? " held" : "");
      button.dataset.counter = c.number;
      button.textContent = label(c) +
        (c.officer ? " — " + (c.officer.full_name || c.officer.username) : "");
      button.addEventListener("click", function () { openCounter(c.number); });
      list.appendChild(button);
    });
    // The counter this officer used last on this PC: focused, so Enter takes it again.
    var last = null;
    try { last = localStorage.getItem("hall.counter"); } catch (e) { /* private mode */ }
    var mine = last && list.querySelector('.counter-choice[data-counter="' + last + '"]:not(.held)');
    if (mine) { mine.classList.add("last"); mine.focus(); }
  }

  function openCounter(number) {
    api("POST", "/counters/" + number + "/open").then(function () {
      counter = number;
      try { localStorage.setItem("hall.counter", String(number)); } catch (e) { /* private mode */ }
      refresh();
    }, fail);
  }

  $("close-counter").addEventListener("click", function () {
    api("POST", "/counters/" + counter + "/close").then(function () { counter = null; refresh(); }, fail);
  });

  /* ---- the current ticket ---- */
  function since(iso) {
    if (!iso) return "—";
    var s = Math.max(0, Math.round((hall.now() - Date.parse(iso)) / 1000));  // the server's clock
    var m = Math.floor(s / 60);
    return (m >= 60 ? _("{h} giờ {m} phút", {h: Math.floor(m / 60), m: m % 60}) : m + ":" + String(s % 60).padStart(2, "0"));
  }

  function renderCard() {
    var t = view && view.ticket;
    var card = $("card");
    card.classList.toggle("empty", !t);
    $("card-number").textContent = t ? t.number : "—";
    $("card-field").textContent = t ? fieldName(t.field) : _("Chưa có số nào. Bấm N để gọi số tiếp theo.");
    $("card-status").textContent = t && STATUS[t.status] ? STATUS[t.status][hall.language()] : "";
    $("card-priority").hidden = !(t && t.priority);
    $("card-priority").textContent = t && t.priority ? _("Ưu tiên") + (t.priority_category ? " · " + t.priority_category : "") : "";
    // the procedure the citizen came for: the whole ticket names it (the queue's copy does not)
    $("card-procedure-row").hidden = !(t && "procedure" in t);
    if (t && "procedure" in t) {
      $("card-procedure").textContent = t.procedure
        ? _("Thủ tục: {name}", {name: procedureName(t.procedure)}) : _("Chưa chọn thủ tục");
      $("card-procedure").classList.toggle("none", !t.procedure);
    }
    if (t) lastTicket = t;
    var r = lastTicket;
    $("records").hidden = !r;
    if (r) {
      var list = $("record-list");
      list.textContent = "";
      (r.records || []).forEach(function (code) {
        var li = document.createElement("li");
        li.textContent = code + " ";
        var x = document.createElement("button");
        x.type = "button"; x.textContent = "✕"; x.title = _("Bỏ mã này");
        x.addEventListener("click", function () {
          api("DELETE", "/tickets/" + r.id + "/records/" + encodeURIComponent(code)).then(function (t2) {
            lastTicket = t2; renderCard();
          }, fail);
        });
        li.appendChild(x);
        list.appendChild(li);
      });
      $("records").querySelector(".card-label").firstChild.textContent =
        _("Mã hồ sơ của số {number}", {number: r.number}) + " ";
    }
    var paused = view && view.state === "paused";
    $("paused-banner").hidden = !paused;
    $("paused-banner").textContent = paused
      ? _("Quầy đang tạm dừng: {reason} — bấm T để tiếp tục", {reason: view.pause_reason || ""}) : "";
    $("pause-button").firstChild.textContent = (paused ? _("Tiếp tục") : _("Tạm dừng…")) + " ";
    // Cleared when the counter's ticket changes (finished, or the next one called), never onto
    // the next citizen; a code typed after the finish, for the ticket just served, stays.
    var current = t ? t.id : null;
    if (current !== shownTicket) $("record-input").value = "";
    shownTicket = current;
    enableActions(t, paused);
    tickTimers();
  }

  /* A button with nothing to act on is disabled, its reason on hover (and said when its
     key is pressed). */
  var shownTicket = null;
  var ACTION_BUTTONS = ".actions [data-action], #card [data-action]";
  function whyNot(action, t, paused) {
    var none = _("Quầy không có số nào đang gọi hoặc phục vụ");
    switch (action) {
      case "call-next": case "call-number":
        if (paused) return _("Quầy đang tạm dừng: bấm T để tiếp tục");
        return t ? _("Hãy kết thúc, báo vắng hoặc chuyển số {number} trước", {number: t.number}) : "";
      case "recall": case "no-show": case "start":
        if (!t) return none;
        return t.status === "called" ? "" : _("Số {number} đang được phục vụ", {number: t.number});
      case "finish": case "transfer": case "procedure":
        return t ? "" : none;
      case "pause":
        return t && !paused ? _("Hãy kết thúc, báo vắng hoặc chuyển số {number} trước", {number: t.number}) : "";
      case "records":
        return lastTicket ? "" : _("Chưa có số nào để gắn mã hồ sơ");
    }
    return "";
  }
  function enableActions(t, paused) {
    document.querySelectorAll(ACTION_BUTTONS).forEach(function (button) {
      var reason = whyNot(button.dataset.action, t, paused);
      button.disabled = !!reason;
      button.title = reason;
    });
  }

  function tickTimers() {
    var t = view && view.ticket;
    $("t-waited").textContent = t ? since(t.issued_at).replace(/^/, "") : "—";
    if (t && t.called_at) {
      var waited = Math.round((Date.parse(t.called_at) - Date.parse(t.issued_at)) / 1000);
      $("t-waited").textContent = Math.floor(waited / 60) + ":" + String(waited % 60).padStart(2, "0");
    }
    $("t-called").textContent = t ? since(t.called_at) : "—";
    $("t-serving").textContent = t && t.started_at ? since(t.started_at) : "—";
  }

  function renderWaiting(rows) {
    var body = $("waiting").tBodies[0];
    body.textContent = "";
    $("waiting-count").textContent = "(" + rows.length + ")";
    // how many wait in each field this counter serves (none waiting shows 0), always in view
    var byField = {};
    (view && view.fields || []).forEach(function (code) { byField[code] = 0; });
    rows.forEach(function (t) { byField[t.field.code] = (byField[t.field.code] || 0) + 1; });
    var counts = $("field-counts");
    counts.textContent = "";
    Object.keys(byField).forEach(function (code) {
      var item = document.createElement("li");
      item.dataset.field = code;
      var name = document.createElement("span");
      name.textContent = fieldName(config.fields.filter(function (f) { return f.code === code; })[0] || {code: code, name: code});
      var n = document.createElement("strong");
      n.textContent = String(byField[code]);
      item.appendChild(name); item.appendChild(n);
      counts.appendChild(item);
    });
    rows.forEach(function (t) {
      var tr = body.insertRow();
      tr.dataset.ticket = t.id;
      var number = tr.insertCell();
      number.textContent = t.number;
      if (t.priority) {
        var mark = document.createElement("span");
        mark.className = "priority small"; mark.textContent = _("Ưu tiên");
        number.appendChild(document.createTextNode(" ")); number.appendChild(mark);
      }
      tr.insertCell().textContent = fieldName(t.field);
      tr.insertCell().textContent = since(t.issued_at);
    });
  }

  function seconds(value) {
    if (value === null || value === undefined) return "—";
    var s = Math.round(value);
    return _("{m} phút {s} giây", {m: Math.floor(s / 60), s: s % 60});
  }

  function renderToday(row) {
    var dl = $("today");
    dl.textContent = "";
    var satisfied = row.ratings.satisfied_pct;
    [[_("Đã phục vụ"), row.served], [_("Vắng mặt"), row.no_show],
     [_("Chờ trung bình"), seconds(row.wait_s.avg)], [_("Phục vụ trung bình"), seconds(row.service_s.avg)],
     [_("Đánh giá"), row.ratings.count + (satisfied === null ? "" : " · " + _("{pct}% hài lòng", {pct: satisfied}))]]
      .forEach(function (pair) {
        var dt = document.createElement("dt"); dt.textContent = pair[0];
        var dd = document.createElement("dd"); dd.textContent = pair[1];
        dl.appendChild(dt); dl.appendChild(dd);
      });
  }

  /* ---- refresh everything from the API (debounced: events come in bursts) ---- */
  var refreshTimer = null;
  function refresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(load, 80);
  }

  function load() {
    api("GET", "/queue").then(function (queue) {
      counters = queue.counters;
      var held = counters.filter(function (c) { return c.officer && c.officer.username === me; })[0];
      if (!held) {
        counter = null; view = null;
        showChooser();
        return;
      }
      counter = held.number; view = held;
      $("choose").hidden = true; $("work").hidden = false; $("close-counter").hidden = false;
      $("counter-title").textContent = label(held);
      // The queue carries public tickets; the counter's own comes whole (record codes, times).
      var current = held.ticket ? api("GET", "/tickets/" + held.ticket.id).then(function (t) {
        if (view === held) { held.ticket = t; }
      }) : Promise.resolve();
      return Promise.all([current.then(renderCard),
                          api("GET", "/counters/" + counter + "/waiting").then(renderWaiting),
                          api("GET", "/counters/" + counter + "/today").then(renderToday)]);
    }).catch(fail);
  }

  /* ---- actions ---- */
  function act(action) {
    if (!counter) return;
    var button = document.querySelector('.actions [data-action="' + action + '"], #card [data-action="' + action + '"]');
    if (button && button.disabled) { say(button.title); return; }
    if (action === "transfer") return openTransfer();
    if (action === "procedure") return openProcedures();
    if (action === "call-number") return openDialog($("call-dialog"), $("call-input"));
    if (action === "records") { if (lastTicket) $("record-input").focus(); return; }
    if (action === "pause") {
      if (view && view.state === "paused") return post("resume");
      return openDialog($("pause-dialog"), $("pause-input"));
    }
    post(action);
  }

  function post(action, body) {
    return api("POST", "/counters/" + counter + "/" + action, body).then(function (answer) {
      if (action === "call-next" && answer === null) say(_("Không còn ai chờ các lĩnh vực của quầy này"), "info");
      if (answer && answer.number && (action === "call-next" || action === "call" || action === "recall")) {
        say(_("Đã gọi số {number}", {number: answer.number}), "info");
      }
      refresh();
    }, fail);
  }

  document.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { act(button.dataset.action); });
  });

  var keys = {};
  document.querySelectorAll("[data-key]").forEach(function (b) { keys[b.dataset.key] = b.dataset.action; });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) {
      if (event.key === "Escape") target.blur();  // back to the shortcuts
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    var action = keys[event.key.toLowerCase()];
    if (action) { event.preventDefault(); act(action); }
  });

  function openDialog(dialog, input) {
    dialog.showModal();
    if (input) { input.value = ""; input.focus(); }
  }
  document.querySelectorAll("dialog .cancel").forEach(function (b) {
    b.addEventListener("click", function () { b.closest("dialog").close(); });
  });

  function openTransfer() {
    if (!view || !view.ticket) { say(_("Quầy không có số nào đang gọi hoặc phục vụ")); return; }
    $("transfer-number").textContent = view.ticket.number;
    var fields = $("transfer-fields"), others = $("transfer-counters");
    fields.textContent = ""; others.textContent = "";
    config.fields.forEach(function (f) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = f.name; b.dataset.field = f.code;
      b.addEventListener("click", function () { $("transfer-dialog").close(); post("transfer", {field: f.code}); });
      fields.appendChild(b);
    });
    counters.forEach(function (c) {
      if (c.number === counter) return;
      var b = document.createElement("button");
      b.type = "button"; b.textContent = _("Quầy {n}", {n: c.number}); b.dataset.counter = c.number;
      b.addEventListener("click", function () { $("transfer-dialog").close(); post("transfer", {counter: c.number}); });
      others.appendChild(b);
    });
    $("transfer-dialog").showModal();
  }

  $("call-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var number = $("call-input").value.trim().toUpperCase();
    $("call-dialog").close();
    if (number) post("call", {number: number});
  });

  $("pause-reasons").addEventListener("click", function (event) {
    var reason = event.target.dataset && event.target.dataset.reason;
    if (reason) { $("pause-dialog").close(); post("pause", {reason: reason}); }
  });
  $("pause-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = $("pause-input").value.trim();
    if (!reason) return;
    $("pause-dialog").close();
    post("pause", {reason: reason});
  });

  $("record-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("record-input").value.trim();
    if (!code || !lastTicket) return;
    api("POST", "/tickets/" + lastTicket.id + "/records", {codes: [code]}).then(function (t) {
      lastTicket = t; $("record-input").value = ""; $("record-input").blur(); renderCard();
      say(_("Đã gắn mã hồ sơ {code} cho số {number}", {code: code, number: t.number}), "info");
    }, function (error) { say(error.message, "error"); });
  });

  /* ---- the procedure of the current ticket: a searchable list of its field's procedures,
     all from the keyboard (type, ↑ ↓, Enter; Esc cancels) ---- */
  var choosing = null;   // {ticket, procedures, shown, active}
  function fold(text) {  // as the server searches: no case, no diacritics, đ as d
    return String(text || "").replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }
  function openProcedures() {
    var t = view && view.ticket;
    if (!t) { say(_("Quầy không có số nào đang gọi hoặc phục vụ")); return; }
    choosing = {ticket: t, procedures: null, shown: [], active: -1};
    $("procedure-number").textContent = t.number;
    $("procedure-list").textContent = "";
    note(_("Đang tải danh sách thủ tục…"));
    $("procedure-clear").disabled = !t.procedure;
    openDialog($("procedure-dialog"), $("procedure-search"));
    var asked = choosing;
    api("GET", "/procedures?field=" + encodeURIComponent(t.field.code)).then(function (list) {
      if (choosing !== asked) return;  // closed, or opened again for another ticket
      asked.procedures = list.map(function (p) {
        return {id: p.id, name: p.name, name_en: p.name_en, code: p.code,
                folded: fold(p.name + " " + (p.name_en || "") + " " + (p.code || ""))};
      });
      showProcedures();
    }, function (error) { note(error.message); });
  }
  function note(text) { $("procedure-note").textContent = text || ""; $("procedure-note").hidden = !text; }
  var SHOWN_MAX = 60;
  function showProcedures() {
    var c = choosing;
    if (!c || !c.procedures) return;
    var words = fold($("procedure-search").value).split(" ").filter(Boolean);
    var found = c.procedures.filter(function (p) {
      return words.every(function (w) { return p.folded.indexOf(w) >= 0; });
    });
    c.shown = found.slice(0, SHOWN_MAX);
    var current = c.ticket.procedure ? c.ticket.procedure.id : null;
    c.active = c.shown.length ? 0 : -1;
    c.shown.forEach(function (p, i) { if (p.id === current && !words.length) c.active = i; });
    var list = $("procedure-list");
    list.textContent = "";
    c.shown.forEach(function (p, i) {
      var item = document.createElement("li");
      item.id = "procedure-option-" + p.id;
      item.setAttribute("role", "option");
      item.dataset.procedure = p.id;
      item.textContent = procedureName(p);
      if (p.code) {
        var code = document.createElement("span");
        code.className = "code"; code.textContent = p.code;
        item.appendChild(document.createTextNode(" ")); item.appendChild(code);
      }
      if (p.id === current) item.classList.add("current");
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
      item.addEventListener("click", function () { c.active = i; chooseProcedure(p.id); });
      list.appendChild(item);
    });
    if (!c.procedures.length) note(_("Lĩnh vực này chưa có thủ tục nào"));
    else if (!found.length) note(_("Không có thủ tục nào khớp"));
    else if (found.length > c.shown.length) note(_("Còn {n} thủ tục nữa: gõ thêm để thu hẹp", {n: found.length - c.shown.length}));
    else note("");
    markActive();
  }
  function markActive() {
    var c = choosing, input = $("procedure-search");
    Array.prototype.forEach.call($("procedure-list").children, function (item, i) {
      var on = i === c.active;
      item.classList.toggle("active", on);
      item.setAttribute("aria-selected", on ? "true" : "false");
      if (on) {
        input.setAttribute("aria-activedescendant", item.id);
        item.scrollIntoView({block: "nearest"});
      }
    });
    if (c.active < 0) input.removeAttribute("aria-activedescendant");
  }
  function chooseProcedure(id) {
    var c = choosing;
    if (!c) return;
    $("procedure-dialog").close();
    if ((c.ticket.procedure ? c.ticket.procedure.id : null) === id) return;  // nothing changes
    api("PATCH", "/tickets/" + c.ticket.id, {procedure: id}).then(function (t) {
      if (view && view.ticket && view.ticket.id === t.id) view.ticket = t;
      if (lastTicket && lastTicket.id === t.id) lastTicket = t;
      renderCard();
      say(t.procedure ? _("Số {number}: {name}", {number: t.number, name: procedureName(t.procedure)})
                      : _("Số {number}: đã bỏ thủ tục", {number: t.number}), "info");
    }, fail);
  }
  $("procedure-search").addEventListener("input", showProcedures);
  $("procedure-search").addEventListener("keydown", function (event) {
    if (event.key === "Escape") {  // cancels at once, typed text or not (a search box would clear first)
      event.preventDefault(); event.stopPropagation();
      $("procedure-dialog").close();
      return;
    }
    var c = choosing;
    if (!c || !c.shown.length) return;
    var step = {ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8}[event.key];
    if (event.key === "Home" && event.ctrlKey) step = -c.shown.length;
    if (event.key === "End" && event.ctrlKey) step = c.shown.length;
    if (!step) return;
    event.preventDefault();
    c.active = Math.max(0, Math.min(c.shown.length - 1, c.active + step));
    markActive();
  });
  $("procedure-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var c = choosing;
    if (c && c.active >= 0 && c.shown[c.active]) chooseProcedure(c.shown[c.active].id);
  });
  $("procedure-clear").addEventListener("click", function () { chooseProcedure(null); });
  $("procedure-dialog").addEventListener("close", function () { choosing = null; });

  /* ---- live ---- */
  var socket = hall.live({csrf: config.csrf}, function (online) {
    $("conn").className = online ? "conn ok" : "conn down";
    $("conn").title = online ? _("Đã kết nối") : _("Mất kết nối");
  });
  ["state", "ticket.called", "ticket.updated", "counter.updated", "queue.changed"].forEach(function (name) {
    socket.on(name, refresh);
  });

  setInterval(tickTimers, 1000);
  setInterval(function () { if (view) refresh(); }, 30000);  // "time waited" in the list
  load();
})();
