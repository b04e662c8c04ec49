// The touch kiosk: one tap, one ticket, whatever the network does. Besides the field tiles,
// a citizen may look up a procedure (thủ tục): what to bring, how long, what it costs, where
// it is served today and whether it can be done online, then take a number for it.
(function () {
  "use strict";
  var AUTH = {device: "kiosk"};  // the pairing cookie; the page never holds the token
  var LIVE = {device: "kiosk", events: ["queue.changed", "fields.changed"]};  // the events it uses
  var perPage = 12, BACK_AFTER_MS = 15000, BACK_AFTER_FAILED_PRINT_MS = 40000, PRINT_WAIT_MS = 10000;
  // The lookup and a procedure's page go back to the start once nobody has touched the screen
  // for a minute: long enough to read a list of papers, short enough for the next citizen.
  var LOOKUP_IDLE_MS = 60000, SEARCH_AFTER_MS = 150, RESULTS_SHOWN = 30, RESULTS_ASKED = 200;
  var fields = [], page = 0, query = "", category = null, busy = false, screen = "choose";
  var backTimer = null, printTimer = null, currentJob = null, messageTimer = null;
  // the lookup: the typed words, the field browsed (a code), the answer to the last search
  var lookupText = "", lookupField = null, found = null, foundFailed = false, searchTimer = null, asked = 0;
  var foundFor = {text: "", field: ""};  // the search the results on the screen answer
  var shownProcedure = null, openCounters = null, countersAsked = 0;
  var $ = hall.$, _ = hall.t;
  function fold(text) {  // diacritics-insensitive search: "ho tich" finds "Hộ tịch"
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function minutes(seconds) { return Math.max(1, Math.ceil(seconds / 60)); }
  function named(thing) { return hall.language() === "en" && thing.name_en ? thing.name_en : thing.name; }
  function applyLanguage() {
    $("lang").textContent = hall.language() === "vi" ? "English" : "Tiếng Việt";
    renderTiles();
    labelKeyboard();
    if (screen === "lookup") { renderLookup(); }
    if (screen === "procedure") { renderProcedure(); }
  }
  function loadFields() {
    return hall.api("GET", "/fields", null, AUTH).then(function (list) {
      fields = list; renderTiles();
      if (screen === "procedure") { renderWhere(); }
    });
  }
  function visibleFields() {
    var wanted = fold(query.trim());
    return fields.filter(function (f) { return !wanted || fold(f.name + " " + f.name_en + " " + f.code).indexOf(wanted) >= 0; });
  }
  // The tiles fill the space under the tools at any count: the grid (columns × rows) whose
  // tiles are the largest a tile may be, wide enough for a field's name and tall enough for
  // its waiting line; more fields than fit at the smallest size go on pages.
  var MIN_TILE_W = 300, MIN_TILE_H = 210, GAP = 16;
  function grid(count, width, height) {
    var best = null;
    for (var columns = 1; columns <= 6; columns += 1) {
      var tileW = (width - GAP * (columns - 1)) / columns;
      if (tileW < MIN_TILE_W && columns > 1) { break; }
      var rows = Math.max(1, Math.ceil(count / columns));
      var tileH = (height - GAP * (rows - 1)) / rows;
      var fits = tileH >= MIN_TILE_H;
      var score = fits ? Math.min(tileW / 2.2, tileH) : -1;  // a tile about twice as wide as tall
      if (!best || score > best.score) { best = {columns: columns, rows: rows, score: score}; }
    }
    if (best.score < 0) {  // too many for one screen: the most that fit, on pages
      var most = Math.max(1, Math.floor((width + GAP) / (MIN_TILE_W + GAP)));
      var rowsFit = Math.max(1, Math.floor((height + GAP) / (MIN_TILE_H + GAP)));
      best = {columns: Math.min(most, width > height ? 4 : 3), rows: rowsFit, score: 0};
    }
    return best;
  }
  function layout() {
    var box = $("tiles"), shown = Math.max(1, visibleFields().length);
    var top = box.getBoundingClientRect().top, width = box.clientWidth || window.innerWidth;
    function fit(pagerRoom) {
      var height = Math.max(MIN_TILE_H, window.innerHeight - top - pagerRoom - 24);
      return {height: height, grid: grid(shown, width, height)};
    }
    var chosen = fit(0);
    // More than one screen: the pager shows, and is measured while shown (hidden it is 0 high).
    $("pager").hidden = shown <= chosen.grid.columns * chosen.grid.rows;
    if (!$("pager").hidden) { chosen = fit($("pager").offsetHeight + GAP); }
    var g = chosen.grid;
    perPage = g.columns * g.rows;
    box.style.gridTemplateColumns = "repeat(" + g.columns + ", 1fr)";
    box.style.gridTemplateRows = "repeat(" + g.rows + ", " +
      Math.floor((chosen.height - GAP * (g.rows - 1)) / g.rows) + "px)";
    box.dataset.columns = g.columns; box.dataset.rows = g.rows;
  }
  function renderTiles() {
    layout();
    var shown = visibleFields(), pages = Math.max(1, Math.ceil(shown.length / perPage));
    page = Math.min(page, pages - 1);
    var box = $("tiles");
    box.textContent = "";
    shown.slice(page * perPage, (page + 1) * perPage).forEach(function (field) {
      var tile = document.createElement("button");
      tile.type = "button"; tile.className = "tile"; tile.dataset.code = field.code; tile.setAttribute("role", "listitem");
      var name = named(field);
      var badge = badgeOf(field);
      tile.innerHTML = '<span class="badge"></span><span class="name"></span><span class="meta"></span>';
      tile.querySelector(".badge").textContent = badge;
      tile.querySelector(".name").textContent = name;
      var meta = tile.querySelector(".meta");
      if (field.state !== "open") {
        tile.disabled = true;
        meta.className = "reason";
        meta.textContent = closedReason(field);
      } else {
        meta.innerHTML = '<span class="count"></span><span class="wait"></span>';
        meta.querySelector(".count").textContent = _("{n} người đang chờ", {n: field.waiting});
        meta.querySelector(".wait").textContent = field.waiting
          ? _("Chờ khoảng {m} phút", {m: minutes(field.estimated_wait_s)}) : _("Không phải chờ");
      }
      tile.addEventListener("click", function () { take({field: field.code}, tile); });
      box.appendChild(tile);
    });
    $("page").textContent = _("Trang {page}/{pages}", {page: page + 1, pages: pages});
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
    $("pager").hidden = pages === 1;
  }
  function badgeOf(field) { return field.icon || field.prefix || (field.block_start !== null ? "#" : field.code.charAt(0)); }
  function closedReason(field) {
    return field.state === "full" ? _("Đã hết số hôm nay")
      : field.state === "outside_hours" ? _("Ngoài giờ làm việc") : _("Tạm ngừng nhận số");
  }
  function showMessage(text) {
    $("message").textContent = text; $("message").hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(function () { $("message").hidden = true; }, 6000);
  }
  // One tap -> one key. Retries after a network fault reuse the key, so the server answers
  // with the same ticket instead of issuing a second one. `body` names a field or a procedure.
  function take(body, tile) {
    if (busy) { return; }
    if (!$("categories").hidden && category === null) {  // "Ưu tiên" on, but for whom?
      showMessage(_("Xin chọn đối tượng ưu tiên ở trên, hoặc chạm “Ưu tiên” lần nữa để lấy số thường."));
      $("categories").classList.add("ask");
      setTimeout(function () { $("categories").classList.remove("ask"); }, 1500);
      return;
    }
    busy = true;
    tile.classList.add("busy");
    var key = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    if (category) { body.priority_category = category; }
    send(body, key, 0, tile);
  }
  function send(body, key, attempt, tile) {
    hall.api("POST", "/tickets", body, AUTH, {"Idempotency-Key": key}).then(function (ticket) {
      confirmTicket(ticket);
    }, function (error) {
      if (!error.status || error.status >= 500 || error.status === 429) { throw error; }  // retried
      finishTap(tile);
      showMessage(error.message || _("Không lấy được số. Xin thử lại hoặc hỏi cán bộ hướng dẫn."));
      loadFields().catch(function () {});
    }).catch(function (error) {
      if (attempt >= 8) { finishTap(tile); showMessage(_("Không lấy được số. Xin thử lại hoặc hỏi cán bộ hướng dẫn.")); return; }
      var limited = error && error.status === 429;  // the same key again once the server says
      showMessage(limited ? _("Máy đang bận, xin chờ giây lát. Số của bạn sẽ hiện ra ngay.") : _("Đang gửi lại…"));
      var delay = limited && error.retryAfter ? Math.min(60, error.retryAfter) * 1000
                                              : Math.min(8000, 500 * Math.pow(2, attempt));
      setTimeout(function () { send(body, key, attempt + 1, tile); }, delay);
    });
  }
  function finishTap(tile) {
    busy = false;
    if (tile) { tile.classList.remove("busy"); }
  }
  function confirmTicket(ticket) {
    showScreen("confirm"); $("message").hidden = true;
    $("c-number").textContent = ticket.number;
    $("c-field").textContent = named(ticket.field);
    $("c-procedure").hidden = !ticket.procedure;
    $("c-procedure").textContent = ticket.procedure ? named(ticket.procedure) : "";
    $("c-priority").hidden = !ticket.priority;
    var group = Array.prototype.find.call(document.querySelectorAll(".category"),
                                          function (b) { return b.dataset.key === ticket.priority_category; });
    $("c-priority").textContent = group ? _("Ưu tiên") + ": " + (hall.language() === "en" ? group.dataset.en : group.dataset.vi)
                                        : _("Ưu tiên");
    $("c-ahead").textContent = _("Số người đang chờ trước bạn: {n}", {n: ticket.waiting_ahead});
    $("c-wait").textContent = ticket.waiting_ahead
      ? _("Thời gian chờ dự kiến: khoảng {m} phút", {m: minutes(ticket.estimated_wait_s)}) : "";
    $("c-qr").src = ticket.track_url + "/qr.svg";
    var print = $("c-print");
    print.className = "print";
    currentJob = ticket.print ? ticket.print.job : null;
    if (!ticket.print) { print.textContent = _("Hãy ghi nhớ hoặc chụp ảnh số này."); backAfter(BACK_AFTER_MS); return; }
    print.textContent = _("Đang in vé…");
    print.dataset.status = "pending";
    printTimer = setTimeout(function () { printOutcome("failed"); }, PRINT_WAIT_MS);
    backAfter(BACK_AFTER_FAILED_PRINT_MS);
  }
  function printOutcome(status) {
    clearTimeout(printTimer);
    var print = $("c-print");
    print.dataset.status = status;
    if (status === "printed") {
      print.textContent = _("Đã in vé. Mời bạn nhận vé bên dưới."); print.className = "print"; backAfter(BACK_AFTER_MS);
    } else {
      print.textContent = _("Không in được vé. Hãy ghi nhớ hoặc chụp ảnh số này."); print.className = "print failed"; backAfter(BACK_AFTER_FAILED_PRINT_MS);
    }
  }
  function backAfter(ms, then) { clearTimeout(backTimer); backTimer = setTimeout(then || backToStart, ms); }
  function backToStart() {
    clearTimeout(backTimer); clearTimeout(printTimer);
    currentJob = null; category = null;
    document.querySelectorAll(".category").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    $("priority").setAttribute("aria-pressed", "false"); $("categories").hidden = true;
    resetLookup();
    showScreen("choose");
    $("search").value = ""; query = ""; page = 0;
    if (hall.language() !== "vi") { hall.setLanguage("vi"); }
    finishTap(document.querySelector(".busy"));
    loadFields().catch(function () {});
  }
  // The screens: the tiles ("choose"), the lookup, a procedure's page, the confirmation.
  var SCREENS = ["choose", "lookup", "procedure", "confirm"];
  function showScreen(name) {
    screen = name;
    SCREENS.forEach(function (id) { $(id).hidden = id !== name; });
    var prompt = name === "confirm" ? "choose" : name;
    document.querySelectorAll(".prompt").forEach(function (p) { p.hidden = p.dataset.screen !== prompt; });
    placePriority(name === "procedure");
    if (name === "lookup" || name === "procedure") { stillHere(); }
  }
  // "Ưu tiên" and its groups go with the citizen to a procedure's page, above its button.
  function placePriority(onProcedure) {
    if (onProcedure) {
      $("p-priority-slot").appendChild($("priority"));
      $("p-priority-slot").appendChild($("categories"));
    } else if ($("priority").parentNode !== $("search").parentNode) {
      $("search").insertAdjacentElement("afterend", $("priority"));
      $("tiles").insertAdjacentElement("beforebegin", $("categories"));
    }
  }
  // Nobody at the lookup for a while: the next citizen finds the start screen, in Vietnamese.
  function stillHere() {
    if (screen === "lookup" || screen === "procedure") { backAfter(LOOKUP_IDLE_MS, leftAlone); }
  }
  function leftAlone() {
    if (busy) { stillHere(); return; }  // a number on its way: its confirmation comes first
    backToStart();
  }

  // ---- the lookup: on-screen keyboard, results as the citizen types, or a field's list ----
  var KEY_ROWS = ["QWERTYUIOP".split(""), "ASDFGHJKL".split(""), "ZXCVBNM".split("").concat(["back"]),
                  ["clear", "space"]];
  function buildKeyboard() {
    var box = $("keyboard");
    KEY_ROWS.forEach(function (row) {
      var line = document.createElement("div");
      line.className = "krow";
      row.forEach(function (key) {
        var button = document.createElement("button");
        button.type = "button"; button.className = "key key-" + (key.length > 1 ? key : "letter");
        button.dataset.key = key;
        if (key === "back") { button.textContent = "\u232b"; }
        else if (key.length === 1) { button.textContent = key; }
        line.appendChild(button);
      });
      box.appendChild(line);
    });
    labelKeyboard();
  }
  function labelKeyboard() {
    $("keyboard").setAttribute("aria-label", _("Bàn phím tìm kiếm"));
    document.querySelectorAll("#keyboard .key-back").forEach(function (b) { b.setAttribute("aria-label", _("Xóa chữ cuối")); });
    document.querySelectorAll("#keyboard .key-clear").forEach(function (b) { b.textContent = _("Xóa hết"); });
    document.querySelectorAll("#keyboard .key-space").forEach(function (b) { b.textContent = _("Dấu cách"); });
  }
  function press(key) {
    var text = lookupText;
    if (key === "back") { text = Array.from(text).slice(0, -1).join(""); }
    else if (key === "clear") { text = ""; }
    else if (key === "space") { text = text && !/ $/.test(text) ? text + " " : text; }
    else { text += key.toLowerCase(); }
    setLookupText(text.slice(0, 60));
  }
  function setLookupText(text) {
    lookupText = text;
    if ($("lk-q").value !== text) { $("lk-q").value = text; }
    searchSoon();
  }
  function resetLookup() {
    clearTimeout(searchTimer);
    asked += 1;  // an answer still on its way is for a search nobody wants any more
    lookupText = ""; lookupField = null; found = null; foundFailed = false; shownProcedure = null;
    foundFor = {text: "", field: ""};
    $("lk-q").value = "";
  }
  function openLookup() {
    if (busy) { return; }
    resetLookup();
    showScreen("lookup");
    renderLookup();
  }
  // Asked ~150 ms after the last key, not at every key; the results on the screen stay until
  // the new ones come, so they do not flicker while the citizen types.
  function searchSoon() {
    clearTimeout(searchTimer);
    asked += 1;
    if (!lookupText.trim() && !lookupField) { found = null; foundFailed = false; renderLookup(); return; }
    var mine = asked;
    searchTimer = setTimeout(function () { search(mine); }, SEARCH_AFTER_MS);
    renderLookup();
  }
  function search(mine) {
    var text = lookupText.trim(), field = lookupField || "";
    var path = "/procedures?limit=" + RESULTS_ASKED;
    if (text) { path += "&q=" + encodeURIComponent(text); }
    if (field) { path += "&field=" + encodeURIComponent(field); }
    function answered(list, failed) {
      if (mine !== asked) { return; }  // the citizen typed on meanwhile
      found = list; foundFailed = failed; foundFor = {text: text, field: field};
      renderLookup();
    }
    hall.api("GET", path, null, AUTH).then(function (list) { answered(list, false); },
                                            function () { answered([], true); });
  }
  function fieldOf(code) { return fields.filter(function (f) { return f.code === code; })[0] || null; }
  function renderLookup() {
    var typed = lookupText.trim(), browsing = !typed && !lookupField;
    var chosen = lookupField ? fieldOf(lookupField) : null;
    $("lk-filter").hidden = !lookupField;
    $("lk-field").textContent = _("Lĩnh vực: {name}", {name: chosen ? named(chosen) : lookupField || ""});
    var status = "", list = found || [];
    if (!browsing) {
      if (found === null) { status = _("Đang tìm…"); }
      else if (foundFailed) { status = _("Chưa tra cứu được. Xin thử lại hoặc hỏi cán bộ hướng dẫn."); }
      else if (!list.length) { status = _("Không tìm thấy thủ tục nào. Hãy gõ từ khác hoặc chọn lĩnh vực."); }
      else {
        var capped = list.length >= RESULTS_ASKED;
        status = typed ? (capped ? _("Tìm thấy hơn {n} thủ tục", {n: list.length}) : _("Tìm thấy {n} thủ tục", {n: list.length}))
                       : (capped ? _("Có hơn {n} thủ tục", {n: list.length}) : _("Có {n} thủ tục", {n: list.length}));
      }
    }
    $("lk-results").dataset.query = found === null ? "" : foundFor.text;
    $("lk-results").dataset.field = found === null ? "" : foundFor.field;
    $("lk-status").textContent = status;
    $("lk-status").hidden = !status;
    var box = $("lk-results");
    box.textContent = "";
    list.slice(0, RESULTS_SHOWN).forEach(function (procedure) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button"; button.className = "proc"; button.dataset.id = procedure.id;
      button.innerHTML = '<span class="proc-name"></span><span class="proc-meta"></span>';
      button.querySelector(".proc-name").textContent = named(procedure);
      if (!lookupField) {  // browsing one field, its name is said once, above
        var where = document.createElement("span");
        where.className = "proc-field"; where.textContent = named(procedure.field);
        button.querySelector(".proc-meta").appendChild(where);
      }
      if (onlineAt(procedure)) {
        var online = document.createElement("span");
        online.className = "proc-online"; online.textContent = _("Làm trực tuyến được");
        button.querySelector(".proc-meta").appendChild(online);
      }
      button.addEventListener("click", function () { openProcedure(procedure); });
      item.appendChild(button);
      box.appendChild(item);
    });
    var more = list.length - RESULTS_SHOWN;
    $("lk-more").hidden = more <= 0;
    $("lk-more").textContent = more <= 0 ? ""
      : list.length >= RESULTS_ASKED ? _("Còn hơn {n} thủ tục khác. Gõ thêm chữ để thu hẹp.", {n: more})
      : _("Còn {n} thủ tục khác. Gõ thêm chữ để thu hẹp.", {n: more});
    $("lk-browse").hidden = !(browsing || (found !== null && !list.length && !foundFailed && !lookupField));
    if (!$("lk-browse").hidden) { renderFieldList(); }
  }
  function renderFieldList() {
    var box = $("lk-fields");
    box.textContent = "";
    fields.forEach(function (field) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button"; button.className = "lk-field-pick"; button.dataset.code = field.code;
      button.innerHTML = '<span class="badge" aria-hidden="true"></span><span class="name"></span>';
      button.querySelector(".badge").textContent = badgeOf(field);
      button.querySelector(".name").textContent = named(field);
      button.addEventListener("click", function () { lookupField = field.code; searchSoon(); $("lk-body").scrollTop = 0; });
      item.appendChild(button);
      box.appendChild(item);
    });
  }

  // ---- a procedure's page ----
  function onlineAt(procedure) {
    return (procedure.online === "partial" || procedure.online === "full") &&
      /^https?:\/\/[^\s/]/i.test(procedure.portal_url || "");
  }
  function money(amount) { return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  // "Miễn phí", "10.000 đồng", "2.000 đồng/trang; …" and the note under it; "—" when unknown.
  function feeOf(procedure) {
    var note = (procedure.fee_note || "").trim(), fee = procedure.fees;
    if (fee === null || fee === undefined) { return {main: note || "—", note: ""}; }
    if (fee === 0) { return {main: _("Miễn phí"), note: note}; }
    if (/^đồng/i.test(note)) { return {main: money(fee) + " " + note, note: ""}; }  // "đồng/trang; …"
    return {main: money(fee) + " đồng", note: note};
  }
  function paperKind(paper) {
    return (paper.original ? _("Bản chính") : _("Bản sao")) + " · " + _("{n} bản", {n: paper.copies});
  }
  function openProcedure(procedure) {
    shownProcedure = procedure;
    openCounters = null;
    showScreen("procedure");
    document.querySelectorAll("#procedure .p-main, #procedure .p-left, #procedure .p-right")
      .forEach(function (part) { part.scrollTop = 0; });
    renderProcedure();
    loadCounters();
  }
  function loadCounters() {  // the counters open now for the procedure's field (GET /queue)
    var mine = ++countersAsked;
    hall.api("GET", "/queue", null, AUTH).then(function (queue) {
      if (mine !== countersAsked || !shownProcedure) { return; }
      openCounters = queue.counters;
      renderWhere();
    }, function () {});
  }
  function renderProcedure() {
    var procedure = shownProcedure;
    if (!procedure) { return; }
    $("p-field").textContent = named(procedure.field);
    $("p-name").textContent = named(procedure);
    var papers = $("p-papers");
    papers.textContent = "";
    procedure.papers.forEach(function (paper) {
      var item = document.createElement("li");
      item.innerHTML = '<span class="box" aria-hidden="true"></span><span class="paper"><span class="paper-name"></span><span class="paper-kind"></span></span>';
      item.querySelector(".paper-name").textContent = paper.name;
      item.querySelector(".paper-kind").textContent = paperKind(paper);
      if (paper.original) { item.classList.add("original"); }
      papers.appendChild(item);
    });
    $("p-no-papers").hidden = procedure.papers.length > 0;
    $("p-time").textContent = procedure.time_limit || "—";
    var fee = feeOf(procedure);
    $("p-fee").textContent = fee.main;
    if (fee.note) {
      var note = document.createElement("span");
      note.className = "note"; note.textContent = fee.note;
      $("p-fee").appendChild(note);
    }
    var online = onlineAt(procedure);
    $("p-online").hidden = !online;
    if (online) {
      var source = "/kiosk/procedures/" + procedure.id + "/qr.svg";
      if ($("p-qr").getAttribute("src") !== source) { $("p-qr").src = source; }
      $("p-portal").textContent = procedure.portal_url.replace(/^https?:\/\//i, "").replace(/\/$/, "");
      $("p-partial").hidden = procedure.online !== "partial";
    }
    renderWhere();
  }
  function renderWhere() {  // from the field's tile (live over queue.changed) and GET /queue
    var procedure = shownProcedure;
    if (!procedure) { return; }
    var field = fieldOf(procedure.field.code);
    $("p-where-field").textContent = named(field || procedure.field);
    var counters = "";
    if (openCounters) {
      var open = openCounters.filter(function (c) {
        return c.state === "open" && (c.fields || []).indexOf(procedure.field.code) >= 0;
      }).length;
      counters = open ? _("{n} quầy đang mở", {n: open}) : _("Chưa có quầy nào đang mở");
    }
    $("p-counters").textContent = counters;
    var closed = !field || field.state !== "open";
    $("p-waiting").textContent = !field ? "" : _("{n} người đang chờ", {n: field.waiting}) + " · " +
      (field.waiting ? _("Chờ khoảng {m} phút", {m: minutes(field.estimated_wait_s)}) : _("Không phải chờ"));
    $("p-closed").hidden = !closed;
    $("p-closed").textContent = !field ? _("Tạm ngừng nhận số") : closed ? closedReason(field) : "";
    if (!$("p-take").classList.contains("busy")) { $("p-take").disabled = closed; }
  }
  function tick() {  // the server's time in the centre's zone, not this PC's clock
    $("clock").textContent = hall.timeText() + " · " + hall.dateText();
  }
  // The citizen switches language on the spot; the next citizen starts in Vietnamese again.
  hall.onLanguage(function () { applyLanguage(); tick(); });
  $("lang").addEventListener("click", function () { hall.setLanguage(hall.language() === "vi" ? "en" : "vi"); });
  $("search").addEventListener("input", function (e) { query = e.target.value; page = 0; renderTiles(); });
  $("prev").addEventListener("click", function () { page -= 1; renderTiles(); });
  $("next").addEventListener("click", function () { page += 1; renderTiles(); });
  $("done").addEventListener("click", backToStart);
  $("lookup-open").addEventListener("click", openLookup);
  $("lk-back").addEventListener("click", function () { resetLookup(); showScreen("choose"); clearTimeout(backTimer); renderTiles(); });
  $("lk-q").addEventListener("input", function (e) { setLookupText(e.target.value.slice(0, 60)); });
  $("lk-field-clear").addEventListener("click", function () { lookupField = null; searchSoon(); });
  $("keyboard").addEventListener("click", function (e) {
    var key = e.target.closest(".key");
    if (key) { press(key.dataset.key); }
  });
  $("p-back").addEventListener("click", function () { shownProcedure = null; showScreen("lookup"); renderLookup(); });
  $("p-take").addEventListener("click", function () {
    if (shownProcedure) { take({procedure: shownProcedure.id}, $("p-take")); }
  });
  ["pointerdown", "keydown", "input"].forEach(function (kind) { document.addEventListener(kind, stillHere, true); });
  // The button shows once the centre has procedures to look up (an admin adds them: fields.changed).
  function checkProcedures() {
    return hall.api("GET", "/procedures?limit=1", null, AUTH).then(function (list) {
      var none = !list.length;
      if ($("lookup-open").hidden !== none) { $("lookup-open").hidden = none; renderTiles(); }
    }, function () {});
  }
  // "Ưu tiên" opens the groups; it is on only once a group is chosen, and a second tap
  // closes them and takes back the choice: never a silent normal ticket.
  $("priority").addEventListener("click", function () {
    var open = $("categories").hidden;
    $("categories").hidden = !open;
    if (!open) { category = null; markCategories(); }
    $("priority").setAttribute("aria-pressed", String(category !== null));
    renderTiles();  // the groups take room from the tiles, or give it back
  });
  function markCategories() {
    document.querySelectorAll(".category").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.key === category)); });
  }
  if (!document.querySelector(".category")) { $("priority").hidden = true; }  // the centre set no groups
  document.querySelectorAll(".category").forEach(function (button) {
    button.addEventListener("click", function () {
      category = category === button.dataset.key ? null : button.dataset.key;
      markCategories();
      $("priority").setAttribute("aria-pressed", String(category !== null));
    });
  });
  var socket = hall.live(LIVE, function (online) {
    $("offline").hidden = online;
    if (online) { loadFields().catch(function () {}); checkProcedures(); }
  });
  // The event carries each tile's count, state and expected wait: no request per kiosk.
  socket.on("queue.changed", function (event) {
    var byCode = {};
    (event.fields || []).forEach(function (f) { byCode[f.code] = f; });
    if (fields.some(function (f) { return !byCode[f.code]; }) || event.fields.length !== fields.length) {
      if (!busy) { loadFields().catch(function () {}); }  // a field was added or removed
      return;
    }
    fields.forEach(function (f) {
      var fresh = byCode[f.code];
      f.waiting = fresh.waiting; f.state = fresh.state; f.estimated_wait_s = fresh.estimated_wait_s;
    });
    if (!busy) { renderTiles(); }
    if (screen === "procedure") { renderWhere(); loadCounters(); }
  });
  // A field or a procedure was added or changed in the administration (name, order, open or closed).
  socket.on("fields.changed", function () {
    if (!busy) { loadFields().catch(function () {}); }
    checkProcedures();
  });
  setInterval(function () { if (!busy) { loadFields().catch(function () {}); } }, 60000);  // opening hours
  socket.on("print.updated", function (event) {
    if (currentJob !== null && event.job === currentJob && event.status !== "pending") {
      printOutcome(event.status === "printed" ? "printed" : "failed");
    }
  });
  window.addEventListener("resize", function () { renderTiles(); });
  buildKeyboard();
  hall.setLanguage("vi"); setInterval(tick, 1000);
  loadFields().catch(function () { $("offline").hidden = false; });
  checkProcedures();
})();
