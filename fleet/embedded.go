package fleet

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Embedded is an in-process nats-server with JetStream, for a single node
// or a dev fleet (production runs a real NATS cluster).
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a nats-server listening on addr ("127.0.0.1:4222";
// port 0 picks one) with JetStream storing in dir.
func StartEmbedded(addr, dir string) (*Embedded, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("fleet: embedded address %q: %w", addr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("fleet: embedded port %q: %w", port, err)
	}
	if p == 0 {
		p = server.RANDOM_PORT
	}
	srv, err := server.NewServer(&server.Options{Host: host, Port: p, JetStream: true, StoreDir: dir,
		NoSigs: true, NoLog: true, ServerName: "streamedge-embedded"})
	if err != nil {
		return nil, fmt.Errorf("fleet: embedded nats-server: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("fleet: embedded nats-server not ready in 10s")
	}
	return &Embedded{srv: srv}, nil
}

// URL is the client URL (nats://host:port).
func (e *Embedded) URL() string { return e.srv.ClientURL() }

// Close stops the server and waits for it.
func (e *Embedded) Close() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}
