// Package catalog is the domain at the centre of Weigong: accounts, photos,
// product cards with their prices, the follow relationship between a
// distributor and a supplier, and the rules of who may see and do what.
//
// It imports no infrastructure (no HTTP, no database, no websocket): the
// stores it needs are interfaces declared here and implemented elsewhere
// (package storage), and the Service enforces every rule on top of them so
// that each surface (REST, websocket, share pages) gets the same answers.
//
// The most important rule lives in view.go: ViewCard is the single function
// that decides whether a caller sees a card's prices, and which ones.
package catalog
