package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/streamedge/streamedge/invalidation"
)

// invMsg is one invalidation on the fleet stream.
type invMsg struct {
	ID      string    `json:"id"`
	Ref     string    `json:"caller_reference"`
	From    string    `json:"from"` // the edge that created it
	Paths   []string  `json:"paths"`
	Created time.Time `json:"created"`
}

// invState is the invalidation side of a Node.
type invState struct {
	ready   atomic.Bool
	mu      sync.Mutex
	max     int
	pubs    []invMsg // created here, not yet in the stream; oldest first
	acks    []string // ack keys not yet put
	done    map[string]bool
	doneIDs []string // FIFO of done, at most max
	kick    chan struct{}
}

func (s *invState) init(max int) {
	s.max, s.done, s.kick = max, map[string]bool{}, make(chan struct{}, 1)
}

var _ invalidation.Progress = (*Node)(nil)

// Created queues a new invalidation of this edge for the fleet stream; the
// retry loop publishes it at once, or when NATS is back.
func (n *Node) Created(inv invalidation.Invalidation) {
	s := &n.inv
	s.mu.Lock()
	if len(s.pubs) >= s.max {
		s.pubs = slices.Delete(s.pubs, 0, 1)
		n.cfg.Metrics.droppedInc()
		n.cfg.Logger.Error("fleet: retry queue full; the oldest unpublished invalidation was dropped (applied on this edge only)")
	}
	s.pubs = append(s.pubs, invMsg{ID: inv.ID, Ref: inv.CallerReference, From: n.cfg.Self.ID, Paths: inv.Paths, Created: inv.CreateTime})
	s.mu.Unlock()
	s.poke()
}

func (s *invState) poke() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// retryPublishes publishes queued invalidations and puts queued acks, on
// each kick and every Heartbeat while some remain.
func (n *Node) retryPublishes() {
	t := time.NewTicker(n.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-n.inv.kick:
		case <-t.C:
		}
		n.flushPublishes()
		n.flushAcks()
	}
}

func (n *Node) flushPublishes() {
	s := &n.inv
	for {
		s.mu.Lock()
		if len(s.pubs) == 0 {
			s.mu.Unlock()
			return
		}
		m := s.pubs[0]
		s.mu.Unlock()
		if err := n.publish(m); err != nil {
			n.cfg.Metrics.publishedInc("error")
			n.cfg.Logger.Warn("fleet: invalidation not published; retried", "id", m.ID, "err", err)
			return
		}
		n.cfg.Metrics.publishedInc("ok")
		s.mu.Lock()
		if len(s.pubs) > 0 && s.pubs[0].ID == m.ID {
			s.pubs = s.pubs[1:]
		}
		s.mu.Unlock()
	}
}

func (n *Node) publish(m invMsg) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := n.call()
	defer cancel()
	// The ID as the message ID: a retry after a lost ack is not stored twice.
	_, err = n.js.Publish(ctx, invalidationSubj, b, jetstream.WithMsgID(m.ID))
	return err
}

func (n *Node) flushAcks() {
	s := &n.inv
	s.mu.Lock()
	keys := s.acks
	s.acks = nil
	s.mu.Unlock()
	for i, k := range keys {
		if err := n.putAck(k); err != nil {
			s.mu.Lock()
			s.acks = append(keys[i:], s.acks...)
			s.acks = s.acks[:min(len(s.acks), s.max)]
			s.mu.Unlock()
			return
		}
	}
}

func (n *Node) putAck(key string) error {
	ctx, cancel := n.call()
	defer cancel()
	_, err := n.kv.acks.Put(ctx, key, []byte(n.cfg.Self.ID))
	return err
}

func ackKey(id, edgeID string) string { return "inv." + id + "." + memberKey(edgeID) }

// consumerIdle is how long the server keeps the consumer of an edge that
// went away without closing.
const consumerIdle = 30 * time.Second

// followInvalidations reads the stream from its first retained message,
// applying each; Ready turns true once what the stream held at the start
// has been applied. After a reconnect it reads on from where it was (from
// the start again when the stream is new).
func (n *Node) followInvalidations(ctx context.Context) error {
	it, target, err := n.consume(ctx, 0)
	if err != nil {
		return err
	}
	if target == 0 {
		n.inv.ready.Store(true)
	}
	n.goLoop(func() {
		var last uint64
		for {
			last = n.readInvalidations(it, target, last)
			it.Stop()
			for it = nil; it == nil; {
				if n.ctx.Err() != nil {
					return
				}
				if it, _, err = n.consume(n.ctx, last); err != nil {
					it = nil
					n.cfg.Logger.Warn("fleet: invalidation consumer not restarted; retried", "err", err)
					select {
					case <-n.ctx.Done():
					case <-time.After(n.cfg.Heartbeat):
					}
				}
			}
		}
	})
	return nil
}

// consume starts an ordered consumer after sequence last (from the first
// retained message when last is 0 or past the stream's end: a new stream);
// target is the stream's last sequence (0: empty).
func (n *Node) consume(ctx context.Context, last uint64) (jetstream.MessagesContext, uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	st, err := n.js.Stream(ctx, InvalidationStream)
	if err != nil {
		return nil, 0, fmt.Errorf("fleet: stream: %w", err)
	}
	state := st.CachedInfo().State
	cc := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy, InactiveThreshold: consumerIdle}
	if last > 0 && last <= state.LastSeq {
		cc.DeliverPolicy, cc.OptStartSeq = jetstream.DeliverByStartSequencePolicy, last+1
	}
	cons, err := st.OrderedConsumer(ctx, cc)
	if err != nil {
		return nil, 0, fmt.Errorf("fleet: consumer: %w", err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, 0, fmt.Errorf("fleet: consume: %w", err)
	}
	target := state.LastSeq
	if state.Msgs == 0 {
		target = 0
	}
	return it, target, nil
}

// readInvalidations applies messages until Close or a reconnect; it
// returns the last stream sequence applied.
func (n *Node) readInvalidations(it jetstream.MessagesContext, target, last uint64) uint64 {
	again := n.reconn.next()
	// Close or a reconnect ends this read. Stopping the iterator alone is
	// not enough: an ordered consumer recreating itself after a lost
	// connection can miss the Stop and leave Next blocked for good (seen: a
	// Close waiting 6 minutes), so Next also watches ctx.
	ctx, cancel := context.WithCancel(n.ctx)
	defer cancel()
	n.goLoop(func() {
		select {
		case <-again:
			it.Stop()
			cancel()
		case <-ctx.Done():
			it.Stop()
		}
	})
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
			return last
		}
		if err != nil { // the ordered consumer recreates itself
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		n.apply(msg.Data())
		if md, err := msg.Metadata(); err == nil {
			last = md.Sequence.Stream
			if last >= target || md.NumPending == 0 {
				n.inv.ready.Store(true)
			}
		}
	}
}

// apply adopts one fleet invalidation into this edge's Set and acks it. It
// takes effect at its creation time plus ClockSkew, or now if that is
// later than now: live, that is the moment it arrives (an edge whose clock
// lags the creator's still drops every copy stored before); replayed from
// the stream after a restart, copies fetched well after it was made stay.
// The creator (and an edge that has it already) changes nothing.
func (n *Node) apply(data []byte) {
	m, err := decodeInvalidation(data)
	if err != nil {
		n.cfg.Logger.Warn("fleet: malformed invalidation on the stream, skipped", "err", err)
		return
	}
	at := time.Now()
	if t := m.Created.Add(n.cfg.ClockSkew); t.Before(at) {
		at = t
	}
	inv := invalidation.Invalidation{ID: m.ID, CallerReference: m.Ref, Paths: m.Paths, CreateTime: m.Created}
	if err := n.cfg.Invalidations.Adopt(inv, at); err != nil {
		n.cfg.Logger.Warn("fleet: invalidation not applied", "id", m.ID, "err", err)
		return
	}
	n.cfg.Metrics.appliedInc()
	if err := n.putAck(ackKey(m.ID, n.cfg.Self.ID)); err != nil {
		n.inv.mu.Lock()
		if len(n.inv.acks) < n.inv.max {
			n.inv.acks = append(n.inv.acks, ackKey(m.ID, n.cfg.Self.ID))
		}
		n.inv.mu.Unlock()
		n.inv.poke()
	}
}

// errMalformed is wrapped by every refused stream message.
var errMalformed = errors.New("fleet: malformed invalidation message")

// decodeInvalidation reads one stream message: a valid ID, and one to
// MaxBatchPaths paths that invalidation accepts.
func decodeInvalidation(data []byte) (invMsg, error) {
	var m invMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return invMsg{}, fmt.Errorf("%w: %w", errMalformed, err)
	}
	if !validID(m.ID) || len(m.Paths) == 0 || len(m.Paths) > invalidation.MaxBatchPaths {
		return invMsg{}, fmt.Errorf("%w: id %q, %d paths", errMalformed, m.ID, len(m.Paths))
	}
	for _, p := range m.Paths {
		if err := invalidation.CheckPath(p); err != nil {
			return invMsg{}, fmt.Errorf("%w: %w", errMalformed, err)
		}
	}
	return m, nil
}

// validID accepts the IDs invalidation makes ('I' and [A-Z2-7]): safe in a KV key.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Status is "Completed" once every live member acked inv, else
// "InProgress" (also while it waits to be published, or NATS does not
// answer).
func (n *Node) Status(ctx context.Context, inv invalidation.Invalidation) string {
	s := &n.inv
	s.mu.Lock()
	done := s.done[inv.ID]
	queued := slices.ContainsFunc(s.pubs, func(m invMsg) bool { return m.ID == inv.ID })
	s.mu.Unlock()
	switch {
	case done:
		return invalidation.StatusCompleted
	case queued:
		return invalidation.StatusInProgress
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	ids := []string{n.cfg.Self.ID} // this edge, even before its own put is seen
	for _, m := range n.Members() {
		if m.ID != n.cfg.Self.ID {
			ids = append(ids, m.ID)
		}
	}
	for _, id := range ids {
		if _, err := n.kv.acks.Get(ctx, ackKey(inv.ID, id)); err != nil {
			return invalidation.StatusInProgress
		}
	}
	n.markDone(inv.ID)
	return invalidation.StatusCompleted
}

func (n *Node) markDone(id string) {
	s := &n.inv
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done[id] {
		return
	}
	if len(s.doneIDs) >= s.max {
		delete(s.done, s.doneIDs[0])
		s.doneIDs = s.doneIDs[1:]
	}
	s.done[id] = true
	s.doneIDs = append(s.doneIDs, id)
}

// Ready reports that the retained invalidations are applied and the
// fleet configuration (when followed) was seen.
func (n *Node) Ready() bool {
	return n.inv.ready.Load() && (n.cfg.Reload == nil || n.conf.seen.Load())
}
