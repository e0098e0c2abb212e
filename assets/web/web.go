// Package web holds the phone web app: plain HTML, CSS and JavaScript modules embedded in the binary, served under /app/.
//
// There is no build step: the files under static/ are what the browser
// runs. static/index.html is the app shell, served for /app/; every other
// file is served by its name under /app/ (for example /app/app.js). The
// app talks only to the public API (API.md) with the wg_session cookie.
package web

import "embed"

// Files holds static/. static/index.html is the app shell, served for /app/.
//
//go:embed static
var Files embed.FS
