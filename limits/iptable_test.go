package limits

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func addr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
}

// TestIPTableBounded: however many IPs appear, the table holds at most max,
// evicting idle entries before ones with open connections, and the tracked
// gauge follows its size.
func TestIPTableBounded(t *testing.T) {
	tracked := 0.0
	tb := newIPTable(100, time.Hour, func(d float64) { tracked += d })
	now := time.Unix(0, 0)
	busy, _ := tb.get(addr(0), now)
	busy.conns = 1
	for i := 1; i <= 10000; i++ {
		tb.get(addr(i), now)
		if len(tb.items) > 100 || tb.lru.Len() != len(tb.items) || tracked != float64(len(tb.items)) {
			t.Fatalf("after %d IPs: %d items, list %d, gauge %v", i, len(tb.items), tb.lru.Len(), tracked)
		}
	}
	if tb.items[addr(0)] == nil {
		t.Fatal("an entry with an open connection was evicted while idle ones remained")
	}
}

// TestIPTableExpiry: idle entries go lazily as the table is used, busy ones
// stay, and a full table of busy entries still admits new IPs.
func TestIPTableExpiry(t *testing.T) {
	tb := newIPTable(4, time.Minute, func(float64) {})
	now := time.Unix(0, 0)
	for i := range 3 {
		tb.get(addr(i), now)
	}
	busy, _ := tb.get(addr(3), now)
	busy.conns = 2
	later := now.Add(2 * time.Minute)
	for range 3 {
		tb.get(addr(99), later) // each use expires up to two cold entries
	}
	if _, ok := tb.items[addr(0)]; ok || len(tb.items) != 2 {
		t.Fatalf("idle entries not expired: %d left", len(tb.items))
	}
	for i := 100; i < 110; i++ {
		e, _ := tb.get(addr(i), later)
		e.conns = 1
	}
	if len(tb.items) != 4 {
		t.Fatalf("%d items, want the bound 4", len(tb.items))
	}
}

func TestRateLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	rl := newRateLimiter(Config{RatePerIP: 2, RateBurst: 3, MaxTrackedIPs: 10}.withDefaults(), nil, func() time.Time { return now })
	a := addr(1)
	steps := []struct {
		advance  time.Duration
		want     bool
		wantWait time.Duration
	}{
		{0, true, 0}, {0, true, 0}, {0, true, 0}, // the burst
		{0, false, 500 * time.Millisecond},
		{250 * time.Millisecond, false, 250 * time.Millisecond},
		{250 * time.Millisecond, true, 0},
		{0, false, 500 * time.Millisecond},
		{10 * time.Second, true, 0}, {0, true, 0}, {0, true, 0}, // refilled to the burst, no more
		{0, false, 500 * time.Millisecond},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		ok, wait := rl.allow(a)
		if ok != s.want || wait != s.wantWait {
			t.Fatalf("step %d: allow = %v, %v; want %v, %v", i, ok, wait, s.want, s.wantWait)
		}
	}
	if ok, _ := rl.allow(addr(2)); !ok {
		t.Fatal("another IP was limited")
	}
}

func TestRetryAfter(t *testing.T) {
	for wait, want := range map[time.Duration]int{0: 1, time.Millisecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, 90 * time.Second: 90} {
		if got := retryAfter(wait); got != want {
			t.Errorf("retryAfter(%v) = %d, want %d", wait, got, want)
		}
	}
}

func TestClientKey(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"192.0.2.7:5000", "192.0.2.7", true},
		{"[::ffff:192.0.2.7]:5000", "192.0.2.7", true},
		{"[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443", "2001:db8:1:2::", true},
		{"[2001:db8:1:2::1]:1", "2001:db8:1:2::", true},
		{"[fe80::1%eth0]:80", "fe80::", true},
		{"192.0.2.7", "192.0.2.7", true},
		{"@", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := clientKey(tc.in)
		if ok != tc.ok || (ok && got.String() != tc.want) {
			t.Errorf("clientKey(%q) = %v, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestHandlerStateBounded: a client spraying requests from many addresses
// cannot grow the rate table past MaxTrackedIPs.
func TestHandlerStateBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	h := Handler(Config{RatePerIP: 1, RateBurst: 1, MaxTrackedIPs: 50}, m, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for i := range 5000 {
		r := httptest.NewRequest("GET", "/a.ts", nil)
		r.RemoteAddr = addr(i).String() + ":1234"
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if got := gauge(t, reg, "streamedge_limit_tracked_ips"); got != 50 {
		t.Fatalf("tracked IPs = %v, want the bound 50", got)
	}
	if rl := h.(*handler).rate; len(rl.table.items) != 50 {
		t.Fatalf("rate table holds %d entries", len(rl.table.items))
	}
}

func TestNewMetricsTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Fatal("registering twice on one registry succeeded")
	}
	var m *Metrics // nil records nothing
	m.reject(LimitRate)
	m.addConns(1)
	m.addTracked(1)
}

func TestConfigDefaults(t *testing.T) {
	c := Config{RatePerIP: 2.5}.withDefaults()
	if c.MaxURILength != DefaultMaxURILength || c.MaxHeaderBytes != DefaultMaxHeaderBytes ||
		c.MaxTrackedIPs != DefaultMaxTrackedIPs || c.RateBurst != 3 {
		t.Fatalf("defaults: %+v", c)
	}
	if got := (Config{MaxHeaderBytes: 32 << 10}).ServerMaxHeaderBytes(); got <= 32<<10+DefaultMaxURILength {
		t.Fatalf("ServerMaxHeaderBytes = %d, want above MaxHeaderBytes+MaxURILength", got)
	}
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
