// The touch kiosk: one tap, one ticket, whatever the network does.
(function () {
  "use strict";
  var TOKEN = document.body.dataset.token;
  var PER_PAGE = 12, BACK_AFTER_MS = 15000, BACK_AFTER_FAILED_PRINT_MS = 40000, PRINT_WAIT_MS = 10000;
  var TEXT = {
    vi: {hours: "Ngoài giờ làm việc", waiting: "người đang chờ", wait: "Chờ khoảng", min: "phút", closed: "Tạm ngừng nhận số",
         full: "Đã hết số hôm nay", ahead: "Số người đang chờ trước bạn:", expected: "Thời gian chờ dự kiến: khoảng",
         printing: "Đang in vé…", printed: "Đã in vé. Mời bạn nhận vé bên dưới.",
         notPrinted: "Không in được vé. Hãy ghi nhớ hoặc chụp ảnh số này.",
         noPrinter: "Hãy ghi nhớ hoặc chụp ảnh số này.", retrying: "Đang gửi lại…",
         slow: "Máy đang bận, xin chờ giây lát. Số của bạn sẽ hiện ra ngay.",
         failed: "Không lấy được số. Xin thử lại hoặc hỏi cán bộ hướng dẫn.", page: "Trang", lang: "English"},
    en: {hours: "Outside opening hours", waiting: "waiting", wait: "About", min: "min", closed: "Not taking numbers now",
         full: "No numbers left today", ahead: "People ahead of you:", expected: "Expected wait: about",
         printing: "Printing your ticket…", printed: "Printed. Please take your ticket below.",
         notPrinted: "The ticket could not be printed. Please remember or photograph this number.",
         noPrinter: "Please remember or photograph this number.", retrying: "Sending again…",
         slow: "The kiosk is busy, please wait a moment. Your number will appear shortly.",
         failed: "Could not take a number. Please try again or ask the staff.", page: "Page", lang: "Tiếng Việt"}
  };
  var lang = "vi", fields = [], page = 0, query = "", category = null, busy = false;
  var backTimer = null, printTimer = null, currentJob = null, messageTimer = null;
  var $ = hall.$;
  function t(key) { return TEXT[lang][key]; }
  function fold(text) {  // diacritics-insensitive search: "ho tich" finds "Hộ tịch"
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function minutes(seconds) { return Math.max(1, Math.ceil(seconds / 60)); }
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-vi]").forEach(function (node) {
      if (node.tagName === "INPUT") { node.placeholder = node.dataset[lang]; } else { node.textContent = node.dataset[lang]; }
    });
    $("lang").textContent = t("lang");
    renderTiles();
  }
  function loadFields() {
    return hall.api("GET", "/fields", null, {token: TOKEN})
      .then(function (list) { fields = list; renderTiles(); });
  }
  function visibleFields() {
    var wanted = fold(query.trim());
    return fields.filter(function (f) { return !wanted || fold(f.name + " " + f.name_en + " " + f.code).indexOf(wanted) >= 0; });
  }
  function renderTiles() {
    var shown = visibleFields(), pages = Math.max(1, Math.ceil(shown.length / PER_PAGE));
    page = Math.min(page, pages - 1);
    var box = $("tiles");
    box.textContent = "";
    shown.slice(page * PER_PAGE, (page + 1) * PER_PAGE).forEach(function (field) {
      var tile = document.createElement("button");
      tile.type = "button"; tile.className = "tile"; tile.dataset.code = field.code; tile.setAttribute("role", "listitem");
      var name = lang === "en" && field.name_en ? field.name_en : field.name;
      var badge = field.icon || field.prefix || (field.block_start !== null ? "#" : field.code.charAt(0));
      tile.innerHTML = '<span class="badge"></span><span class="name"></span><span class="meta"></span>';
      tile.querySelector(".badge").textContent = badge;
      tile.querySelector(".name").textContent = name;
      var meta = tile.querySelector(".meta");
      if (field.state !== "open") {
        tile.disabled = true;
        meta.className = "reason";
        meta.textContent = t(field.state === "full" ? "full" : field.state === "outside_hours" ? "hours" : "closed");
      } else {
        meta.textContent = field.waiting + " " + t("waiting") +
          (field.waiting ? " · " + t("wait") + " " + minutes(field.estimated_wait_s) + " " + t("min") : "");
      }
      tile.addEventListener("click", function () { take(field, tile); });
      box.appendChild(tile);
    });
    $("page").textContent = t("page") + " " + (page + 1) + "/" + pages;
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
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
    busy = true;
    tile.classList.add("busy");
    var key = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    var body = {field: field.code};
    if (category) { body.priority_category = category; }
    send(body, key, 0, tile);
  }
  function send(body, key, attempt, tile) {
    hall.api("POST", "/tickets", body, {token: TOKEN}, {"Idempotency-Key": key}).then(function (ticket) {
      confirmTicket(ticket);
    }, function (error) {
      if (!error.status || error.status >= 500 || error.status === 429) { throw error; }  // retried
      finishTap(tile);
      showMessage(error.message || t("failed"));
      loadFields().catch(function () {});
    }).catch(function (error) {
      if (attempt >= 8) { finishTap(tile); showMessage(t("failed")); return; }
      var limited = error && error.status === 429;  // the same key again once the server says
      showMessage(t(limited ? "slow" : "retrying"));
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
    $("c-field").textContent = ticket.field.name;
    $("c-priority").hidden = !ticket.priority;
    $("c-ahead").textContent = t("ahead") + " " + ticket.waiting_ahead;
    $("c-wait").textContent = ticket.waiting_ahead ? t("expected") + " " + minutes(ticket.estimated_wait_s) + " " + t("min") : "";
    $("c-qr").src = ticket.track_url + "/qr.svg";
    var print = $("c-print");
    print.className = "print";
    currentJob = ticket.print ? ticket.print.job : null;
    if (!ticket.print) { print.textContent = t("noPrinter"); backAfter(BACK_AFTER_MS); return; }
    print.textContent = t("printing");
    print.dataset.status = "pending";
    printTimer = setTimeout(function () { printOutcome("failed"); }, PRINT_WAIT_MS);
    backAfter(BACK_AFTER_FAILED_PRINT_MS);
  }
  function printOutcome(status) {
    clearTimeout(printTimer);
    var print = $("c-print");
    print.dataset.status = status;
    if (status === "printed") {
      print.textContent = t("printed"); print.className = "print"; backAfter(BACK_AFTER_MS);
    } else {
      print.textContent = t("notPrinted"); print.className = "print failed"; backAfter(BACK_AFTER_FAILED_PRINT_MS);
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
    finishTap(document.querySelector(".tile.busy"));
    loadFields().catch(function () {});
  }
  function tick() {
    var now = new Date();
    $("clock").textContent = now.toLocaleTimeString("vi-VN", {hour: "2-digit", minute: "2-digit"}) + " · " +
      now.toLocaleDateString(lang === "vi" ? "vi-VN" : "en-GB", {weekday: "long", day: "2-digit", month: "2-digit", year: "numeric"});
  }
  $("lang").addEventListener("click", function () { lang = lang === "vi" ? "en" : "vi"; applyLanguage(); tick(); });
  $("search").addEventListener("input", function (e) { query = e.target.value; page = 0; renderTiles(); });
  $("prev").addEventListener("click", function () { page -= 1; renderTiles(); });
  $("next").addEventListener("click", function () { page += 1; renderTiles(); });
  $("done").addEventListener("click", backToStart);
  $("priority").addEventListener("click", function () {
    var open = $("categories").hidden;
    $("categories").hidden = !open;
    $("priority").setAttribute("aria-pressed", String(open || category !== null));
  });
  document.querySelectorAll(".category").forEach(function (button) {
    button.addEventListener("click", function () {
      category = category === button.dataset.key ? null : button.dataset.key;
      document.querySelectorAll(".category").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.key === category)); });
      $("priority").setAttribute("aria-pressed", String(category !== null));
    });
  });
  var socket = hall.live({token: TOKEN}, function (online) {
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
  applyLanguage(); tick(); setInterval(tick, 1000);
  loadFields().catch(function () { $("offline").hidden = false; });
})();
