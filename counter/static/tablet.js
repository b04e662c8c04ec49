// The counter's rating tablet: waits with a greeting, asks when the officer finishes a ticket
// (rating.requested), one tap for a satisfied citizen, reasons and a comment typed on a
// Vietnamese on-screen keyboard for a low level, then thanks and back to waiting.
(function () {
  "use strict";
  var AUTH = {device: "tablet"};  // the pairing cookie; the page never holds the token
  var ASK_MS = 30000, THANKS_MS = 5000, NOTICE_MS = 5000;
  var $ = hall.$, _ = hall.t;
  var config = JSON.parse($("tablet-config").textContent);
  var LABELS = config.labels;
  var counter = config.counter;
  var FRESH_MS = (config.fresh_s || 60) * 1000;

  var phase = "idle";        // idle | ask | why | typing | sending | thanks | notice
  var request = null;        // the rating.requested payload being asked
  var chosen = null, picked = [], comment = "", failedOnce = false;
  var queued = null;         // a request that came while a rating was being sent
  var seen = {};             // tickets this page has asked about already
  var timer = null, messageTimer = null, shift = false;

  function label(kind, key) {
    var words = LABELS[kind][key];
    return words ? words[hall.language()] || words.vi : key;
  }

  // ---- Faces: drawn as SVG, no emoji font needed ----
  var SVG = "http://www.w3.org/2000/svg";
  var MOUTHS = {
    very_satisfied: "M28 58 Q50 86 72 58 Z",
    satisfied: "M31 61 Q50 77 69 61",
    neutral: "M33 66 L67 66",
    dissatisfied: "M31 73 Q50 55 69 73"
  };
  function svgNode(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }
  function face(level) {
    var svg = svgNode("svg", {viewBox: "0 0 100 100", "class": "face", "aria-hidden": "true", focusable: "false"});
    svg.appendChild(svgNode("circle", {cx: 50, cy: 50, r: 45, "class": "skin"}));
    svg.appendChild(svgNode("circle", {cx: 35, cy: 40, r: 6, "class": "eye"}));
    svg.appendChild(svgNode("circle", {cx: 65, cy: 40, r: 6, "class": "eye"}));
    if (level === "dissatisfied") {
      svg.appendChild(svgNode("path", {d: "M24 33 L40 27 M76 33 L60 27", "class": "brow"}));  // sad, not angry
    }
    svg.appendChild(svgNode("path", {d: MOUTHS[level] || MOUTHS.neutral, "class": "mouth"}));
    return svg;
  }

  // ---- Vietnamese typing: letters, the shaped vowels as keys, and five tone keys ----
  var TONES = {sac: "\u0301", huyen: "\u0300", hoi: "\u0309", nga: "\u0303", nang: "\u0323"};
  var TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
  var SHAPED = "ăâêôơư";
  function plain(ch) {  // the vowel without its tone, keeping ă â ê ô ơ ư
    return ch.normalize("NFD").replace(TONE_MARKS, "").normalize("NFC");
  }
  function toneOf(ch) {
    var found = ch.normalize("NFD").match(TONE_MARKS);
    return found ? found[0] : "";
  }
  function isVowel(ch) { return "aăâeêioôơuưy".indexOf(plain(ch).toLowerCase()) >= 0; }
  function isLetter(ch) { return /\p{L}/u.test(ch); }
  /* The text with `tone` (a key of TONES) put on the vowel of its last word that carries it
     in Vietnamese spelling: a shaped vowel (ê, ơ, ô …) first ("người", "muộn"), else the last
     vowel of the group when a consonant follows ("toán"), else the only one, or the first of
     two ("mùa", "hỏi") and the middle of three ("ngoài"); "qu" and "gi" count as consonants
     ("quá", "giữa"). Any earlier tone on the group is replaced; the same tone again takes it
     off. Nothing happens when the last word has no vowel. The result is NFC. */
  function applyTone(text, tone) {
    var mark = TONES[tone];
    var chars = Array.from(text.normalize("NFC"));
    var end = chars.length, start = end;
    while (start > 0 && isLetter(chars[start - 1])) { start -= 1; }
    var last = -1;
    for (var i = end - 1; i >= start; i -= 1) { if (isVowel(chars[i])) { last = i; break; } }
    if (!mark || last < 0) { return chars.join(""); }
    var first = last;
    while (first - 1 >= start && isVowel(chars[first - 1])) { first -= 1; }
    var before = first > start ? plain(chars[first - 1]).toLowerCase() : "";
    var group = [];
    for (var j = first; j <= last; j += 1) { group.push(j); }
    if (group.length > 1 && before === "q" && plain(chars[group[0]]).toLowerCase() === "u") { group.shift(); }
    if (group.length > 1 && before === "g" && plain(chars[group[0]]).toLowerCase() === "i") { group.shift(); }
    var target = -1;
    group.forEach(function (k) { if (SHAPED.indexOf(plain(chars[k]).toLowerCase()) >= 0) { target = k; } });
    if (target < 0) {
      if (last < end - 1) { target = group[group.length - 1]; }
      else if (group.length === 3) { target = group[1]; }
      else { target = group[0]; }
    }
    var had = toneOf(chars[target]);
    group.forEach(function (k) { chars[k] = plain(chars[k]); });
    if (had !== mark) { chars[target] = (chars[target].normalize("NFD") + mark).normalize("NFC"); }
    return chars.join("");
  }

  var ROWS = [
    "1234567890".split(""),
    "qwertyuiop".split(""),
    "asdfghjkl".split("").concat(["back"]),
    ["shift"].concat("zxcvbnm,.".split("")),
    "ăâđêôơư".split(""),
    ["sac", "huyen", "hoi", "nga", "nang", "space"]
  ];
  var TONE_WORDS = {sac: "sắc", huyen: "huyền", hoi: "hỏi", nga: "ngã", nang: "nặng"};
  function buildKeyboard() {
    var box = $("keyboard");
    box.textContent = "";
    ROWS.forEach(function (row) {
      var line = document.createElement("div");
      line.className = "krow";
      row.forEach(function (key) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "key";
        button.dataset.key = key;
        if (TONES[key]) {
          button.classList.add("tone");
          var mark = document.createElement("span");
          mark.className = "mark"; mark.textContent = "dấu";  // the tone's own name shows its mark
          var word = document.createElement("span");
          word.className = "word"; word.textContent = TONE_WORDS[key];
          button.appendChild(mark); button.appendChild(document.createTextNode(" ")); button.appendChild(word);
        } else if (key === "back") {
          button.classList.add("wide"); button.textContent = "\u232b";
        } else if (key === "shift") {
          button.classList.add("wide"); button.textContent = "\u21e7";
        } else if (key === "space") {
          button.classList.add("space");
        } else {
          button.textContent = key;
        }
        line.appendChild(button);
      });
      box.appendChild(line);
    });
    labelKeyboard();
  }
  function labelKeyboard() {
    $("keyboard").setAttribute("aria-label", _("Bàn phím tiếng Việt"));
    document.querySelectorAll(".key").forEach(function (button) {
      var key = button.dataset.key;
      if (TONES[key]) { return; }  // "dấu sắc" …: its visible words are its name
      if (key === "back") { button.setAttribute("aria-label", _("Xóa")); }
      else if (key === "shift") { button.setAttribute("aria-label", _("Chữ hoa")); button.setAttribute("aria-pressed", String(shift)); }
      else if (key === "space") { button.textContent = _("Dấu cách"); }
      else { button.textContent = shift ? key.toUpperCase() : key; }
    });
  }
  function press(key) {
    var next = comment;
    if (TONES[key]) { next = applyTone(comment, key); }
    else if (key === "back") { next = Array.from(comment).slice(0, -1).join(""); }
    else if (key === "shift") { shift = !shift; labelKeyboard(); return; }
    else if (key === "space") { next = comment + " "; }
    else {
      next = comment + (shift ? key.toUpperCase() : key);
      if (shift) { shift = false; labelKeyboard(); }
    }
    next = next.normalize("NFC");
    if (Array.from(next).length > config.comment_max) { return; }
    comment = next;
    showComment();
  }
  function showComment() {
    $("comment").value = comment;
    $("comment-preview").textContent = comment || _("Chạm vào đây để viết");
    $("count").textContent = Array.from(comment).length + "/" + config.comment_max;
  }

  // ---- Screens ----
  function screen(id) {
    ["idle", "ask", "why", "typing", "thanks", "notice"].forEach(function (name) { $(name).hidden = name !== id; });
  }
  function later(ms, then) { clearTimeout(timer); timer = setTimeout(then, ms); }
  function showOfficer() {
    var officer = counter.officer;
    var open = counter.state !== "closed" && officer;
    $("officer").textContent = open ? _("Cán bộ: {name}", {name: officer.full_name || officer.username})
                                    : _("Quầy chưa mở");
    $("officer").classList.toggle("closed", !open);
    $("counter-name").textContent = counter.name;
    $("idle-counter").textContent = counter.name;
  }
  function toIdle() {
    clearTimeout(timer);
    phase = "idle"; request = null; chosen = null; picked = []; comment = ""; failedOnce = false;
    $("message").hidden = true;
    if (hall.language() !== "vi") { hall.setLanguage("vi"); }
    showOfficer();
    screen("idle");
  }
  function fresh(payload) {
    var at = payload && payload.at ? Date.parse(payload.at) : NaN;
    return isNaN(at) || hall.now() - at <= FRESH_MS;
  }
  function ask(payload) {
    request = payload; chosen = null; picked = []; comment = ""; failedOnce = false;
    seen[payload.ticket.id] = true;
    phase = "ask";
    $("message").hidden = true;
    $("ask-number").textContent = payload.ticket.number;
    renderLevels();
    screen("ask");
    later(ASK_MS, toIdle);  // nobody chose: nothing is stored
  }
  function levelsOf() { return (request && request.levels) || config.levels; }
  function renderLevels() {
    var box = $("levels");
    var levels = levelsOf();
    box.textContent = "";
    box.dataset.count = String(levels.length);
    levels.forEach(function (level) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "level level-" + level;
      button.dataset.level = level;
      button.appendChild(face(level));
      var words = document.createElement("span");
      words.className = "words";
      words.textContent = label("levels", level);
      button.appendChild(words);
      button.addEventListener("click", function () { choose(level); });
      box.appendChild(button);
    });
  }
  function choose(level) {
    if (phase !== "ask") { return; }
    chosen = level;
    if (config.ask_why.indexOf(level) >= 0) { showWhy(); }
    else { send(); }
  }
  function showWhy() {
    phase = "why";
    renderReasons();
    showComment();
    screen("why");
    later(ASK_MS, send);  // a level was chosen: it is kept with whatever reasons were picked
  }
  function renderReasons() {
    var box = $("reasons");
    box.textContent = "";
    config.reasons.forEach(function (reason) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "reason";
      button.dataset.reason = reason;
      button.setAttribute("aria-pressed", String(picked.indexOf(reason) >= 0));
      button.textContent = label("reasons", reason);
      button.addEventListener("click", function () {
        var at = picked.indexOf(reason);
        if (at >= 0) { picked.splice(at, 1); } else { picked.push(reason); }
        button.setAttribute("aria-pressed", String(at < 0));
      });
      box.appendChild(button);
    });
  }
  function showTyping() {
    phase = "typing";
    showComment();
    screen("typing");
    later(ASK_MS, send);
  }
  function send() {
    if (!request || !chosen || phase === "sending") { return; }
    clearTimeout(timer);
    var was = phase;
    phase = "sending";
    var asked = request;
    var body = {ticket: asked.ticket.id, level: chosen, reasons: picked.slice(), comment: comment};
    document.querySelectorAll(".level").forEach(function (b) { b.classList.toggle("chosen", b.dataset.level === chosen); });
    hall.api("POST", "/ratings", body, AUTH).then(function () {
      if (!takeQueued()) { thanks(); }
    }, function (error) {
      if (takeQueued()) { return; }
      if (error.code === "already_rated") {
        if (failedOnce) { thanks(); } else { notice(_("Số này đã được đánh giá")); }  // after a lost answer: ours
      } else if (!error.status || error.status >= 500) {
        failedOnce = true;
        phase = was;  // the same tap (or Send) may be tried again
        showMessage(_("Chưa gửi được đánh giá. Xin chạm lại."));
        later(ASK_MS, toIdle);
      } else {
        notice(error.message);
      }
    });
  }
  function takeQueued() {
    if (!queued) { return false; }
    var next = queued;
    queued = null;
    ask(next);
    return true;
  }
  function thanks() {
    phase = "thanks";
    screen("thanks");
    later(THANKS_MS, toIdle);
  }
  function notice(text) {
    phase = "notice";
    $("notice-text").textContent = text;
    screen("notice");
    later(NOTICE_MS, toIdle);
  }
  function showMessage(text) {
    $("message").textContent = text; $("message").hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(function () { $("message").hidden = true; }, 6000);
  }
  function requested(payload) {
    if (!payload || !payload.ticket || !fresh(payload)) { return; }
    if (phase === "sending") { queued = payload; seen[payload.ticket.id] = true; return; }
    ask(payload);  // a newer request replaces whatever was shown
  }
  /* On every (re)connect the server says what this tablet should be asking now: the newest
     ticket its counter finished in the last minute and nobody rated, or null. */
  function fromState(state) {
    (state.counters || []).forEach(function (c) { if (c.number === counter.number) { updateCounter(c); } });
    var pending = state.rating_request;
    var asking = phase === "ask" || phase === "why" || phase === "typing";
    if (pending && !seen[pending.ticket.id] && fresh(pending)) {
      if (phase !== "sending") { ask(pending); }
    } else if (!pending && phase === "ask") {
      toIdle();  // rated elsewhere meanwhile, or too old: nothing to ask any more
    } else if (pending && asking && request && pending.ticket.id !== request.ticket.id && fresh(pending)) {
      ask(pending);
    }
  }
  function updateCounter(given) {
    counter = {number: given.number, name: given.name, state: given.state, officer: given.officer};
    if (phase === "idle") { showOfficer(); }
    else { $("counter-name").textContent = counter.name; $("idle-counter").textContent = counter.name; }
  }
  function tick() { $("clock").textContent = hall.timeText() + " · " + hall.dateText(); }

  // Any touch while asking gives the citizen another half minute.
  document.addEventListener("pointerdown", function () {
    if (phase === "ask") { later(ASK_MS, toIdle); }
    else if (phase === "why" || phase === "typing") { later(ASK_MS, send); }
  }, true);
  $("lang").addEventListener("click", function () { hall.setLanguage(hall.language() === "vi" ? "en" : "vi"); });
  hall.onLanguage(function () {
    $("lang").textContent = hall.language() === "vi" ? "English" : "Tiếng Việt";
    if (phase === "ask" || phase === "sending") { renderLevels(); }
    if (phase === "why") { renderReasons(); }
    labelKeyboard(); showComment(); tick();
    if (phase === "idle") { showOfficer(); }
  });
  $("why-back").addEventListener("click", function () {
    chosen = null; phase = "ask"; renderLevels(); screen("ask"); later(ASK_MS, toIdle);
  });
  $("send").addEventListener("click", send);
  $("comment-open").addEventListener("click", showTyping);
  $("typing-done").addEventListener("click", showWhy);
  $("keyboard").addEventListener("click", function (event) {
    var key = event.target.closest(".key");
    if (key) { press(key.dataset.key); }
  });

  buildKeyboard();
  hall.setLanguage("vi");
  toIdle();
  setInterval(tick, 1000);
  tick();
  hall.live(AUTH, function (online) { $("offline").hidden = online; }, {
    "state": fromState,
    "rating.requested": requested,
    "counter.updated": function (event) { if (event.counter && event.counter.number === counter.number) { updateCounter(event.counter); } }
  });
  window.hallTablet = {applyTone: applyTone, phase: function () { return phase; }};
})();
