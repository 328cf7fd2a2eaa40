package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Member is one edge as the membership bucket holds it.
type Member struct {
	ID      string    `json:"id"`
	Edge    string    `json:"edge_url,omitempty"`
	Admin   string    `json:"admin_url,omitempty"`
	POP     string    `json:"pop,omitempty"`
	Version string    `json:"version,omitempty"`
	Started time.Time `json:"started"`
}

// Membership is what the fleet tells about its members (the peering helper
// and the admin view use it).
type Membership interface {
	// Members are the live members, sorted by ID.
	Members() []Member
	// Watch calls f with the live members after each change until ctx
	// ends; f runs on the watch loop and must not block.
	Watch(ctx context.Context, f func([]Member))
}

var _ Membership = (*Node)(nil)

// members is the watched bucket: key → the member and when it was last put.
type members struct {
	mu       sync.Mutex
	max      int
	byKey    map[string]seen
	last     []string // the live IDs last notified
	watchers map[int]watcher
	nextW    int
}

type seen struct {
	m  Member
	at time.Time
}

type watcher struct {
	ctx context.Context
	f   func([]Member)
}

func (s *members) init(max int) {
	s.max, s.byKey, s.watchers = max, map[string]seen{}, map[int]watcher{}
}

// heartbeat puts this edge in the bucket (its TTL counts from the last put).
func (n *Node) heartbeat(ctx context.Context) error {
	b, err := json.Marshal(n.cfg.Self)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	if _, err := n.kv.members.Put(ctx, memberKey(n.cfg.Self.ID), b); err != nil {
		n.cfg.Metrics.heartbeat("error")
		return fmt.Errorf("fleet: heartbeat: %w", err)
	}
	n.cfg.Metrics.heartbeat("ok")
	return nil
}

// heartbeats puts this edge every Heartbeat and expires the silent members.
func (n *Node) heartbeats() {
	t := time.NewTicker(n.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		if err := n.heartbeat(n.ctx); err != nil && n.ctx.Err() == nil {
			n.cfg.Logger.Warn("fleet: heartbeat failed; retried next beat", "err", err)
			if n.nc.IsConnected() {
				n.remake()
			}
		}
		n.notify()
	}
}

// watchMembers follows the bucket: puts add or refresh, deletes remove.
func (n *Node) watchMembers() error {
	err := n.follow(func() (jetstream.KeyWatcher, error) { return n.kv.members.WatchAll(n.ctx) }, func(e jetstream.KeyValueEntry) {
		if e != nil {
			n.members.update(e)
		}
		n.notify()
	})
	if err != nil {
		return fmt.Errorf("fleet: watch members: %w", err)
	}
	return nil
}

func (s *members) update(e jetstream.KeyValueEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Operation() != jetstream.KeyValuePut {
		delete(s.byKey, e.Key())
		return
	}
	m, ok := decodeMember(e.Value())
	if !ok {
		return
	}
	if _, ok := s.byKey[e.Key()]; !ok && len(s.byKey) >= s.max {
		return // full: a new member is seen once an old one goes
	}
	// When this edge heard it, not the server's stamp: no clock skew, and
	// a member is dropped at most TTL after its last put reached us.
	s.byKey[e.Key()] = seen{m, time.Now()}
}

// Members are the members put within TTL, sorted by ID.
func (n *Node) Members() []Member {
	n.members.mu.Lock()
	defer n.members.mu.Unlock()
	return n.members.live(time.Now().Add(-n.cfg.TTL))
}

func (s *members) live(since time.Time) []Member {
	var out []Member
	for k, v := range s.byKey {
		if v.at.Before(since) {
			delete(s.byKey, k) // expired: the bucket dropped it too
			continue
		}
		out = append(out, v.m)
	}
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Watch calls f after each change of the live members until ctx ends.
func (n *Node) Watch(ctx context.Context, f func([]Member)) {
	n.members.mu.Lock()
	id := n.members.nextW
	n.members.nextW++
	n.members.watchers[id] = watcher{ctx, f}
	n.members.mu.Unlock()
	context.AfterFunc(ctx, func() {
		n.members.mu.Lock()
		delete(n.members.watchers, id)
		n.members.mu.Unlock()
	})
}

// notify tells the watchers when the live IDs changed.
func (n *Node) notify() {
	s := &n.members
	s.mu.Lock()
	live := s.live(time.Now().Add(-n.cfg.TTL))
	ids := make([]string, len(live))
	for i, m := range live {
		ids[i] = m.ID
	}
	changed := !slices.Equal(ids, s.last)
	s.last = ids
	var fs []func([]Member)
	if changed {
		for _, w := range s.watchers {
			if w.ctx.Err() == nil {
				fs = append(fs, w.f)
			}
		}
	}
	s.mu.Unlock()
	n.cfg.Metrics.setMembers(len(live))
	for _, f := range fs {
		f(slices.Clone(live))
	}
}

// maxMemberBytes bounds one membership value.
const maxMemberBytes = 4 << 10

// decodeMember reads one membership value: JSON with an ID, at most
// maxMemberBytes.
func decodeMember(b []byte) (Member, bool) {
	var m Member
	if len(b) > maxMemberBytes || json.Unmarshal(b, &m) != nil || m.ID == "" {
		return Member{}, false
	}
	return m, true
}

// EdgesOf is the edge URLs of the members of pop but self (an ID): the
// other edges of this edge's POP, for peering.
func EdgesOf(ms []Member, pop, self string) []string {
	var out []string
	for _, m := range ms {
		if m.POP == pop && m.ID != self && m.Edge != "" {
			out = append(out, m.Edge)
		}
	}
	return out
}
