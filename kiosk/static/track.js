// The citizen's phone page: live status of one ticket over Socket.IO (its own room only).
(function () {
  "use strict";
  var $ = hall.$, _ = hall.t;
  var token = document.body.dataset.token;
  var ticket = JSON.parse($("ticket-data").textContent);
  // {status: {vi, en}}, as hall.models.vocabulary says it to citizens
  var LABELS = JSON.parse($("labels").textContent).citizen_status;
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
  }
  function refresh() {
    fetch("/t/" + encodeURIComponent(token) + ".json", {cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) { if (t) { show(t); } })
      .catch(function () { /* offline: the socket's reconnect will bring us back */ });
  }
  show(ticket);
  hall.live({token: token}, function (online) {
    $("offline").hidden = online;
    if (online) { refresh(); }
  }, {
    "ticket.called": function (event) { show(event.ticket); if (event.recall) { alertCitizen(); } },
    "ticket.updated": function (event) { show(event.ticket); }
  });
  // Others being called do not reach this ticket's room: refresh the place in line now and then.
  setInterval(function () { if (ticket.status === "waiting") { refresh(); } }, 20000);
})();
