package failure

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestClassifyMatchesWrappedSentinels(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		label  string
	}{
		{"timeout_is_504", fmt.Errorf("%w: %w", ErrOriginTimeout, errors.New("i/o timeout")), 504, "timeout"},
		{"unreachable_is_502", fmt.Errorf("%w: refused", ErrOriginUnreachable), 502, "unreachable"},
		{"short_body_is_502", fmt.Errorf("%w: 3 of 9 bytes", ErrShortBody), 502, "short_body"},
		{"protocol_is_502", fmt.Errorf("%w: 206 without Range", ErrProtocol), 502, "protocol"},
		{"long_target_is_414", fmt.Errorf("%w: 65 parameters", ErrTargetTooLong), 414, "uri"},
		{"bad_target_is_400", ErrBadTarget, 400, "bad_target"},
		{"rate_is_429", ErrRateLimited, 429, "rate"},
		{"unknown_is_502_error", errors.New("something else"), 502, "error"},
		{"nil_is_502_error", nil, 502, "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Classify(tc.err)
			if c.Status != tc.status || c.Label != tc.label {
				t.Fatalf("Classify = %d %q, want %d %q", c.Status, c.Label, tc.status, tc.label)
			}
		})
	}
}

func TestEveryClassIsOneLineStartingWithItsStatus(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range append(Classes(), unknown) {
		if !strings.HasPrefix(c.Body, strconv.Itoa(c.Status)+" ") || strings.Contains(c.Body, "\n") {
			t.Errorf("%q: body must be one line starting with %d", c.Body, c.Status)
		}
		if c.Label == "" || seen[c.Label] {
			t.Errorf("%q: label %q empty or reused", c.Body, c.Label)
		}
		seen[c.Label] = true
	}
}

func TestWriteKeepsCallerHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Retry-After", "7")
	c := Class{Status: http.StatusServiceUnavailable, Body: "503 edge busy", Label: "busy", RetryAfter: "1"}
	Write(rec, c)
	if rec.Code != 503 || rec.Body.String() != "503 edge busy\n" || rec.Header().Get("Retry-After") != "7" ||
		rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
	rec = httptest.NewRecorder()
	Write(rec, c)
	if rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("class Retry-After not sent: %v", rec.Header())
	}
}
