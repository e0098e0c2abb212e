// Package web holds the phone web app: plain HTML, CSS and JavaScript modules embedded in the binary, served under /app/.
//
// There is no build step: the files under static/ are what the browser
// runs. static/index.html is the app shell, served for /app/; every other
// file is served by its name under /app/ (for example /app/app.js). The
// app talks only to the public API (API.md) with the wg_session cookie.
//
// static/favicon.ico is static/favicon.svg rendered by Chromium at 16, 32
// and 48 px, the three PNGs packed into one ICO; the server also serves it
// at /favicon.ico for clients that look there. Redo it when the SVG
// changes.
package web

import "embed"

// Files holds static/. static/index.html is the app shell, served for /app/.
//
//go:embed static
var Files embed.FS
