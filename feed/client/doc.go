// Package client is the Go client of the Weigong API (API.md), for apps
// that embed the feed: typed calls for the whole API, a feed subscription
// over the websocket that reconnects and resumes, and a verifier for the
// webhooks the server signs.
//
//	c := client.New("https://wg.example.com", os.Getenv("WEIGONG_KEY"))
//	card, err := c.CreateCard(ctx, wire.CardInput{...}, client.IdempotencyKey("post-42"))
//	var apiErr *client.Error
//	if errors.As(err, &apiErr) && apiErr.Code == wire.Conflict { ... }
//
//	err = c.Subscribe(ctx, client.SubscribeOptions{After: saved}, func(ev wire.Event) error {
//		if ev.Type == wire.TypeResync { return reloadFeed() }
//		return store(ev) // then save ev.Cursor
//	})
//
// The request and reply shapes are those of package catalog/wire, which
// the server encodes with too. The package pulls in no server code: its
// only dependencies outside the standard library are catalog/wire and
// gorilla/websocket (a test checks the list).
package client
