// The citizen's phone page: live status of one ticket over Socket.IO (its own room only).
(function () {
  "use strict";
  var $ = hall.$, _ = hall.t;
  var token = document.body.dataset.token;
  var ticket = JSON.parse($("ticket-data").textContent);
  // {status: {vi, en}}, as hall.models.vocabulary says it to citizens
  var LABELS = JSON.parse($("labels").textContent).citizen_status;
  // The rating offered once the service is done (the same scale and words as the counter's
  // tablet); the first rating wins, from here or the tablet, and the second is refused.
  var RATING = JSON.parse($("rating-data").textContent);
  var rated = RATING.rated, rateChosen = null, ratePicked = [], rateBusy = false;
  var SVG = "http://www.w3.org/2000/svg";
  var MOUTHS = {very_satisfied: "M28 58 Q50 86 72 58 Z", satisfied: "M31 61 Q50 77 69 61",
                neutral: "M33 66 L67 66", dissatisfied: "M31 73 Q50 55 69 73"};
  function svgNode(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }
  function face(level) {  // drawn, not an emoji: every phone shows it alike
    var svg = svgNode("svg", {viewBox: "0 0 100 100", "class": "face", "aria-hidden": "true", focusable: "false"});
    svg.appendChild(svgNode("circle", {cx: 50, cy: 50, r: 45, "class": "skin"}));
    svg.appendChild(svgNode("circle", {cx: 35, cy: 40, r: 6, "class": "eye"}));
    svg.appendChild(svgNode("circle", {cx: 65, cy: 40, r: 6, "class": "eye"}));
    if (level === "dissatisfied") { svg.appendChild(svgNode("path", {d: "M24 33 L40 27 M76 33 L60 27", "class": "brow"})); }
    svg.appendChild(svgNode("path", {d: MOUTHS[level] || MOUTHS.neutral, "class": "mouth"}));
    return svg;
  }
  function words(kind, key) {
    var pair = RATING.labels[kind][key];
    return pair ? pair[hall.language()] || pair.vi : key;
  }
  function renderRating() {
    var levels = $("rate-levels");
    levels.textContent = "";
    RATING.levels.forEach(function (level) {
      var button = document.createElement("button");
      button.type = "button"; button.className = "rate-level level-" + level; button.dataset.level = level;
      button.setAttribute("aria-pressed", "false");
      button.appendChild(face(level));
      var name = document.createElement("span");
      name.textContent = words("levels", level);
      button.appendChild(name);
      button.addEventListener("click", function () { chooseLevel(level); });
      levels.appendChild(button);
    });
    var reasons = $("rate-reasons");
    reasons.textContent = "";
    RATING.reasons.forEach(function (reason) {
      var button = document.createElement("button");
      button.type = "button"; button.className = "rate-reason"; button.dataset.reason = reason;
      button.setAttribute("aria-pressed", "false");
      button.textContent = words("reasons", reason);
      button.addEventListener("click", function () {
        var at = ratePicked.indexOf(reason);
        if (at >= 0) { ratePicked.splice(at, 1); } else { ratePicked.push(reason); }
        button.setAttribute("aria-pressed", String(at < 0));
      });
      reasons.appendChild(button);
    });
  }
  function chooseLevel(level) {
    if (rateBusy) { return; }
    rateChosen = level;
    document.querySelectorAll(".rate-level").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.level === level)); });
    if (RATING.ask_why.indexOf(level) >= 0) { $("rate-why").hidden = false; } else { sendRating(); }
  }
  function rateOutcome(text) {
    rated = true;
    $("rate").hidden = true;
    $("rate-done").textContent = text; $("rate-done").hidden = false;
  }
  function sendRating() {
    if (rateBusy || !rateChosen) { return; }
    rateBusy = true;
    var body = {ticket: ticket.id, level: rateChosen, reasons: ratePicked.slice(),
                comment: $("rate-why").hidden ? "" : $("rate-comment").value};
    hall.api("POST", "/ratings", body, {token: token}).then(function () {
      rateOutcome(_("Cảm ơn quý khách đã đánh giá."));
    }, function (error) {
      if (error.code === "already_rated") { rateOutcome(_("Số này đã được đánh giá")); return; }
      $("rate-done").textContent = error.status ? error.message : _("Chưa gửi được đánh giá. Xin chạm lại.");
      $("rate-done").hidden = false;
    }).then(function () { rateBusy = false; });
  }
  function offerRating() {
    $("rate").hidden = !(ticket.status === "done" && !rated);
  }
  function minutes(seconds) {
    return seconds == null ? "–" : _("khoảng {m} phút", {m: Math.max(1, Math.ceil(seconds / 60))});
  }
  function alertCitizen() {
    if (navigator.vibrate) { navigator.vibrate([300, 150, 300, 150, 600]); }
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator(); tone.frequency.value = 880;
      tone.connect(audio.destination); tone.start(); tone.stop(audio.currentTime + 0.6);
    } catch (e) { /* sound needs a tap first on some phones */ }
  }
  // The papers to bring for the procedure the ticket names (the kiosk's choice, or the
  // officer's): a checklist the citizen ticks off, kept on this phone.
  var papersFor = null;
  function ticked() {
    try { return JSON.parse(localStorage.getItem("hall-papers-" + ticket.id + "-" + papersFor) || "[]"); }
    catch (e) { return []; }
  }
  function tick(index, on) {
    var list = ticked().filter(function (i) { return i !== index; });
    if (on) { list.push(index); }
    try { localStorage.setItem("hall-papers-" + ticket.id + "-" + papersFor, JSON.stringify(list)); }
    catch (e) { /* private browsing: the ticks last as long as the page */ }
  }
  function showPapers(procedure) {
    var box = $("papers-list"), done = ticked();
    box.textContent = "";
    procedure.papers.forEach(function (paper, index) {
      var item = document.createElement("li");
      item.innerHTML = '<label><input type="checkbox"><span><span class="paper-name"></span><span class="paper-kind"></span></span></label>';
      var check = item.querySelector("input");
      check.checked = done.indexOf(index) >= 0;
      check.addEventListener("change", function () { tick(index, check.checked); });
      item.querySelector(".paper-name").textContent = paper.name;
      item.querySelector(".paper-kind").textContent = (paper.original ? _("Bản chính") : _("Bản sao")) +
        " · " + _("{n} bản", {n: paper.copies});
      box.appendChild(item);
    });
    $("papers").hidden = !procedure.papers.length;
  }
  function followProcedure() {
    var named = ticket.procedure;
    $("procedure").hidden = !named;
    $("procedure").textContent = !named ? "" : hall.language() === "en" && named.name_en ? named.name_en : named.name;
    var id = named ? named.id : null;
    if (id === papersFor) { return; }
    papersFor = id;
    if (id === null) { $("papers").hidden = true; return; }
    hall.api("GET", "/procedures/" + id, null, {token: token}).then(function (procedure) {
      if (papersFor === procedure.id) { showPapers(procedure); }
    }, function () { /* no list to show: the officer will say */ });
  }
  function show(next) {
    var wasCalled = ticket.status === "called";
    ticket = next;
    var label = LABELS[ticket.status] || {vi: ticket.status, en: ticket.status};
    $("status").textContent = label[hall.language()];
    $("number").textContent = ticket.number;
    $("field").textContent = hall.language() === "en" && ticket.field.name_en ? ticket.field.name_en : ticket.field.name;
    $("card").className = "status-" + ticket.status;
    var waiting = ticket.status === "waiting";
    $("waiting").hidden = !waiting;
    $("ahead").textContent = waiting ? ticket.waiting_ahead : "–";
    $("wait").textContent = minutes(ticket.estimated_wait_s);
    var called = ticket.status === "called" || ticket.status === "serving";
    $("called").hidden = !called;
    $("counter").textContent = ticket.counter || "";
    if (ticket.status === "called" && !wasCalled) { alertCitizen(); }
    offerRating();
    followProcedure();
  }
  // A refresh that an event overtook would show the ticket as it was: it is dropped.
  var heard = 0;
  function refresh() {
    var asked = heard;
    fetch("/t/" + encodeURIComponent(token) + ".json", {cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) { if (t && heard === asked) { show(t); } })
      .catch(function () { /* offline: the socket's reconnect will bring us back */ });
  }
  renderRating();
  $("rate-send").addEventListener("click", sendRating);
  show(ticket);
  hall.live({token: token}, function (online) {
    $("offline").hidden = online;
    if (online) { refresh(); }
  }, {
    "ticket.called": function (event) { heard += 1; show(event.ticket); if (event.recall) { alertCitizen(); } },
    "ticket.updated": function (event) { heard += 1; show(event.ticket); }
  });
  // Others being called do not reach this ticket's room: refresh the place in line now and then.
  setInterval(function () { if (ticket.status === "waiting") { refresh(); } }, 20000);
})();
