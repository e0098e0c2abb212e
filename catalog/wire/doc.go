// Package wire is the one home of the public API's JSON shapes (API.md):
// requests, responses, stream and webhook events, errors and the table
// between error codes and HTTP status. It imports nothing but the
// standard library, so that the Go client (feed/client) can use it
// without pulling in any server code, and the server, the stream encoder
// and the webhook sender use the same types, so the sides cannot drift.
//
// Each shape is declared here once. The catalog's views and inputs are
// aliases of these (catalog.CardView is wire.Card, catalog.OrderInput is
// wire.OrderInput); where the domain keeps a typed state with behaviour
// (catalog.OrderState and its Ended), the shape carries it as a plain
// string and the catalog converts when it renders a view or reads an
// input. TestWire_OnlyHome fails on a JSON-tagged struct declared
// anywhere else in the module (storage's on-disk records aside), and the
// server's OpenAPI test checks these types against the published schemas.
package wire
