// The touch kiosk: one tap, one ticket, whatever the network does.
(function () {
  "use strict";
  var AUTH = {device: "kiosk"};  // the pairing cookie; the page never holds the token
  var LIVE = {device: "kiosk", events: ["queue.changed", "fields.changed"]};  // the events it uses
  var perPage = 12, BACK_AFTER_MS = 15000, BACK_AFTER_FAILED_PRINT_MS = 40000, PRINT_WAIT_MS = 10000;
  var fields = [], page = 0, query = "", category = null, busy = false;
  var backTimer = null, printTimer = null, currentJob = null, messageTimer = null;
  var $ = hall.$, _ = hall.t;
  function fold(text) {  // diacritics-insensitive search: "ho tich" finds "Hộ tịch"
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function minutes(seconds) { return Math.max(1, Math.ceil(seconds / 60)); }
  function applyLanguage() {
    $("lang").textContent = hall.language() === "vi" ? "English" : "Tiếng Việt";
    renderTiles();
  }
  function loadFields() {
    return hall.api("GET", "/fields", null, AUTH)
      .then(function (list) { fields = list; renderTiles(); });
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
      var name = hall.language() === "en" && field.name_en ? field.name_en : field.name;
      var badge = field.icon || field.prefix || (field.block_start !== null ? "#" : field.code.charAt(0));
      tile.innerHTML = '<span class="badge"></span><span class="name"></span><span class="meta"></span>';
      tile.querySelector(".badge").textContent = badge;
      tile.querySelector(".name").textContent = name;
      var meta = tile.querySelector(".meta");
      if (field.state !== "open") {
        tile.disabled = true;
        meta.className = "reason";
        meta.textContent = field.state === "full" ? _("Đã hết số hôm nay")
          : field.state === "outside_hours" ? _("Ngoài giờ làm việc") : _("Tạm ngừng nhận số");
      } else {
        meta.innerHTML = '<span class="count"></span><span class="wait"></span>';
        meta.querySelector(".count").textContent = _("{n} người đang chờ", {n: field.waiting});
        meta.querySelector(".wait").textContent = field.waiting
          ? _("Chờ khoảng {m} phút", {m: minutes(field.estimated_wait_s)}) : _("Không phải chờ");
      }
      tile.addEventListener("click", function () { take(field, tile); });
      box.appendChild(tile);
    });
    $("page").textContent = _("Trang {page}/{pages}", {page: page + 1, pages: pages});
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
    $("pager").hidden = pages === 1;
  }
  function showMessage(text) {
    $("message").textContent = text; $("message").hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(function () { $("message").hidden = true; }, 6000);
  }
  // One tap -> one key. Retries after a network fault reuse the key, so the server answers
  // with the same ticket instead of issuing a second one.
  function take(field, tile) {
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
    var body = {field: field.code};
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
    $("choose").hidden = true; $("confirm").hidden = false; $("message").hidden = true;
    $("c-number").textContent = ticket.number;
    $("c-field").textContent = hall.language() === "en" && ticket.field.name_en ? ticket.field.name_en : ticket.field.name;
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
  function backAfter(ms) { clearTimeout(backTimer); backTimer = setTimeout(backToStart, ms); }
  function backToStart() {
    clearTimeout(backTimer); clearTimeout(printTimer);
    currentJob = null; category = null;
    document.querySelectorAll(".category").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    $("priority").setAttribute("aria-pressed", "false"); $("categories").hidden = true;
    $("confirm").hidden = true; $("choose").hidden = false;
    $("search").value = ""; query = ""; page = 0;
    if (hall.language() !== "vi") { hall.setLanguage("vi"); }
    finishTap(document.querySelector(".tile.busy"));
    loadFields().catch(function () {});
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
    if (online) { loadFields().catch(function () {}); }
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
  });
  // A field was added or changed in the administration (name, order, open or closed).
  socket.on("fields.changed", function () { if (!busy) { loadFields().catch(function () {}); } });
  setInterval(function () { if (!busy) { loadFields().catch(function () {}); } }, 60000);  // opening hours
  socket.on("print.updated", function (event) {
    if (currentJob !== null && event.job === currentJob && event.status !== "pending") {
      printOutcome(event.status === "printed" ? "printed" : "failed");
    }
  });
  window.addEventListener("resize", function () { renderTiles(); });
  hall.setLanguage("vi"); setInterval(tick, 1000);
  loadFields().catch(function () { $("offline").hidden = false; });
})();
