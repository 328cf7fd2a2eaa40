package fleet

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/streamedge/streamedge/invalidation"
)

// FuzzDecodeInvalidation: a stream message never panics the decoder; an
// accepted one has an ID fit for a KV key and paths a Set accepts.
func FuzzDecodeInvalidation(f *testing.F) {
	good, _ := json.Marshal(invMsg{ID: "IABCDEFGH23456", From: "edge-1", Paths: []string{"/a.ts", "/vod/*"}, Created: time.Unix(1, 0)})
	for _, s := range []string{string(good), `{}`, `{"id":"I","paths":["a"]}`, `{"id":"I..","paths":["/a"]}`, `[`, `{"id":"IAB","paths":["/a*b"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeInvalidation(b)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error %v does not wrap errMalformed", err)
			}
			return
		}
		if !validID(m.ID) {
			t.Fatalf("accepted id %q", m.ID)
		}
		if err := invalidation.NewSet(invalidation.Limits{}, nil).Add(m.Paths, time.Now()); err != nil {
			t.Fatalf("accepted paths a Set refuses: %v", err)
		}
	})
}

// FuzzDecodeMember: a membership value never panics; an accepted one has
// an ID.
func FuzzDecodeMember(f *testing.F) {
	good, _ := json.Marshal(Member{ID: "edge-1:8080", Edge: "http://127.0.0.1:8080", POP: "fra1", Started: time.Unix(1, 0)})
	for _, s := range []string{string(good), `{}`, `{"id":""}`, `null`, `{"id":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, ok := decodeMember(b); ok && m.ID == "" {
			t.Fatal("accepted a member without an ID")
		}
	})
}
