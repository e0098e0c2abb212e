package stream_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/weigong/weigong/catalog"
)

// BenchmarkHandler_Replay measures a reconnect that replays 1000 events:
// the path where write batching matters most.
func BenchmarkHandler_Replay(b *testing.B) {
	s := newServer(b, nil)
	sup := s.world.Supplier("sup", "standard", "gold")
	d := s.world.Distributor("dist")
	s.subscribe(sup, d, "gold")
	_, cursor, _ := s.svc.Events(bg, d, "", 1)
	for i := 0; i < 1000; i++ {
		s.world.Post(sup, 2000, map[string]int64{"gold": 1500})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ws, _, err := s.dial(d, cursor)
		if err != nil {
			b.Fatal(err)
		}
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for n := 0; ; n++ {
			// Only the ready frame is decoded: the client's cost is not measured.
			_, data, err := ws.ReadMessage()
			if err != nil {
				b.Fatal(err)
			}
			if bytes.HasPrefix(data, []byte(`{"type":"ready"`)) {
				if n != 1000 {
					b.Fatalf("replayed %d events", n)
				}
				break
			}
		}
		ws.Close()
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkHandler_LiveBurst measures live delivery of bursts of 100 cards
// to 50 connections: publication, per-level encoding, queueing and writes.
func BenchmarkHandler_LiveBurst(b *testing.B) {
	s := newServer(b, nil)
	sup := s.world.Supplier("sup", "standard", "gold")
	done := make(chan int, 50)
	for i := 0; i < 50; i++ {
		d := s.world.Distributor("dist" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
		s.subscribe(sup, d, []string{"standard", "gold"}[i%2])
		ws, _, err := s.dial(d, "")
		if err != nil {
			b.Fatal(err)
		}
		defer ws.Close()
		read(b, ws)
		ws.SetReadDeadline(time.Time{}) // the wait below is bounded instead
		go func() {
			for {
				for n := 0; n < 100; n++ {
					// Read without decoding: the client's cost is not measured.
					if _, _, err := ws.NextReader(); err != nil {
						return
					}
				}
				done <- 1
			}
		}()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for n := 0; n < 100; n++ {
			s.world.Save(newCard(sup, 2000), catalog.CardPublished)
		}
		for c := 0; c < 50; c++ {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				b.Fatal("a client stopped receiving")
			}
		}
	}
	b.ReportMetric(float64(b.N*100*50)/b.Elapsed().Seconds(), "frames/s")
}
