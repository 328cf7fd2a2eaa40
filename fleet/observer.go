package fleet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// An observer (Config.Observer: the request router) follows the membership
// only: it is no member (no heartbeat, nothing withdrawn on Close), follows
// no invalidations and no configuration, and changes no bucket the edges
// made: it takes the members bucket's TTL as it finds it, and makes the
// bucket (with Config.TTL) only when no edge has yet.

// setupObserver opens the members bucket, or makes it when it is missing.
func (n *Node) setupObserver(ctx context.Context) error {
	js, err := jetstream.New(n.nc, jetstream.WithDefaultTimeout(n.cfg.Timeout))
	if err != nil {
		return fmt.Errorf("fleet: jetstream: %w", err)
	}
	n.js = js
	ctx, cancel := context.WithTimeout(ctx, 2*n.cfg.Timeout)
	defer cancel()
	kv, err := js.KeyValue(ctx, MembersBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: MembersBucket, TTL: n.cfg.TTL, MaxBytes: 16 << 20,
			Replicas: n.cfg.Replicas, Storage: jetstream.FileStorage})
		if errors.Is(err, jetstream.ErrBucketExists) { // an edge made it meanwhile
			kv, err = js.KeyValue(ctx, MembersBucket)
		}
	}
	if err != nil {
		return fmt.Errorf("fleet: bucket %s: %w", MembersBucket, err)
	}
	if st, err := kv.Status(ctx); err == nil && st.TTL() > 0 {
		n.cfg.TTL = st.TTL() // the edges' TTL decides who is live
	}
	n.kv.members = kv
	return nil
}

// startObserver watches the members and, every Heartbeat, drops the
// silent ones (a crashed edge leaves no delete). It returns once the
// members there are have been read, or after Timeout.
func (n *Node) startObserver() error {
	n.inv.ready.Store(true)
	initial := make(chan struct{})
	var seen bool
	err := n.follow(func() (jetstream.KeyWatcher, error) { return n.kv.members.WatchAll(n.ctx) }, func(e jetstream.KeyValueEntry) {
		if e != nil {
			n.members.update(e)
		} else if !seen {
			seen = true
			close(initial)
		}
		n.notify()
	})
	if err != nil {
		return fmt.Errorf("fleet: watch members: %w", err)
	}
	n.goLoop(func() {
		t := time.NewTicker(n.cfg.Heartbeat)
		defer t.Stop()
		for {
			select {
			case <-n.ctx.Done():
				return
			case <-t.C:
				n.notify()
			}
		}
	})
	select {
	case <-initial:
	case <-time.After(n.cfg.Timeout):
	}
	return nil
}
