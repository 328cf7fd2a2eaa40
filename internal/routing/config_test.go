package routing

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

const minimalYAML = `
name: Edge.Example.com.
pops:
  fra: {url: "https://fra.example.com", readyz: "http://10.0.0.1:9090/readyz", a: [192.0.2.1]}
`

// TestConfigDefaults: a minimal file gets the documented defaults and a
// lower-case fully qualified name.
func TestConfigDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(minimalYAML))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Probe
	if c.Name != "edge.example.com." || c.TTL != 20*time.Second || p.Interval != 2*time.Second || p.Timeout != time.Second ||
		p.Concurrency != 8 || p.Fall != 1 || p.Rise != 2 || c.POPs["fra"].Name != "fra" {
		t.Errorf("defaults: %+v", c)
	}
}

// TestConfigRefusesBadFiles: each rule's violation is an error naming it.
func TestConfigRefusesBadFiles(t *testing.T) {
	pop := `pops: {fra: {url: "https://fra.example.com", readyz: "http://10.0.0.1:9090/readyz", a: [192.0.2.1]}}`
	for _, tc := range []struct{ rule, yaml, want string }{
		{"unknown key", "name: e.example.com\nttls: 5s\n" + pop, "unknown field"},
		{"duplicate key", "name: e.example.com\nname: f.example.com\n" + pop, "already defined"},
		{"no pops", "name: e.example.com\n", "pops: 1 to 64"},
		{"bad name", "name: 'e_x.example.com'\n" + pop, "not a DNS label"},
		{"ttl too long", "name: e.example.com\nttl: 2h\n" + pop, "ttl 2h0m0s"},
		{"timeout over interval", "name: e.example.com\nprobe: {interval: 1s, timeout: 2s}\n" + pop, "probe: interval"},
		{"bad url", "name: e.example.com\npops: {fra: {url: 'ftp://x', readyz: 'http://x/readyz', a: [192.0.2.1]}}", "url \"ftp://x\""},
		{"a is v6", "name: e.example.com\npops: {fra: {url: 'http://x', readyz: 'http://x/readyz', a: ['2001:db8::1']}}", "not an IPv4"},
		{"bad address", "name: e.example.com\npops: {fra: {url: 'http://x', readyz: 'http://x/readyz', a: [nope]}}", "ParseAddr"},
		{"latency of unknown pop", "name: e.example.com\ndefault_latency: {lon: 5ms}\n" + pop, "unknown pop \"lon\""},
		{"region without subnets", "name: e.example.com\nregions: {eu: {latency: {fra: 5ms}}}\n" + pop, "region eu: no subnets"},
		{"subnet in two regions", "name: e.example.com\nregions: {eu: {subnets: [10.0.0.0/8]}, us: {subnets: [10.1.2.3/8]}}\n" + pop, "also in region"},
		{"too large", strings.Repeat("#", MaxConfigSize+1), "larger than"},
	} {
		_, err := ParseConfig([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.rule, err, tc.want)
		}
	}
}

// TestLongestSubnetWins: a region inside another's subnet takes its
// clients; IPv4-mapped IPv6 clients match IPv4 subnets; an address in no
// region gets the default order.
func TestLongestSubnetWins(t *testing.T) {
	c, err := ParseConfig([]byte(`
name: e.example.com
pops:
  fra: {url: "http://fra", readyz: "http://fra/readyz"}
  iad: {url: "http://iad", readyz: "http://iad/readyz"}
regions:
  eu: {subnets: [10.0.0.0/8], latency: {fra: 5ms, iad: 90ms}}
  us: {subnets: [10.1.0.0/16, "2001:db8:1::/48"], latency: {iad: 5ms, fra: 90ms}}
default_latency: {iad: 1ms}
`))
	if err != nil {
		t.Fatal(err)
	}
	tb := newTable(c)
	for addr, want := range map[string]string{"10.9.9.9": "fra", "10.1.2.3": "iad", "::ffff:10.9.0.1": "fra",
		"2001:db8:1::7": "iad", "192.0.2.1": "iad"} {
		order := tb.regions[tb.region(netip.MustParseAddr(addr))]
		if got := tb.pops[order[0]].Name; got != want {
			t.Errorf("%s: nearest %s, want %s", addr, got, want)
		}
	}
}

// FuzzParseConfig: any bytes give a config or an error, never a panic,
// and an accepted config builds a table every address can be looked up in.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(minimalYAML))
	f.Add([]byte(fleetYAML))
	f.Add([]byte("name: e.example.com\nregions: {eu: {subnets: [10.0.0.0/8, '::/0']}}\npops: {a: {url: 'http://a', readyz: 'http://a/r'}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		tb := newTable(c)
		for _, a := range []string{"10.1.2.3", "::1", "0.0.0.0"} {
			if r := tb.region(netip.MustParseAddr(a)); r < 0 || r >= len(tb.regions) {
				t.Fatalf("region %d of %d", r, len(tb.regions))
			}
		}
	})
}
