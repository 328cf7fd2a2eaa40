package headerspolicy

import (
	"testing"
	"time"

	"github.com/streamedge/streamedge/config"
)

// mustNew compiles p or fails the test.
func mustNew(t testing.TB, p *config.HeadersPolicy) *Policy {
	t.Helper()
	out, err := New(p)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return out
}

func dur(d time.Duration) *config.Duration { c := config.Duration(d); return &c }

const player = "https://player.example"

// listCORS allows the player's origin only, GET and HEAD.
func listCORS() *config.CORS {
	return &config.CORS{AllowOrigins: []string{player, "http://other.example:8080"}}
}
