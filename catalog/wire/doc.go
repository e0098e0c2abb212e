// Package wire is the one home of the public API's JSON shapes (API.md):
// requests, responses, stream and webhook events, errors and the table
// between error codes and HTTP status. It imports nothing but the
// standard library, so that the Go client (feed/client) can use it
// without pulling in any server code, and the server, the stream encoder
// and the webhook sender use the same types, so the sides cannot drift.
//
// The catalog's view types are aliases of these where the shape has no
// domain behaviour (catalog.CardView is wire.Card). Shapes whose domain
// counterpart carries typed states with methods (orders, after-sales,
// accounts) are declared here with plain strings; a test in package
// catalog keeps each pair's JSON shape identical.
package wire
