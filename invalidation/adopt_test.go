package invalidation

import (
	"testing"
	"time"
)

// TestAdoptKeepsTheCreatorsIDOnce: an adopted invalidation is effective at
// the time given, Get finds it under the creator's ID, its CallerReference
// is idempotent here too, and adopting it again (or one created here)
// changes nothing.
func TestAdoptKeepsTheCreatorsIDOnce(t *testing.T) {
	s := NewSet(Limits{}, nil)
	at := time.Now()
	inv := Invalidation{ID: "IAAAAAAAAAAAAA", CallerReference: "ref-x", Paths: []string{"/vod/*"}, CreateTime: at.Add(-time.Second)}
	if err := s.Adopt(inv, at); err != nil {
		t.Fatal(err)
	}
	if !s.Invalidated("/vod/a.ts", at.Add(-time.Millisecond)) || s.Invalidated("/vod/a.ts", at.Add(time.Millisecond)) {
		t.Fatal("not effective exactly at the adoption time")
	}
	if got, ok := s.Get(inv.ID); !ok || got.CallerReference != "ref-x" {
		t.Fatalf("Get(%s) = %+v %v", inv.ID, got, ok)
	}
	if again, created, err := s.Create("ref-x", []string{"/vod/*"}, time.Now()); err != nil || created || again.ID != inv.ID {
		t.Fatalf("Create with the adopted CallerReference: %+v %v %v", again, created, err)
	}
	later := at.Add(time.Minute)
	if err := s.Adopt(inv, later); err != nil || s.Invalidated("/vod/a.ts", at.Add(time.Second)) {
		t.Fatalf("adopting again moved the record: %v", err)
	}
	if err := s.Adopt(Invalidation{ID: "IBBBBBBBBBBBBB", Paths: []string{"no-slash"}}, at); err == nil {
		t.Fatal("a bad path adopted")
	}
	if _, ok := s.Get("IBBBBBBBBBBBBB"); ok {
		t.Fatal("a refused invalidation is in the history")
	}
}
