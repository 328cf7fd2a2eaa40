package limits

import (
	"container/list"
	"net"
	"net/netip"
	"time"
)

// ipEntry is the state kept for one client IP.
type ipEntry struct {
	key    netip.Addr
	elem   *list.Element // nil once removed from its table
	conns  int           // open connections (listener table)
	tokens float64       // rate bucket (handler table)
	last   time.Time     // last use; bucket refill reference
}

// ipTable is a bounded map from client IP to state, least recently used
// first out. It is not safe for concurrent use; its owner locks it. Expiry is
// lazy: each lookup drops a few expired entries from the cold end, so there is
// no goroutine to stop.
type ipTable struct {
	max     int
	idle    time.Duration // an entry unused this long with no connections is dropped
	items   map[netip.Addr]*ipEntry
	lru     list.List // front: most recently used
	tracked func(delta float64)
}

func newIPTable(maxEntries int, idle time.Duration, tracked func(float64)) *ipTable {
	t := &ipTable{max: maxEntries, idle: idle, items: map[netip.Addr]*ipEntry{}, tracked: tracked}
	t.lru.Init()
	return t
}

// get returns key's entry, creating it (and evicting to stay in bound) if
// needed; created reports a new entry.
func (t *ipTable) get(key netip.Addr, now time.Time) (e *ipEntry, created bool) {
	t.expire(now, 2)
	if e := t.items[key]; e != nil {
		t.lru.MoveToFront(e.elem)
		return e, false
	}
	for len(t.items) >= t.max {
		t.remove(t.victim())
	}
	e = &ipEntry{key: key, last: now}
	e.elem = t.lru.PushFront(e)
	t.items[key] = e
	t.tracked(1)
	return e, true
}

// remove drops e from the table; a connection still holding e keeps using it
// harmlessly.
func (t *ipTable) remove(e *ipEntry) {
	if e == nil || e.elem == nil {
		return
	}
	t.lru.Remove(e.elem)
	e.elem = nil
	delete(t.items, e.key)
	t.tracked(-1)
}

// expire drops up to n idle entries from the cold end.
func (t *ipTable) expire(now time.Time, n int) {
	for ; n > 0; n-- {
		back := t.lru.Back()
		if back == nil {
			return
		}
		e := back.Value.(*ipEntry)
		if e.conns > 0 || now.Sub(e.last) < t.idle {
			return
		}
		t.remove(e)
	}
}

// victim picks the entry to evict from a full table: the least recently used
// one without open connections among the coldest few, else the coldest.
func (t *ipTable) victim() *ipEntry {
	el := t.lru.Back()
	for i := 0; el != nil && i < 8; i, el = i+1, el.Prev() {
		if e := el.Value.(*ipEntry); e.conns == 0 {
			return e
		}
	}
	return t.lru.Back().Value.(*ipEntry)
}

// clientKey is the limit key of a peer address: the IPv4 address, or the /64
// of an IPv6 address. ok is false for addresses without an IP (unix sockets).
func clientKey(addr string) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return netip.Addr{}, false
		}
		ap = netip.AddrPortFrom(a, 0)
	}
	a := ap.Addr().Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		a = p.Addr()
	}
	return a, true
}

func netAddrKey(a net.Addr) (netip.Addr, bool) {
	if a == nil {
		return netip.Addr{}, false
	}
	if ta, ok := a.(*net.TCPAddr); ok {
		return clientKey(ta.AddrPort().String())
	}
	return clientKey(a.String())
}
