/* Shared by every page (kiosk, tracking, hall display, door screen, console, admin): `$` by
   id, `api()` for the REST API with the page's credentials, the live Socket.IO connection
   with its offline mark, the page's language (`t()`), and the server's clock in the centre's
   time zone (`now()`, `today()`). Loaded after socket.io.min.js, before the page's own script. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  /* The page's data block (hall.web.i18n.page_data): language, the scripts' English
     catalogue, the server's clock and the centre's time zone. */
  var node = document.getElementById("hall-page");
  var page = node ? JSON.parse(node.textContent) : {};
  var english = page.messages || {};
  var lang = page.lang === "en" ? "en" : "vi";
  var offset = page.now ? page.now - Date.now() : 0;  // server minus this PC
  var zone = page.tz || "Asia/Ho_Chi_Minh";
  var listeners = [];

  /* A message in the page's language: the Vietnamese text is the key of the English
     catalogue; `{name}` places are filled from `values`. */
  function t(text, values) {
    var out = lang === "en" && english[text] ? english[text] : text;
    if (!values) return out;
    return out.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /* Switch the page's language on the spot: elements written with both() carry data-vi and
     data-en; scripts that draw text listen with onLanguage(). */
  function setLanguage(chosen) {
    lang = chosen === "en" ? "en" : "vi";
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-vi]").forEach(function (el) {
      var text = el.dataset[lang] || el.dataset.vi;
      if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") el.placeholder = text;
      else if (el.tagName === "IMG") el.alt = text;
      else if (el.hasAttribute("aria-label") && !el.textContent) el.setAttribute("aria-label", text);
      else el.textContent = text;
    });
    listeners.forEach(function (listener) { listener(lang); });
  }
  function onLanguage(listener) { listeners.push(listener); }
  function language() { return lang; }

  /* The server's time now (ms), whatever this PC's clock says; `sync(serverMs)` when the
     server tells the time again (the live connection's state snapshot). */
  function now() { return Date.now() + offset; }
  function sync(serverMs) { if (serverMs) offset = serverMs - Date.now(); }

  function N_(text) { return text; }  // marks a message for the catalogue; t() translates it
  var DAYS = [N_("Chủ nhật"), N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"), N_("Thứ Bảy")];
  var WEEKDAY = {Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6};
  var partsFormat = null;
  function parts(ms) {  // the wall clock of the centre's time zone at `ms`
    if (!partsFormat) {
      partsFormat = new Intl.DateTimeFormat("en-GB", {timeZone: zone, year: "numeric", month: "2-digit",
        day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short", hourCycle: "h23"});
    }
    var out = {};
    partsFormat.formatToParts(new Date(ms)).forEach(function (part) { out[part.type] = part.value; });
    return out;
  }
  /* "Thứ Hai, 30/11/2026" / "Monday, 30/11/2026" and "08:05" (with seconds when asked), in
     the centre's time zone, from the server's clock. */
  function dateText(ms) {
    var p = parts(ms === undefined ? now() : ms);
    return t(DAYS[WEEKDAY[p.weekday]]) + ", " + p.day + "/" + p.month + "/" + p.year;
  }
  /* The centre's service day now, "YYYY-MM-DD", by the server's clock. */
  function today() {
    var p = parts(now());
    return p.year + "-" + p.month + "-" + p.day;
  }
  function timeText(ms, seconds) {
    var p = parts(ms === undefined ? now() : ms);
    return p.hour + ":" + p.minute + (seconds ? ":" + p.second : "");
  }

  /* fetch("/api/v1" + path); `auth` is {device: "kiosk"} (a paired page: its cookie),
     {token} (a bearer token: the tracking page's) or {csrf} (the console's login session). Resolves to the parsed body (null for 204); rejects with an
     Error carrying the API's error code, message and the HTTP status. */
  function api(method, path, body, auth, extraHeaders) {
    var headers = {"Accept": "application/json", "Accept-Language": lang};
    if (auth && auth.token) headers.Authorization = "Bearer " + auth.token;
    if (auth && auth.csrf) headers["X-CSRF-Token"] = auth.csrf;
    if (auth && auth.device) headers["X-Hall-Device"] = auth.device;  // a paired page's cookie
    Object.keys(extraHeaders || {}).forEach(function (name) { headers[name] = extraHeaders[name]; });
    var options = {method: method, headers: headers, cache: "no-store", credentials: "same-origin"};
    if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch("/api/v1" + path, options).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error((data.error && data.error.message) || t(N_("Lỗi {status}"), {status: response.status}));
          error.code = data.error && data.error.code;
          error.status = response.status;
          error.retryAfter = Number(response.headers.get("Retry-After")) || null;  // 429, 503
          throw error;
        }
        return data;
      });
    });
  }

  /* The page's live connection: `auth` as the server expects it ({token}, {csrf}); `online`
     is called with true or false as the connection comes and goes; `handlers` maps event
     names to functions. */
  function live(auth, online, handlers) {
    // After a server restart every screen of a province reconnects: the first try comes
    // between 0.2 and 3.8 s (jittered), then further apart, so they do not all arrive at
    // once; a process that holds all the screens it can answers 503 and is tried again.
    var socket = io({auth: auth, transports: ["websocket"], reconnectionDelay: 2000,
                     randomizationFactor: 0.9, reconnectionDelayMax: 15000});
    socket.on("connect", function () { online(true); });
    socket.on("state", function (state) { if (state && state.now_ms) sync(state.now_ms); });
    socket.on("disconnect", function () { online(false); });
    socket.on("connect_error", function () { online(false); });
    Object.keys(handlers || {}).forEach(function (name) { socket.on(name, handlers[name]); });
    return socket;
  }

  window.hall = {$: $, api: api, live: live, t: t, setLanguage: setLanguage, onLanguage: onLanguage,
                 language: language, now: now, sync: sync, dateText: dateText, timeText: timeText,
                 today: today};
})();
