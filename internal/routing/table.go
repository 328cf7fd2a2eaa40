package routing

import (
	"cmp"
	"net/netip"
	"slices"
	"time"
)

// table maps a client address to its region's POPs, nearest first.
type table struct {
	pops    []POP          // by name; a POP's index is its bit in a pop set
	regions [][]int        // region → POP indexes by latency; regions[0] is the default
	listed  []int          // region → how many of regions[i] have a configured latency (the rest: by measured RTT)
	v4, v6  prefixIndex    // subnet → region
	index   map[string]int // POP name → index
}

// prefixIndex is a longest-prefix match: one map per prefix length in use.
type prefixIndex struct {
	lens  []int // descending
	byLen map[int]map[netip.Prefix]int
}

func newTable(c *Config) *table {
	t := &table{index: map[string]int{}}
	for i, name := range c.popNames() {
		t.pops = append(t.pops, c.POPs[name])
		t.index[name] = i
	}
	add := func(lat map[string]time.Duration) {
		if c.Measure {
			lat = nil
		}
		t.regions = append(t.regions, t.order(lat))
		t.listed = append(t.listed, len(lat))
	}
	add(c.DefaultLatency)
	for _, name := range sortedKeys(c.Regions) {
		r := c.Regions[name]
		id := len(t.regions)
		add(r.Latency)
		for _, s := range r.Subnets {
			if s.Addr().Is4() {
				t.v4.add(s.Masked(), id)
			} else {
				t.v6.add(s.Masked(), id)
			}
		}
	}
	return t
}

// order is every POP, by latency (those without one last, by name).
func (t *table) order(lat map[string]time.Duration) []int {
	idx := make([]int, len(t.pops))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		la, oka := lat[t.pops[a].Name]
		lb, okb := lat[t.pops[b].Name]
		switch {
		case oka && okb:
			return cmp.Compare(la, lb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return idx
}

// region is the client's region (0: none matched).
func (t *table) region(a netip.Addr) int {
	a = a.Unmap()
	if a.Is4() {
		return t.v4.lookup(a)
	}
	return t.v6.lookup(a)
}

func (x *prefixIndex) add(p netip.Prefix, id int) {
	if x.byLen == nil {
		x.byLen = map[int]map[netip.Prefix]int{}
	}
	m, ok := x.byLen[p.Bits()]
	if !ok {
		m = map[netip.Prefix]int{}
		x.byLen[p.Bits()] = m
		x.lens = append(x.lens, p.Bits())
		slices.SortFunc(x.lens, func(a, b int) int { return b - a })
	}
	m[p] = id
}

func (x *prefixIndex) lookup(a netip.Addr) int {
	for _, l := range x.lens {
		if l > a.BitLen() {
			continue
		}
		p, _ := a.Prefix(l)
		if id, ok := x.byLen[l][p]; ok {
			return id
		}
	}
	return 0
}
