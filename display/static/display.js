/* The hall display: every counter's number, the newest call flashing, recent calls, waiting
   counts, the ticker; and the spoken calls, queued so that none cuts another. */
(function () {
  "use strict";
  var H = window.hallCalls, config = H.config, settings = config.settings;
  var shownCounters = config.shown.counters, shownFields = config.shown.fields;
  var $ = hall.$;
  var counters = new Map(), recent = [];
  var _ = hall.t;
  var STATE = {open: _("Đang mở"), paused: _("Tạm dừng"), closed: _("Đóng")};

  function shows(counterNumber) { return !shownCounters || shownCounters.indexOf(counterNumber) >= 0; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderBoard() {
    var board = $("board");
    board.textContent = "";
    Array.from(counters.values()).sort(function (a, b) { return a.number - b.number; })
      .forEach(function (c) {
        var tile = el("div", "tile " + c.state);
        tile.dataset.counter = c.number;
        tile.appendChild(el("p", "tile-name", _("Quầy {n}", {n: c.number})));
        var ticket = c.ticket;
        tile.appendChild(el("p", "tile-number", ticket ? ticket.number : "—"));
        if (ticket && ticket.priority) tile.appendChild(el("p", "priority", _("Ưu tiên")));
        tile.appendChild(el("p", "tile-state", c.state === "open" ? (ticket ? (ticket.field.name) : "")
                                                                  : STATE[c.state] || c.state));
        board.appendChild(tile);
      });
  }

  function renderRecent() {
    var list = $("recent");
    list.textContent = "";
    recent.slice(0, settings.recent).forEach(function (call) {
      var item = el("li", call.ticket.priority ? "priority-row" : "");
      item.appendChild(el("span", "r-number", call.ticket.number));
      item.appendChild(el("span", "r-arrow", "→"));
      item.appendChild(el("span", "r-counter", _("Quầy {n}", {n: call.counter.number})));
      list.appendChild(item);
    });
  }

  function renderWaiting(fields) {
    var box = $("waiting-box");
    box.hidden = !settings.show_waiting;
    if (!settings.show_waiting) return;
    var list = $("waiting");
    list.textContent = "";
    fields.forEach(function (f) {
      if (shownFields && shownFields.indexOf(f.code) < 0) return;
      var item = el("li");
      item.dataset.field = f.code;
      item.appendChild(el("span", "w-name", f.name || f.code));
      item.appendChild(el("span", "w-count", String(f.waiting)));
      list.appendChild(item);
    });
  }

  var fieldNames = {};
  function showNow(call) {
    $("now-number").textContent = call.ticket.number;
    $("now-counter").textContent = call.counter.number;
    $("now-field").textContent = call.ticket.field.name;
    $("now-priority").hidden = !call.ticket.priority;
    H.flash($("now"), settings.flash_s);
    var tile = document.querySelector('.tile[data-counter="' + call.counter.number + '"]');
    if (tile) H.flash(tile, settings.flash_s);
  }

  /* ---- speech: chime, then the call (repeated), one call at a time ---- */
  var player = $("player"), speech = [], speaking = false;
  var log = [];  // what was queued and how it went; the page tests read it
  window.hallDisplay = {log: log};

  function play(url) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("audio timeout")); }, 30000);
      player.onended = function () { clearTimeout(timer); resolve(); };
      player.onerror = function () { clearTimeout(timer); reject(new Error("audio error")); };
      player.src = url;
      var started = player.play();
      if (started && started.catch) started.catch(function (e) { clearTimeout(timer); reject(e); });
    });
  }

  function speakInBrowser(entry) {
    return fetch("/display/call.json?number=" + encodeURIComponent(entry.number) + "&counter=" + entry.counter,
                 {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error("call text " + r.status); return r.json(); })
      .then(function (body) {
        return body.texts.reduce(function (chain, part) {
          return chain.then(function () {
            return new Promise(function (resolve) {
              var u = new SpeechSynthesisUtterance(part.text);
              u.lang = part.lang === "vi" ? "vi-VN" : "en-US";
              var voice = speechSynthesis.getVoices().filter(function (v) { return v.lang.indexOf(u.lang.slice(0, 2)) === 0; })[0];
              if (voice) u.voice = voice;
              u.onend = resolve; u.onerror = resolve;
              speechSynthesis.speak(u);
            });
          });
        }, Promise.resolve());
      });
  }

  function say(entry) {
    var url = "/display/call.wav?number=" + encodeURIComponent(entry.number) + "&counter=" + entry.counter;
    var once = settings.voice === "browser" && window.speechSynthesis
      ? function () { return speakInBrowser(entry); }
      : function () { return play(url); };
    var chain = play("/display/chime.wav");
    for (var i = 0; i < settings.call_repeat; i++) {
      chain = chain.then(once);
    }
    return chain;
  }

  function pump() {
    if (speaking || !speech.length) return;
    var entry = speech.shift();
    speaking = true;
    entry.state = "playing";
    say(entry).then(function () { entry.state = "done"; }, function (e) {
      entry.state = "failed"; entry.error = String(e && e.message || e);
    }).then(function () { speaking = false; pump(); });
  }

  function enqueue(call) {
    var entry = {number: call.ticket.number, counter: call.counter.number, recall: call.recall,
                 state: "queued", at: Date.now()};
    log.push(entry);
    if (settings.voice === "off") { entry.state = "silent"; return; }
    speech.push(entry);
    pump();
  }

  /* ---- live updates ---- */
  H.connect({
    state: function (state) {
      counters = new Map();
      state.counters.forEach(function (c) { if (shows(c.number)) counters.set(c.number, c); });
      recent = state.recent.filter(function (call) { return shows(call.counter.number); });
      state.fields.forEach(function (f) { fieldNames[f.code] = f.name; });
      renderBoard(); renderRecent(); renderWaiting(state.fields);
      if (recent.length && $("now-number").textContent === "—") {
        var last = recent[0];
        $("now-number").textContent = last.ticket.number;
        $("now-counter").textContent = last.counter.number;
        $("now-field").textContent = last.ticket.field.name;
        $("now-priority").hidden = !last.ticket.priority;
      }
    },
    called: function (call, fresh) {
      if (!shows(call.counter.number)) return;
      var c = counters.get(call.counter.number);
      if (c) { c.ticket = call.ticket; if (c.state === "closed") c.state = "open"; }
      renderBoard();
      if (!fresh) return;
      recent.unshift(call);
      recent = recent.slice(0, 12);
      renderRecent();
      showNow(call);
      enqueue(call);
    },
    "ticket.updated": function (payload) {
      var t = payload.ticket;
      counters.forEach(function (c) {
        if (c.ticket && c.ticket.id === t.id) {
          c.ticket = (t.status === "called" || t.status === "serving") ? t : null;
        }
      });
      renderBoard();
    },
    "counter.updated": function (payload) {
      var c = payload.counter;
      if (!shows(c.number)) return;
      counters.set(c.number, c);
      renderBoard();
    },
    "queue.changed": function (payload) {
      renderWaiting(payload.fields.map(function (f) {
        return {code: f.code, name: fieldNames[f.code] || f.code, waiting: f.waiting};
      }));
    }
  });

  $("ticker-text").textContent = settings.ticker || "";
  $("ticker").hidden = !settings.ticker;
  H.tick($("date"), $("clock"));
  // the name takes what the date and clock leave: fitted once they are shown
  function fitHeader() { H.fitLine($("centre"), Math.max(16, window.innerHeight * 0.022)); }
  window.addEventListener("resize", fitHeader);
  fitHeader();
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fitHeader);
  setInterval(function () { H.tick($("date"), $("clock")); }, 1000);
})();
