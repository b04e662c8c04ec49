/* The counter-door screen: this counter's current number, huge, flashing on a new call. */
(function () {
  "use strict";
  var H = window.hallCalls, config = H.config, mine = config.counter.number;
  var $ = hall.$;
  var _ = hall.t;
  var STATE = {open: "", paused: _("Tạm dừng"), closed: _("Quầy đóng")};

  function show(ticket, state) {
    $("door-number").textContent = ticket ? ticket.number : "—";
    $("door-priority").hidden = !(ticket && ticket.priority);
    $("door-state").textContent = STATE[state] || "";
    document.body.dataset.state = state;
    // Only a counter with a rating tablet asks for a rating, while it serves someone.
    if ($("door-rate")) $("door-rate").hidden = !(ticket && state === "open");
  }

  var current = null, state = "closed";
  H.connect({
    state: function (snapshot) {
      snapshot.counters.forEach(function (c) {
        if (c.number === mine) { current = c.ticket; state = c.state; }
      });
      show(current, state);
    },
    called: function (call, fresh) {
      if (call.counter.number !== mine) return;
      current = call.ticket; state = "open";
      show(current, state);
      if (fresh) H.flash($("door-number"), config.settings.flash_s);
    },
    "ticket.updated": function (payload) {
      if (current && payload.ticket.id === current.id &&
          payload.ticket.status !== "called" && payload.ticket.status !== "serving") {
        current = null;
        show(current, state);
      }
    },
    "counter.updated": function (payload) {
      if (payload.counter.number !== mine) return;
      state = payload.counter.state; current = payload.counter.ticket;
      show(current, state);
    }
  });
})();
