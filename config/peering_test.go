package config

import (
	"testing"

	"github.com/streamedge/streamedge/peering"
)

// TestPeeringSection: the section becomes the pool's config, weights on
// their members, defaults filled in.
func TestPeeringSection(t *testing.T) {
	f, err := Load("testdata/good/peering.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.Peering.PoolConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Self.ID != "10.0.0.1:8080" || len(cfg.Members) != 3 || cfg.Members[2].Weight != 2 || cfg.Members[0].Weight != 0 {
		t.Fatalf("pool config: %+v", cfg)
	}
	if cfg.Hot != peering.HotOwner || cfg.ProbeInterval != peering.DefaultProbeInterval || cfg.Peer.DialTimeout != peering.DefaultDialTimeout {
		t.Fatalf("hot %q, probe %v, dial %v", cfg.Hot, cfg.ProbeInterval, cfg.Peer.DialTimeout)
	}
	min, err := Load("testdata/good/minimal.yaml")
	if err != nil || min.Peering != nil {
		t.Fatalf("a file without peering: %v, %+v", err, min.Peering)
	}
}
