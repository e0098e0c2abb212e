package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// ordersResult is one run of the orders load: drop-ship orders placed by
// concurrent distributors on one supplier's stocked card.
type ordersResult struct {
	placed, refused int
	rate            float64 // orders per second
	p50, p99        time.Duration
	oversold        int64 // pieces sold beyond the stock; must be 0
}

// runOrders places orders from `distributors` concurrent clients for d on
// a fresh server, each one piece of one card stocked with fewer pieces
// than will be asked for, so the run also ends in 409s, and checks that
// what was placed plus what is left is exactly the stock.
func runOrders(bin string, distributors int, stock int64, d time.Duration) (ordersResult, error) {
	dir, err := os.MkdirTemp("", "wgbench-orders-")
	if err != nil {
		return ordersResult{}, err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer(bin, dir)
	if err != nil {
		return ordersResult{}, err
	}
	defer srv.stop()
	base := "http://" + srv.addr
	c := &apiClient{base: base, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: distributors}}}
	sup, err := c.signUp("supplier", "bench_sup")
	if err != nil {
		return ordersResult{}, err
	}
	img, err := c.upload(sup.Token)
	if err != nil {
		return ordersResult{}, err
	}
	var card struct{ ID string }
	if err := c.call("POST", "/v1/cards", sup.Token, map[string]any{"title": "bench", "image_ids": []string{img},
		"cost_price": 1000, "retail_price": 2000, "stock": stock}, 201, &card); err != nil {
		return ordersResult{}, err
	}
	tokens := make([]string, distributors)
	for i := range tokens {
		d, err := c.signUp("distributor", fmt.Sprintf("bench_d%d", i))
		if err != nil {
			return ordersResult{}, err
		}
		if err := c.call("PUT", "/v1/suppliers/"+sup.ID+"/follow", d.Token, nil, 200, nil); err != nil {
			return ordersResult{}, err
		}
		tokens[i] = d.Token
	}
	body := map[string]any{"lines": []map[string]any{{"card_id": card.ID, "qty": 1}},
		"consignee": map[string]string{"name": "张三", "phone": "13800001234", "province": "浙江省", "city": "杭州市", "district": "西湖区", "address": "文三路 1 号"}}
	var mu sync.Mutex
	var lat []time.Duration
	var res ordersResult
	var firstErr error
	var lastPlaced time.Time
	start := time.Now()
	var wg sync.WaitGroup
	for _, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < d {
				t := time.Now()
				status, err := c.do("POST", "/v1/orders", token, body, nil)
				took := time.Since(t)
				mu.Lock()
				switch {
				case err != nil:
					firstErr = err
				case status == 201:
					res.placed++
					lat = append(lat, took)
					lastPlaced = time.Now()
				case status == 409:
					res.refused++
				default:
					firstErr = fmt.Errorf("POST /v1/orders answered %d", status)
				}
				stop := firstErr != nil
				mu.Unlock()
				if stop {
					return
				}
			}
		}()
	}
	wg.Wait()
	// The rate counts the time orders were being placed: once the card is
	// sold out, the rest of the run only proves that nothing more is sold.
	elapsed := lastPlaced.Sub(start)
	if firstErr != nil {
		return res, firstErr
	}
	var after struct{ Stock int64 }
	if err := c.call("GET", "/v1/cards/"+card.ID, sup.Token, nil, 200, &after); err != nil {
		return res, err
	}
	res.oversold = int64(res.placed) + after.Stock - stock
	if res.oversold == 0 && after.Stock > 0 && res.refused > 0 {
		res.oversold = -1 // refused while stock was left: a different bug
	}
	if elapsed > 0 {
		res.rate = float64(res.placed) / elapsed.Seconds()
	}
	res.p50, res.p99, _ = percentiles(lat)
	return res, nil
}

// ordersSection renders the runs for docs/BENCHMARKS.md.
func ordersSection(ri runInfo, distributors int, stock int64, d time.Duration, rs []ordersResult) string {
	var b strings.Builder
	b.WriteString("## Orders\n\n")
	fmt.Fprintf(&b, "%d concurrent distributors place one-piece drop-ship orders on one supplier's card stocked with %d pieces, for %v per run, each run on a fresh server (every order: server pricing, stock reservation, encrypted consignee, no Idempotency-Key, change-log entry, one fsynced transaction).\n\n", distributors, stock, d)
	ri.header(&b)
	b.WriteString("orders/s counts the time until the last piece was sold; p50/p99 are of the placed orders (201). The rest of each run proves that nothing more is sold: every further order gets 409.\n\n")
	b.WriteString("| run | placed | refused (409, sold out) | orders/s | p50 | p99 | oversold |\n|---|---|---|---|---|---|---|\n")
	for i, r := range rs {
		fmt.Fprintf(&b, "| %d | %d | %d | %.0f | %s | %s | %d |\n", i+1, r.placed, r.refused, r.rate, ms(r.p50), ms(r.p99), r.oversold)
	}
	fmt.Fprintf(&b, "\nMedians: %.0f orders/s, p99 %s; oversold in every run: %v.\n\n",
		median(pick(rs, func(r ordersResult) float64 { return r.rate })),
		ms(median(pick(rs, func(r ordersResult) time.Duration { return r.p99 }))),
		pick(rs, func(r ordersResult) int64 { return r.oversold }))
	return b.String()
}

// apiClient is the small HTTP client the orders load needs.
type apiClient struct {
	base string
	http *http.Client
}

type benchAccount struct {
	ID, Token string
}

func (c *apiClient) do(method, path, token string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode < 300 {
		err = json.Unmarshal(data, out)
	}
	return resp.StatusCode, err
}

func (c *apiClient) call(method, path, token string, body any, want int, out any) error {
	status, err := c.do(method, path, token, body, out)
	if err == nil && status != want {
		err = fmt.Errorf("%s %s answered %d, want %d", method, path, status, want)
	}
	return err
}

func (c *apiClient) signUp(role, handle string) (benchAccount, error) {
	var out struct {
		Account struct{ ID string }
		Token   string
	}
	err := c.call("POST", "/v1/accounts", "", map[string]string{"role": role, "handle": handle, "password": "password123", "name": handle}, 201, &out)
	return benchAccount{ID: out.Account.ID, Token: out.Token}, err
}

func (c *apiClient) upload(token string) (string, error) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(0, 0, color.Black)
	var photo, form bytes.Buffer
	if err := jpeg.Encode(&photo, img, nil); err != nil {
		return "", err
	}
	w := multipart.NewWriter(&form)
	part, _ := w.CreateFormFile("image", "p.jpg")
	part.Write(photo.Bytes())
	w.Close()
	req, _ := http.NewRequest("POST", c.base+"/v1/images", &form)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	if resp.StatusCode != 201 {
		return "", fmt.Errorf("upload answered %d", resp.StatusCode)
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	return out.ID, err
}

// ordersMain is `wgbench orders`: the orders load alone, written to the
// "Orders" section of docs/BENCHMARKS.md.
func ordersMain(args []string) error {
	fs := flag.NewFlagSet("orders", flag.ContinueOnError)
	bin := fs.String("bin", "bin/weigong", "the weigong binary to measure")
	distributors := fs.Int("distributors", 16, "concurrent distributors")
	stock := fs.Int64("stock", 2500, "pieces on the card: fewer than a run sells, so it ends in 409s and proves no oversell")
	d := fs.Duration("duration", 10*time.Second, "time per run")
	runs := fs.Int("runs", 3, "runs, each on a fresh server; medians are quoted")
	out := fs.String("out", "docs/BENCHMARKS.md", `markdown file whose "Orders" section is replaced ("" = print only)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var rs []ordersResult
	var loads []string
	for i := range *runs {
		loads = append(loads, loadAverage())
		progress("orders run %d/%d (load average %s)", i+1, *runs, loads[i])
		r, err := runOrders(*bin, *distributors, *stock, *d)
		if err != nil {
			return err
		}
		if r.oversold != 0 {
			return fmt.Errorf("run %d oversold: %+v", i+1, r)
		}
		rs = append(rs, r)
	}
	ri := runInfo{command: "go run ./cmd/wgbench " + strings.Join(os.Args[1:], " "), date: time.Now().UTC().Format("2006-01-02"),
		runs: *runs, loads: loads}
	sec := ordersSection(ri, *distributors, *stock, *d, rs)
	fmt.Print(sec)
	if *out == "" {
		return nil
	}
	return replaceSections(*out, sec)
}
