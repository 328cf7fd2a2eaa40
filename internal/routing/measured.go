package routing

import (
	"cmp"
	"slices"
	"time"
)

// rerank orders the POPs by measured RTT after a probe round; a changed
// order is a new generation (the router's answer cache is emptied then).
// The order is kept while no POP in it is slower than one after it by
// more than the margin (reorderMargin), so near-equal POPs do not swap
// answers at every round.
func (p *Prober) rerank() {
	p.mu.Lock()
	defer p.mu.Unlock()
	rtt := func(i int) time.Duration {
		if d := p.state[p.pops[i].Name].rtt; d > 0 {
			return d
		}
		return time.Duration(1<<63 - 1) // unmeasured: last
	}
	if p.ranks != nil && !p.outOfOrder(rtt) {
		return
	}
	idx := make([]int, len(p.pops))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(rtt(a), rtt(b)) })
	ranks := make([]int, len(idx))
	for place, i := range idx {
		ranks[i] = place
	}
	if !slices.Equal(ranks, p.ranks) {
		p.ranks, p.gen = ranks, p.gen+1
	}
}

// reorderMargin is how much slower (20%, at least 1 ms) a POP must be than
// one ranked after it to reorder.
func reorderMargin(d time.Duration) time.Duration { return max(d/5, time.Millisecond) }

// outOfOrder tells whether the current ranking has a POP slower than a
// later one by more than the margin (or a measured one after an
// unmeasured one).
func (p *Prober) outOfOrder(rtt func(int) time.Duration) bool {
	order := make([]int, len(p.ranks))
	for i, place := range p.ranks {
		order[place] = i
	}
	const unmeasured = time.Duration(1<<63 - 1)
	for a := range order {
		for _, b := range order[a+1:] {
			ra, rb := rtt(order[a]), rtt(b)
			if ra == unmeasured && rb != unmeasured {
				return true
			}
			if ra != unmeasured && rb != unmeasured && ra > rb+reorderMargin(rb) {
				return true
			}
		}
	}
	return false
}

// ranking is the current order by measured RTT and its generation (nil
// before the first round: name order).
func (p *Prober) ranking() (uint64, []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gen, p.ranks
}

// orderOf is region's POPs: those with a configured latency by it, then
// the others by the latency viewers report (reported[i], 0: none), then
// by the router's measured RTT.
func (r *Router) orderOf(region int, ranks []int, reported []time.Duration) []int {
	order, listed := r.t.regions[region], r.t.listed[region]
	if listed == len(order) || (ranks == nil && reported == nil) {
		return order
	}
	order = slices.Clone(order)
	slices.SortStableFunc(order[listed:], func(a, b int) int {
		if reported != nil {
			ra, rb := reported[a], reported[b]
			switch {
			case ra > 0 && rb > 0 && ra != rb:
				return cmp.Compare(ra, rb)
			case ra > 0 && rb == 0:
				return -1
			case rb > 0 && ra == 0:
				return 1
			}
		}
		if ranks == nil {
			return 0
		}
		return cmp.Compare(ranks[a], ranks[b])
	})
	return order
}
