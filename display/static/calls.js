/* Shared by the hall display and the door screen: config, clock, the live connection, and
   which calls are new. A call is keyed by ticket id and time; every key in a `state` snapshot
   counts as already seen, so a reconnect never replays old calls as new ones. */
(function () {
  "use strict";
  var config = JSON.parse(hall.$("config").textContent);
  var seen = new Set();
  /* The centre's date and time by the server's clock (hall.now), not this PC's. */
  function tick(dateEl, clockEl) {
    if (dateEl) dateEl.textContent = hall.dateText();
    if (clockEl) clockEl.textContent = hall.timeText(undefined, true);
  }

  function callKey(call) { return call.ticket.id + "|" + (call.at || ""); }

  function connect(handlers) {
    var offline = hall.$("offline");
    // The centre events this screen uses: the server sends it those alone, the waiting
    // counts inside each call, and a ticket's leaving its counter only when no call follows.
    var events = ["ticket.called", "fields.changed"].concat(
      ["ticket.updated", "counter.updated", "queue.changed"].filter(function (name) { return handlers[name]; }));
    var socket = hall.live({device: config.device, events: events},
                           function (online) { offline.hidden = online; });
    socket.on("state", function (state) {
      (state.recent || []).forEach(function (call) { seen.add(callKey(call)); });
      handlers.state(state);
    });
    socket.on("ticket.called", function (call) {
      var key = callKey(call), fresh = !seen.has(key);
      seen.add(key);
      handlers.called(call, fresh);
      // the waiting counts after the call come with it (no queue.changed follows)
      if (call.fields && handlers["queue.changed"]) handlers["queue.changed"]({fields: call.fields});
    });
    ["ticket.updated", "counter.updated", "queue.changed"].forEach(function (name) {
      if (handlers[name]) socket.on(name, handlers[name]);
    });
    // A field or counter was added or deleted in the administration: the board is rebuilt
    // from the hall as it is now, as after a reconnect.
    socket.on("fields.changed", function () {
      hall.api("GET", "/queue", null, {device: config.device}).then(function (state) {
        (state.recent || []).forEach(function (call) { seen.add(callKey(call)); });
        handlers.state(state);
      }, function () { /* the next event or reconnect catches up */ });
    });
    return socket;
  }

  /* Restart a CSS animation on an element (a new call, or a recall of the same number). */
  function flash(el, seconds) {
    el.classList.remove("flash");
    void el.offsetWidth;
    el.style.setProperty("--flash-n", String(Math.max(1, Math.round(seconds / 0.7))));
    el.classList.add("flash");
    clearTimeout(el._flashTimer);
    el._flashTimer = setTimeout(function () { el.classList.remove("flash"); }, seconds * 1000);
  }

  /* Fit a title on one line: the font shrinks from its CSS size until the text fits, down
     to `smallest` pixels; below that it may take a second line (never more). */
  function fitLine(el, smallest) {
    el.style.fontSize = "";
    el.classList.remove("two-lines");
    var size = parseFloat(getComputedStyle(el).fontSize);
    while (el.scrollWidth > el.clientWidth + 1 && size > smallest) {
      size = Math.max(smallest, size * 0.94);
      el.style.fontSize = size + "px";
    }
    if (el.scrollWidth > el.clientWidth + 1) el.classList.add("two-lines");
  }

  window.hallCalls = {config: config, connect: connect, tick: tick, flash: flash, callKey: callKey,
                      fitLine: fitLine};
})();
