package wire

import "time"

// Share is a distributor's reshare link (API.md "Reshare"); prices in fen.
type Share struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	CollageURL string    `json:"collage_url"`
	CardID     string    `json:"card_id"`
	Text       string    `json:"text"`
	Price      int64     `json:"price"`
	CopyText   string    `json:"copy_text"`
	ImageURLs  []string  `json:"image_urls"`
	CreatedAt  time.Time `json:"created_at"`
	Views      int64     `json:"views"`
	Orders     int64     `json:"orders"`
	Sales      int64     `json:"sales"`
	// Watermark says the share's photos and collage carry the
	// distributor's handle in a corner.
	Watermark bool `json:"watermark"`
}

// ShareInput is the body of POST /v1/shares.
type ShareInput struct {
	CardID    string  `json:"card_id"`
	Text      *string `json:"text,omitempty"`
	Price     *int64  `json:"price,omitempty"`
	Watermark bool    `json:"watermark,omitempty"`
}

// PublicShare is the data of a public share page as JSON, for embedding
// (GET /v1/public/shares/{id}): the card as anyone may see it (no cost
// price), the distributor's price in fen and its public contact. URLs are
// absolute, so a page on another origin can show them.
type PublicShare struct {
	ID          string            `json:"id"`
	URL         string            `json:"url"`
	CollageURL  string            `json:"collage_url"`
	Text        string            `json:"text"`
	Price       int64             `json:"price"`
	Card        Card              `json:"card"`
	Distributor PublicDistributor `json:"distributor"`
}

// PublicDistributor is what a share page shows of the distributor.
type PublicDistributor struct {
	Handle  string `json:"handle"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
}
