// The pages' own JavaScript (plain browser scripts, no build step): `make lint` runs this.
"use strict";
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  js.configs.recommended,
  {
    files: ["hall/static/*.js", "kiosk/static/*.js", "display/static/*.js", "counter/static/*.js",
            "office/static/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: {...globals.browser, io: "readonly", hall: "readonly"},
    },
    rules: {"no-unused-vars": ["error", {args: "none", caughtErrors: "none"}]},
  },
];
