// Package server is Weigong's HTTP layer: the fiber app, its middleware
// (request IDs, recovery, limits, authentication, rate limits, idempotency),
// one file of handlers per resource, the public HTML pages and the OpenAPI
// document. It translates HTTP to calls on the domain services and back; it
// holds no business rule of its own.
package server
