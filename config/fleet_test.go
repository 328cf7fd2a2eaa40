package config

import (
	"testing"
	"time"
)

// TestFleetSectionLoads: the fleet section's keys load as written; a file
// without one has none (the fleet is off unless -fleet is given). Refusals
// are in TestBadConfigsGolden (fleet.yaml).
func TestFleetSectionLoads(t *testing.T) {
	f, err := Load("testdata/good/fleet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fl := f.Fleet
	if fl == nil || fl.URL != "nats://nats-1.internal:4222,nats://nats-2.internal:4222" || fl.POP != "fra1" ||
		fl.Heartbeat.D() != time.Second || fl.TTL.D() != 3*time.Second || fl.Retention.D() != 24*time.Hour ||
		fl.MaxInvalidations != 10000 || fl.Replicas != 3 {
		t.Fatalf("fleet: %+v", fl)
	}
	min, err := Load("testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if min.Fleet != nil {
		t.Errorf("no section: %+v", min.Fleet)
	}
}
