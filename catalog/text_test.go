package catalog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weigong/weigong/catalog"
	"github.com/weigong/weigong/storage"
)

// textService is a catalog service over a real bbolt file, with one
// supplier and one of its images, for the text rules of every field.
type textService struct {
	svc      *catalog.Service
	supplier catalog.Account
	imageID  string
	signUps  int
}

func newTextService(t *testing.T) *textService {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "weigong.db"))
	if err != nil {
		t.Fatalf("storage.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("Check: %v", err)
		}
		db.Close()
	})
	svc := catalog.NewService(catalog.Stores{Units: db, Accounts: db, Sessions: db, Images: db, Cards: db, Follows: db, Orders: db})
	ctx := context.Background()
	sup, _, err := svc.SignUp(ctx, catalog.SignUpInput{Role: string(catalog.RoleSupplier), Handle: "text_sup", Password: "password123", Name: "Sup"})
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	img, err := svc.NewImage(sup)
	if err != nil {
		t.Fatal(err)
	}
	img.Width, img.Height = 360, 360
	if _, _, err := svc.SaveImage(ctx, img); err != nil {
		t.Fatal(err)
	}
	return &textService{svc: svc, supplier: sup, imageID: img.ID}
}

// write stores value in the named field through the service's own use
// case (sign-up, profile patch, card create or card patch).
func (ts *textService) write(field, value string) error {
	ctx := context.Background()
	price := func(v int64) *int64 { return &v }
	card := func(title, desc string, tags []string) catalog.CardInput {
		return catalog.CardInput{Title: &title, Description: &desc, Tags: &tags, ImageIDs: &[]string{ts.imageID},
			CostPrice: price(1000), RetailPrice: price(2000)}
	}
	switch field {
	case "handle":
		_, _, err := ts.svc.SignUp(ctx, catalog.SignUpInput{Role: string(catalog.RoleDistributor), Handle: value, Password: "password123", Name: "n"})
		return err
	case "name (sign-up)":
		ts.signUps++ // a fresh handle each time, so only the name can be refused
		handle := fmt.Sprintf("text_dist_%d", ts.signUps)
		_, _, err := ts.svc.SignUp(ctx, catalog.SignUpInput{Role: string(catalog.RoleDistributor), Handle: handle, Password: "password123", Name: value})
		return err
	case "name", "bio", "contact":
		in := catalog.ProfileInput{}
		*map[string]**string{"name": &in.Name, "bio": &in.Bio, "contact": &in.Contact}[field] = &value
		_, err := ts.svc.UpdateProfile(ctx, ts.supplier, in)
		return err
	case "title":
		_, err := ts.svc.CreateCard(ctx, ts.supplier, card(value, "d", nil))
		return err
	case "description":
		_, err := ts.svc.CreateCard(ctx, ts.supplier, card("t", value, nil))
		return err
	case "tag":
		_, err := ts.svc.CreateCard(ctx, ts.supplier, card("t", "d", []string{value}))
		return err
	}
	panic("unknown field " + field)
}

// textFields are the fields a caller writes free text into, with the name
// the error message must use.
var textFields = map[string]string{
	"name (sign-up)": "name", "name": "name", "bio": "bio", "contact": "contact",
	"title": "title", "description": "description", "tag": "tag",
}

// TestService_TextFields_RefuseControls ensures every free-text field
// refuses, with an Invalid error that names the field and the character,
// each kind of invisible control an attacker could hide in text: C0
// controls other than newline and tab, DEL, C1 controls, and the bidi
// embedding, override and isolate characters that reorder what a reader
// sees (Trojan Source, CVE-2021-42574). Handles refuse them too.
func TestService_TextFields_RefuseControls(t *testing.T) {
	ts := newTextService(t)
	rules := map[string][]rune{
		"C0 controls":        {0x00, 0x01, 0x07, 0x08, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F},
		"DEL":                {0x7F},
		"C1 controls":        {0x80, 0x85, 0x9B, 0x9F},
		"bidi embeddings":    {0x202A, 0x202B},
		"bidi pop":           {0x202C},
		"bidi overrides":     {0x202D, 0x202E},
		"bidi isolates":      {0x2066, 0x2067, 0x2068},
		"bidi isolate close": {0x2069},
	}
	for rule, runes := range rules {
		t.Run(rule, func(t *testing.T) {
			for field, named := range textFields {
				for _, r := range runes {
					value := "ab" + string(r) + "cd"
					err := ts.write(field, value)
					if catalog.ErrorCode(err) != catalog.Invalid {
						t.Errorf("%s with %U: err = %v, want Invalid", field, r, err)
						continue
					}
					msg := catalog.ErrorMessage(err)
					if !strings.HasPrefix(msg, named+" ") || !strings.Contains(msg, fmt.Sprintf("%U", r)) {
						t.Errorf("%s with %U: message %q does not name the field and the character", field, r, msg)
					}
				}
			}
			for _, r := range runes {
				if err := ts.write("handle", "ab"+string(r)+"cd"); catalog.ErrorCode(err) != catalog.Invalid {
					t.Errorf("handle with %U: err = %v, want Invalid", r, err)
				}
			}
		})
	}
}

// TestService_TextFields_AcceptRealText ensures the rule refuses only
// controls: newlines and tabs, Chinese, right-to-left scripts, emoji with
// joiners and skin tones, flags, combining marks and the bidi marks that
// carry no override (LRM, RLM, ALM) are all accepted.
func TestService_TextFields_AcceptRealText(t *testing.T) {
	ts := newTextService(t)
	values := map[string]string{
		"newline and tab":  "line one\n\tline two",
		"chinese":          "纯棉T恤 · 包邮",
		"right to left":    "שלום עולם مرحبا",
		"emoji sequences":  "👩🏽‍💻 👨‍👩‍👧‍👦 🇨🇳🇯🇵",
		"combining marks":  "e\u0301 n\u0303 a\u0308\u0304",
		"bidi marks":       "abc\u200Edef\u200Fghi\u061C",
		"zero-width joins": "क्‍ष",
	}
	for name, value := range values {
		t.Run(name, func(t *testing.T) {
			for field := range textFields {
				if field == "name (sign-up)" {
					continue // one handle: the sign-up path is covered by "name"
				}
				v := value
				if field == "tag" {
					v = string([]rune(value)[:min(len([]rune(value)), catalog.MaxTagLen)])
				}
				if err := ts.write(field, v); err != nil {
					t.Errorf("%s = %q refused: %v", field, v, err)
				}
			}
		})
	}
}
