package routing

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Bounds of a configuration: what the router holds is proportional to it.
const (
	MaxConfigSize = 1 << 20
	MaxPOPs       = 64 // a POP set is a uint64 in the answer cache
	MaxRegions    = 4096
	MaxSubnets    = 65536 // over all regions
)

// Config is the router's YAML file.
type Config struct {
	// Name is the DNS name answered and the host redirected for
	// (edge.example.com; a trailing dot is added).
	Name string `yaml:"name"`
	// TTL of DNS answers: how long a resolver keeps sending viewers to a
	// POP that may since have failed. Default 20s.
	TTL   time.Duration  `yaml:"ttl"`
	Probe Probe          `yaml:"probe"`
	POPs  map[string]POP `yaml:"pops"`
	// Regions map client subnets to each POP's latency from them.
	Regions map[string]Region `yaml:"regions"`
	// DefaultLatency orders the POPs for clients in no region.
	DefaultLatency map[string]time.Duration `yaml:"default_latency"`
	// Measure orders every region's POPs by the router's measured RTT to
	// them (EWMA of the /readyz probes), ignoring the latency tables. Off,
	// the measured RTT still orders the POPs a table has no entry for
	// (after those it has).
	Measure bool `yaml:"measure"`
}

// Probe is how POP health is probed.
type Probe struct {
	Interval    time.Duration `yaml:"interval"`    // default 2s
	Timeout     time.Duration `yaml:"timeout"`     // per probe, default 1s, at most Interval
	Concurrency int           `yaml:"concurrency"` // probes in flight, default 8
	Fall        int           `yaml:"fall"`        // failures in a row to mark a POP down, default 1
	Rise        int           `yaml:"rise"`        // successes in a row to bring it back, default 2
}

// POP is one point of presence.
type POP struct {
	Name   string       `yaml:"-"`
	URL    string       `yaml:"url"`    // the POP's edge base URL, the 302 target
	Readyz string       `yaml:"readyz"` // probed with GET; 2xx is healthy
	A      []netip.Addr `yaml:"a"`
	AAAA   []netip.Addr `yaml:"aaaa"`
}

// Region is a set of client subnets and the POPs' latency from them.
type Region struct {
	Subnets []netip.Prefix           `yaml:"subnets"`
	Latency map[string]time.Duration `yaml:"latency"`
}

var nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ParseConfig decodes (unknown and duplicate keys are errors), defaults and
// validates a router configuration. All problems are reported, joined.
func ParseConfig(data []byte) (*Config, error) {
	if len(data) > MaxConfigSize {
		return nil, fmt.Errorf("routing config: larger than %d bytes", MaxConfigSize)
	}
	var c Config
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("routing config: %w", err)
	}
	c.defaults()
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("routing config: %w", err)
	}
	return &c, nil
}

func (c *Config) defaults() {
	c.Name = strings.ToLower(strings.TrimSuffix(c.Name, ".")) + "."
	if c.TTL == 0 {
		c.TTL = 20 * time.Second
	}
	p := &c.Probe
	if p.Interval == 0 {
		p.Interval = 2 * time.Second
	}
	if p.Timeout == 0 {
		p.Timeout = min(time.Second, p.Interval)
	}
	if p.Concurrency == 0 {
		p.Concurrency = 8
	}
	if p.Fall == 0 {
		p.Fall = 1
	}
	if p.Rise == 0 {
		p.Rise = 2
	}
	for name, pop := range c.POPs {
		pop.Name = name
		c.POPs[name] = pop
	}
}

func (c *Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Name == "." || len(c.Name) > 254 {
		bad("name %q: want a DNS name", c.Name)
	}
	for _, l := range strings.Split(strings.TrimSuffix(c.Name, "."), ".") {
		if c.Name != "." && !nameRE.MatchString(l) {
			bad("name %q: label %q is not a DNS label", c.Name, l)
		}
	}
	if c.TTL < time.Second || c.TTL > time.Hour {
		bad("ttl %s: 1s to 1h", c.TTL)
	}
	p := c.Probe
	if p.Interval < 100*time.Millisecond || p.Timeout <= 0 || p.Timeout > p.Interval {
		bad("probe: interval %s (at least 100ms), timeout %s (positive, at most the interval)", p.Interval, p.Timeout)
	}
	if p.Concurrency < 1 || p.Concurrency > 256 || p.Fall < 1 || p.Rise < 1 || p.Fall > 100 || p.Rise > 100 {
		bad("probe: concurrency 1-256, fall and rise 1-100")
	}
	if len(c.POPs) == 0 || len(c.POPs) > MaxPOPs {
		bad("pops: 1 to %d, got %d", MaxPOPs, len(c.POPs))
	}
	for _, name := range c.popNames() {
		errs = append(errs, c.POPs[name].validate()...)
	}
	errs = append(errs, c.validateRegions()...)
	return errors.Join(errs...)
}

func (p POP) validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("pop %s: "+format, append([]any{p.Name}, args...)...))
	}
	if !nameRE.MatchString(p.Name) {
		bad("name: lower-case letters, digits and '-'")
	}
	if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		bad("url %q: want http(s)://host[:port][/path]", p.URL)
	}
	if u, err := url.Parse(p.Readyz); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("readyz %q: want http(s)://host:port/readyz", p.Readyz)
	}
	if len(p.A)+len(p.AAAA) == 0 && p.URL == "" {
		bad("neither addresses nor a url")
	}
	if len(p.A)+len(p.AAAA) > 16 {
		bad("at most 16 addresses")
	}
	for _, a := range p.A {
		if !a.Is4() {
			bad("a %s: not an IPv4 address", a)
		}
	}
	for _, a := range p.AAAA {
		if !a.Is6() || a.Is4In6() {
			bad("aaaa %s: not an IPv6 address", a)
		}
	}
	return errs
}

func (c *Config) validateRegions() []error {
	var errs []error
	latencies := func(where string, m map[string]time.Duration) {
		for name, d := range m {
			if _, ok := c.POPs[name]; !ok {
				errs = append(errs, fmt.Errorf("%s: latency of unknown pop %q", where, name))
			}
			if d < 0 {
				errs = append(errs, fmt.Errorf("%s: latency %s of pop %s is negative", where, d, name))
			}
		}
	}
	latencies("default_latency", c.DefaultLatency)
	if len(c.Regions) > MaxRegions {
		errs = append(errs, fmt.Errorf("regions: at most %d", MaxRegions))
	}
	seen := map[netip.Prefix]string{}
	for _, name := range sortedKeys(c.Regions) {
		r := c.Regions[name]
		latencies("region "+name, r.Latency)
		if len(r.Subnets) == 0 {
			errs = append(errs, fmt.Errorf("region %s: no subnets", name))
		}
		for _, s := range r.Subnets {
			m := s.Masked()
			if other, dup := seen[m]; dup {
				errs = append(errs, fmt.Errorf("region %s: subnet %s is also in region %s", name, s, other))
			}
			seen[m] = name
		}
	}
	if len(seen) > MaxSubnets {
		errs = append(errs, fmt.Errorf("regions: at most %d subnets in all", MaxSubnets))
	}
	return errs
}

func (c *Config) popNames() []string { return sortedKeys(c.POPs) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
