package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"

	"github.com/weigong/weigong/assets"
	"github.com/weigong/weigong/catalog"
)

// Demo sign-in details, printed by `weigong serve --demo`.
const (
	demoSupplier    = "demo_supplier"
	demoDistributor = "demo_distributor"
	demoPassword    = "weigong-demo"
)

// demoProducts are the dozen cards of the demo supplier: title, price in
// fen, number of photos and a base colour for the generated photos.
var demoProducts = []struct {
	title        string
	cost, retail int64
	photos       int
	r, g, b      uint8
}{
	{"真丝方巾 Silk square scarf", 4800, 12800, 9, 200, 60, 60},
	{"羊绒围巾 Cashmere scarf", 15800, 39900, 4, 150, 120, 90},
	{"亚麻衬衫 Linen shirt", 6900, 16900, 6, 230, 220, 200},
	{"手工皮包 Handmade leather bag", 21000, 59900, 5, 120, 70, 40},
	{"帆布鞋 Canvas sneakers", 5500, 13900, 3, 40, 80, 160},
	{"竹纤维袜 Bamboo socks (5 pairs)", 1500, 3900, 2, 90, 160, 90},
	{"真丝睡衣 Silk pyjamas", 18800, 45900, 7, 210, 150, 170},
	{"羊毛毛衣 Wool sweater", 12900, 29900, 1, 110, 110, 140},
	{"棉麻长裙 Cotton-linen dress", 9900, 25900, 8, 180, 200, 160},
	{"草编帽 Straw hat", 2500, 6900, 2, 220, 190, 120},
	{"丝绒发圈 Velvet scrunchies (6)", 900, 2900, 4, 160, 40, 90},
	{"羊皮手套 Lambskin gloves", 7800, 19900, 3, 60, 50, 50},
}

// seedDemo creates the demo accounts and cards on an empty database, and
// prints how to sign in either way.
func seedDemo(ctx context.Context, cat *catalog.Service, pipe *assets.Pipeline, blobs assets.BlobStore, addr string, out io.Writer) error {
	_, err := cat.Accounts.AccountByHandle(ctx, demoSupplier)
	if catalog.ErrorCode(err) == catalog.NotFound {
		if err := createDemo(ctx, cat, pipe, blobs); err != nil {
			return fmt.Errorf("seeding demo: %w", err)
		}
	} else if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo: open http://%s/app/ and sign in as %q or %q with password %q\n",
		displayAddr(addr), demoSupplier, demoDistributor, demoPassword)
	return nil
}

func createDemo(ctx context.Context, cat *catalog.Service, pipe *assets.Pipeline, blobs assets.BlobStore) error {
	supplier, _, err := cat.SignUp(ctx, catalog.SignUpInput{Role: string(catalog.RoleSupplier), Handle: demoSupplier, Password: demoPassword, Name: "杭州丝绸工坊 Hangzhou Silk Works"})
	if err != nil {
		return err
	}
	contact, bio := "wx_silkworks", "二十年丝绸工厂，一件代发。Silk factory since 2005, drop-shipping welcome."
	if _, err := cat.UpdateProfile(ctx, supplier, catalog.ProfileInput{Contact: &contact, Bio: &bio, Levels: &[]string{"standard", "gold"}}); err != nil {
		return err
	}
	for i, p := range demoProducts {
		if err := createDemoCard(ctx, cat, pipe, blobs, supplier, i, p.title, p.cost, p.retail, p.photos, color.RGBA{p.r, p.g, p.b, 255}); err != nil {
			return err
		}
	}
	distributor, _, err := cat.SignUp(ctx, catalog.SignUpInput{Role: string(catalog.RoleDistributor), Handle: demoDistributor, Password: demoPassword, Name: "小李优选 Xiao Li's Picks"})
	if err != nil {
		return err
	}
	_, err = cat.FollowSupplier(ctx, distributor, supplier.ID)
	return err
}

func createDemoCard(ctx context.Context, cat *catalog.Service, pipe *assets.Pipeline, blobs assets.BlobStore,
	supplier catalog.Account, n int, title string, cost, retail int64, photos int, base color.RGBA) error {
	ids := make([]string, 0, photos)
	for k := 0; k < photos; k++ {
		img, err := cat.NewImage(supplier)
		if err != nil {
			return err
		}
		photo, err := pipe.Process(ctx, bytes.NewReader(demoPhoto(base, k)))
		if err != nil {
			return err
		}
		if err := assets.SavePhoto(ctx, blobs, img.ID, photo); err != nil {
			return err
		}
		img.Width, img.Height = photo.Width, photo.Height
		if _, _, err := cat.SaveImage(ctx, img); err != nil {
			return err
		}
		ids = append(ids, img.ID)
	}
	desc := fmt.Sprintf("%s\n现货，48小时发货。In stock, ships in 48 h.", title)
	gold := cost * 9 / 10
	floor := retail * 8 / 10
	in := catalog.CardInput{Title: &title, Description: &desc, ImageIDs: &ids, CostPrice: &cost, RetailPrice: &retail,
		LevelPrices: &map[string]int64{"gold": gold}, FloorPrice: catalog.OptionalPrice{Set: true, Value: &floor},
		Tags: &[]string{"demo"}}
	_, err := cat.CreateCard(ctx, supplier, in)
	return err
}

// demoPhoto draws a simple product-like picture: a soft gradient backdrop
// and a disc in the product's colour, shifted per photo. It writes the
// pixel slice directly: demo start-up time is mostly spent here.
func demoPhoto(base color.RGBA, k int) []byte {
	const w, h = 960, 720
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := 240+k*56, 360-k*16, 210-k*10
	for y := 0; y < h; y++ {
		shade := uint8(235 - y*30/h)
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			px := row[4*x : 4*x+4]
			px[0], px[1], px[2], px[3] = shade, shade-4, shade-10, 255
			if dx, dy := x-cx, y-cy; dx*dx+dy*dy < r*r {
				light := 1 + float64(-dx-dy)/float64(4*r)
				px[0], px[1], px[2] = scale(base.R, light), scale(base.G, light), scale(base.B, light)
			}
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes()
}

func scale(v uint8, f float64) uint8 {
	x := float64(v) * f
	if x > 255 {
		return 255
	}
	return uint8(x)
}

// displayAddr turns a listen address like ":8080" into something a browser
// can open.
func displayAddr(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return "localhost" + addr
	}
	return addr
}
