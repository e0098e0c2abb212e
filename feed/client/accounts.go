package client

import (
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/weigong/weigong/catalog/wire"
)

// SignUp creates an account and returns it with its first token (use
// WithToken to call as it).
func (c *Client) SignUp(ctx context.Context, in wire.SignUp) (wire.Session, error) {
	var out wire.Session
	return out, c.do(ctx, http.MethodPost, "/v1/accounts", nil, in, &out)
}

// SignIn returns a new token for a handle and password.
func (c *Client) SignIn(ctx context.Context, handle, password string) (wire.Session, error) {
	var out wire.Session
	return out, c.do(ctx, http.MethodPost, "/v1/sessions", nil, wire.SignIn{Handle: handle, Password: password}, &out)
}

// SignOut revokes the client's session token.
func (c *Client) SignOut(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/v1/sessions/current", nil, nil, nil)
}

// Me returns the caller's account.
func (c *Client) Me(ctx context.Context) (wire.Account, error) {
	var out wire.Account
	return out, c.do(ctx, http.MethodGet, "/v1/me", nil, nil, &out)
}

// UpdateMe changes the caller's profile (IfMatch with its version).
func (c *Client) UpdateMe(ctx context.Context, p wire.ProfilePatch, opts ...Option) (wire.Account, error) {
	var out wire.Account
	return out, c.do(ctx, http.MethodPatch, "/v1/me", nil, p, &out, opts...)
}

// UploadImage uploads one photo (JPEG, PNG or WebP, at most 20 MiB and
// 50 megapixels) as a supplier.
func (c *Client) UploadImage(ctx context.Context, filename string, photo io.Reader, opts ...Option) (wire.Image, error) {
	pr, pw := io.Pipe()
	form := multipart.NewWriter(pw)
	go func() {
		part, err := form.CreateFormFile("image", filename)
		if err == nil {
			_, err = io.Copy(part, photo)
		}
		if err == nil {
			err = form.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := c.request(ctx, http.MethodPost, "/v1/images", nil, pr)
	if err != nil {
		pr.Close()
		return wire.Image{}, err
	}
	req.Header.Set("Content-Type", form.FormDataContentType())
	var out wire.Image
	return out, c.send(req, &out, opts...)
}

// Supplier returns a supplier's public account, by ID or handle.
func (c *Client) Supplier(ctx context.Context, idOrHandle string) (wire.Account, error) {
	var out wire.Account
	return out, c.do(ctx, http.MethodGet, "/v1/suppliers/"+pathEscape(idOrHandle), nil, nil, &out)
}

// SupplierMetrics returns a supplier's measured figures over its own
// orders of the last 90 days (API.md part 2, "Guarantees, measured
// trust"), by ID or handle; it needs no credential. Rates are nil below
// the number of orders due they need.
func (c *Client) SupplierMetrics(ctx context.Context, idOrHandle string) (wire.Metrics, error) {
	var out wire.Metrics
	return out, c.do(ctx, http.MethodGet, "/v1/suppliers/"+pathEscape(idOrHandle)+"/metrics", nil, nil, &out)
}

// SupplierCards returns a page of a supplier's channel, newest first.
func (c *Client) SupplierCards(ctx context.Context, supplierID string, p Page) (wire.List[wire.Card], error) {
	var out wire.List[wire.Card]
	return out, c.do(ctx, http.MethodGet, "/v1/suppliers/"+pathEscape(supplierID)+"/cards", p.query(nil), nil, &out)
}

// Follow follows a supplier and returns the state ("active" or "pending").
func (c *Client) Follow(ctx context.Context, supplierID string) (string, error) {
	var out wire.FollowState
	return out.State, c.do(ctx, http.MethodPut, "/v1/suppliers/"+pathEscape(supplierID)+"/follow", nil, nil, &out)
}

// Unfollow ends a follow.
func (c *Client) Unfollow(ctx context.Context, supplierID string) error {
	return c.do(ctx, http.MethodDelete, "/v1/suppliers/"+pathEscape(supplierID)+"/follow", nil, nil, nil)
}

// Following lists the suppliers a distributor follows.
func (c *Client) Following(ctx context.Context) ([]wire.Following, error) {
	var out wire.List[wire.Following]
	return out.Items, c.do(ctx, http.MethodGet, "/v1/me/following", nil, nil, &out)
}

// Followers returns a page of a supplier's followers in one state
// ("active", "pending" or "blocked").
func (c *Client) Followers(ctx context.Context, state string, p Page) (wire.List[wire.Follower], error) {
	var out wire.List[wire.Follower]
	return out, c.do(ctx, http.MethodGet, "/v1/me/followers", p.query(url.Values{"state": {state}}), nil, &out)
}

// UpdateFollower approves, blocks or sets the level of a follower.
func (c *Client) UpdateFollower(ctx context.Context, distributorID string, p wire.FollowerPatch, opts ...Option) (wire.Follower, error) {
	var out wire.Follower
	return out, c.do(ctx, http.MethodPatch, "/v1/me/followers/"+pathEscape(distributorID), nil, p, &out, opts...)
}
