package sim

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/quic-go/quic-go/http3"

	"github.com/streamedge/streamedge/player-test/testorigin"
	"github.com/streamedge/streamedge/tlsfront/certtest"
)

// TestE2EHTTP3PlayersShareOneQUICConnection: players built on
// NewHTTP3Client play the test origin's live HLS served by quic-go's HTTP/3
// server over real QUIC on loopback, healthy, every request HTTP/3.
func TestE2EHTTP3PlayersShareOneQUICConnection(t *testing.T) {
	t.Parallel()
	ca := certtest.NewCA(t)
	pair := ca.Issue(t, "h3", 1, "localhost")
	cert, err := tls.LoadX509KeyPair(pair.CertFile, pair.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http3.Server{Handler: testorigin.New(testorigin.Options{Seed: 3}),
		TLSConfig: http3.ConfigureTLSConfig(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13})}
	go func() { _ = srv.Serve(pc) }()
	t.Cleanup(func() { _ = srv.Close(); pc.Close() })

	client := NewHTTP3Client(ca.Pool)
	client.Transport.(*http3.Transport).TLSClientConfig.ServerName = "localhost" // the certificate's name; the URL has the address
	url := "https://" + pc.LocalAddr().String() + "/live/hls_ts/master.m3u8"
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 3 {
		t.Fatalf("proto %s, want HTTP/3", resp.Proto)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep, err := Run(ctx, Config{URL: url, Players: 3, Duration: 4 * time.Second, Client: client,
		Ramp: 200 * time.Millisecond, Player: PlayerConfig{Validate: true}})
	if err != nil {
		t.Fatal(err)
	}
	checkHealthy(t, rep, 3)
}
