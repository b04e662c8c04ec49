/* Shared by every page (kiosk, tracking, hall display, door screen, console): `$` by id,
   `api()` for the REST API with the page's credentials, and the live Socket.IO connection
   with its offline mark. Loaded after socket.io.min.js, before the page's own script. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  /* fetch("/api/v1" + path); `auth` is {token} (a device's bearer token) or {csrf} (the
     console's login session). Resolves to the parsed body (null for 204); rejects with an
     Error carrying the API's error code, message and the HTTP status. */
  function api(method, path, body, auth, extraHeaders) {
    var headers = {"Accept": "application/json"};
    if (auth && auth.token) headers.Authorization = "Bearer " + auth.token;
    if (auth && auth.csrf) headers["X-CSRF-Token"] = auth.csrf;
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
          var error = new Error((data.error && data.error.message) || ("Lỗi " + response.status));
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
    var socket = io({auth: auth, transports: ["websocket"], reconnectionDelay: 500,
                     reconnectionDelayMax: 5000});
    socket.on("connect", function () { online(true); });
    socket.on("disconnect", function () { online(false); });
    socket.on("connect_error", function () { online(false); });
    Object.keys(handlers || {}).forEach(function (name) { socket.on(name, handlers[name]); });
    return socket;
  }

  window.hall = {$: $, api: api, live: live};
})();
