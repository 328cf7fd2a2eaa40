package edge

import (
	"net/http"
	"strings"
	"testing"
)

func TestIsUpgrade(t *testing.T) {
	tests := []struct {
		name       string
		connection []string
		upgrade    string
		want       bool
	}{
		{"websocket", []string{"Upgrade"}, "websocket", true},
		{"token_in_list_any_case", []string{"keep-alive, UPGRADE"}, "websocket", true},
		{"second_connection_header", []string{"keep-alive", "upgrade"}, "h2c", true},
		{"upgrade_without_connection_token", []string{"keep-alive"}, "websocket", false},
		{"connection_without_upgrade_header", []string{"Upgrade"}, "", false},
		{"token_is_a_substring_only", []string{"upgraded"}, "websocket", false},
		{"nothing", nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Connection": tc.connection}
			if tc.upgrade != "" {
				h.Set("Upgrade", tc.upgrade)
			}
			if got := isUpgrade(h); got != tc.want {
				t.Fatalf("isUpgrade(%v) = %v", h, got)
			}
		})
	}
}

func FuzzIsUpgrade(f *testing.F) {
	f.Add("keep-alive, Upgrade", "websocket")
	f.Add(",,", "")
	f.Fuzz(func(t *testing.T, connection, upgrade string) {
		h := http.Header{"Connection": {connection}, "Upgrade": {upgrade}}
		got := isUpgrade(h)
		if got && (upgrade == "" || !strings.Contains(strings.ToLower(connection), "upgrade")) {
			t.Fatalf("isUpgrade(%q, %q) = true", connection, upgrade)
		}
	})
}
