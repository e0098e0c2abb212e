package jetstream

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerConfig describes an embedded NATS server with JetStream.
type ServerConfig struct {
	// Addr is host:port to listen on; port 0 picks a free one.
	Addr string
	// Dir is where JetStream keeps its files.
	Dir string
	// Name identifies the server (default: nats-server's generated one).
	Name string
}

// RunServer starts an embedded NATS server with JetStream on file storage
// that fsyncs every write (SyncAlways, the embedded form of
// `jetstream { sync_interval: always }`), and waits up to 10 s until it
// accepts connections. Stop it with Shutdown. It is for tests and for
// trying a cluster on one machine (`weigong nats`); production runs
// nats-server itself (docs/SCALE.md).
func RunServer(cfg ServerConfig) (*server.Server, error) {
	if cfg.Dir == "" {
		return nil, errors.New("jetstream: the embedded server needs a directory")
	}
	host, portText, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("jetstream: address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("jetstream: address %q: bad port", cfg.Addr)
	}
	if port == 0 {
		port = server.RANDOM_PORT // nats-server reads 0 as its default, 4222
	}
	opts := &server.Options{
		ServerName: cfg.Name,
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   cfg.Dir,
		SyncAlways: true,
		NoSigs:     true,
		NoLog:      true,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("jetstream: embedded server: %w", err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, errors.New("jetstream: embedded server not ready after 10s")
	}
	return s, nil
}
