package fleet

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/streamedge/streamedge/invalidation"
)

// The JetStream names the fleet uses.
const (
	MembersBucket      = "streamedge_members"
	AcksBucket         = "streamedge_acks"
	ConfigBucket       = "streamedge_config"
	ConfigStatusBucket = "streamedge_config_status"
	ConfigKey          = "edge.yaml"
	InvalidationStream = "STREAMEDGE_INVALIDATIONS"
	invalidationSubj   = "streamedge.invalidations"
)

// Defaults of Config's zero fields.
const (
	DefaultHeartbeat   = time.Second
	DefaultTTL         = 3 * time.Second
	DefaultTimeout     = 2 * time.Second
	DefaultRetention   = 24 * time.Hour
	DefaultMaxMessages = 10000
	DefaultMaxBytes    = 64 << 20
	DefaultMaxMembers  = 4096
	DefaultMaxPending  = 1000
	DefaultMaxConfig   = 1 << 20
	DefaultClockSkew   = 5 * time.Second
)

// Applier takes a fleet invalidation into this edge (an
// *invalidation.Set: its Adopt, a no-op for one it has).
type Applier interface {
	Adopt(inv invalidation.Invalidation, at time.Time) error
}

// Config configures a Node. Zero durations and bounds take the defaults.
type Config struct {
	URL  string // nats://host:port[,nats://...]
	Self Member // this edge; Self.ID is required

	Heartbeat   time.Duration // membership put interval; default 1s
	TTL         time.Duration // a member not heard from for TTL is gone; default 3s
	Timeout     time.Duration // every NATS call; default 2s
	Retention   time.Duration // invalidation stream max age (and acks' TTL); default 24h
	MaxMessages int64         // invalidation stream messages; default 10,000
	MaxBytes    int64         // invalidation stream bytes; default 64 MiB
	MaxMembers  int           // members kept; default 4096
	MaxPending  int           // unpublished invalidations kept for retry; default 1000
	MaxConfig   int           // configuration bytes; default 1 MiB
	ClockSkew   time.Duration // allowed between edges' clocks when a retained invalidation is replayed; default 5s
	Replicas    int           // JetStream replicas of every bucket and stream; default 1

	// Observer follows the membership only, as no member (observer.go):
	// Self.ID then only names the connection.
	Observer bool

	// Invalidations receives every fleet invalidation (nil: not followed).
	Invalidations Applier
	// Reload loads a fleet configuration version; an error rejects it and
	// the edge keeps the configuration it runs (nil: not followed).
	Reload func(version uint64, yaml []byte) error

	Metrics *Metrics     // nil: not counted
	Logger  *slog.Logger // nil: discarded
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Heartbeat, DefaultHeartbeat)
	def(&c.TTL, DefaultTTL)
	def(&c.Timeout, DefaultTimeout)
	def(&c.Retention, DefaultRetention)
	def(&c.ClockSkew, DefaultClockSkew)
	if c.MaxMessages <= 0 {
		c.MaxMessages = DefaultMaxMessages
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxMembers <= 0 {
		c.MaxMembers = DefaultMaxMembers
	}
	if c.MaxPending <= 0 {
		c.MaxPending = DefaultMaxPending
	}
	if c.MaxConfig <= 0 {
		c.MaxConfig = DefaultMaxConfig
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Node is this edge's link to the fleet. Its methods are safe for concurrent use.
type Node struct {
	cfg    Config
	nc     *nats.Conn
	js     jetstream.JetStream
	kv     struct{ members, acks, config, status jetstream.KeyValue }
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	members members
	inv     invState
	conf    confState
	reconn  *reconnects
}

// Open connects to NATS, makes the buckets and the stream if they are
// missing, and starts the heartbeat and the followers. It fails when NATS
// cannot be reached within Timeout; later losses are survived.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	cfg = cfg.withDefaults()
	if cfg.Self.ID == "" || cfg.URL == "" {
		return nil, errors.New("fleet: a NATS URL and this edge's ID are required")
	}
	log := cfg.Logger
	reconn := newReconnects()
	nc, err := nats.Connect(cfg.URL, nats.Name("streamedge "+cfg.Self.ID), nats.Timeout(cfg.Timeout),
		nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn("fleet: NATS disconnected", "err", err) }),
		nats.ReconnectHandler(func(c *nats.Conn) {
			log.Info("fleet: NATS reconnected", "url", c.ConnectedUrlRedacted())
			reconn.fire()
		}))
	if err != nil {
		return nil, fmt.Errorf("fleet: connect %s: %w", cfg.URL, err)
	}
	n := &Node{cfg: cfg, nc: nc, reconn: reconn}
	n.members.init(cfg.MaxMembers)
	n.inv.init(cfg.MaxPending)
	if err := n.setup(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	if err := n.start(ctx); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// setup opens JetStream and makes the buckets and the stream.
func (n *Node) setup(ctx context.Context) error {
	if n.cfg.Observer {
		return n.setupObserver(ctx)
	}
	js, err := jetstream.New(n.nc, jetstream.WithDefaultTimeout(n.cfg.Timeout))
	if err != nil {
		return fmt.Errorf("fleet: jetstream: %w", err)
	}
	n.js = js
	kvs, err := n.ensure(ctx)
	if err != nil {
		return err
	}
	n.kv.members, n.kv.acks, n.kv.config, n.kv.status = kvs[0], kvs[1], kvs[2], kvs[3]
	return nil
}

// ensure makes (or updates to these bounds) the buckets and the stream:
// at start, and again when NATS came back without them.
func (n *Node) ensure(ctx context.Context) ([]jetstream.KeyValue, error) {
	c := n.cfg
	ctx, cancel := context.WithTimeout(ctx, 4*c.Timeout)
	defer cancel()
	var kvs []jetstream.KeyValue
	for _, b := range []jetstream.KeyValueConfig{
		{Bucket: MembersBucket, TTL: c.TTL, MaxBytes: 16 << 20},
		{Bucket: AcksBucket, TTL: c.Retention, MaxBytes: 64 << 20},
		{Bucket: ConfigBucket, History: 8, MaxValueSize: int32(c.MaxConfig), MaxBytes: 16 * int64(c.MaxConfig)},
		{Bucket: ConfigStatusBucket, MaxBytes: 16 << 20},
	} {
		b.Replicas, b.Storage = c.Replicas, jetstream.FileStorage
		kv, err := n.js.CreateOrUpdateKeyValue(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("fleet: bucket %s: %w", b.Bucket, err)
		}
		kvs = append(kvs, kv)
	}
	_, err := n.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: InvalidationStream, Subjects: []string{invalidationSubj},
		MaxAge: c.Retention, MaxMsgs: c.MaxMessages, MaxBytes: c.MaxBytes, Discard: jetstream.DiscardOld,
		Storage: jetstream.FileStorage, Replicas: c.Replicas})
	if err != nil {
		return nil, fmt.Errorf("fleet: stream %s: %w", InvalidationStream, err)
	}
	return kvs, nil
}

// remake runs after a heartbeat failed while connected: NATS may have come
// back without the fleet's state. It makes it again and restarts the
// watches and the consumer.
func (n *Node) remake() {
	if _, err := n.ensure(n.ctx); err != nil {
		n.cfg.Logger.Warn("fleet: buckets and stream not made again; retried next beat", "err", err)
		return
	}
	n.cfg.Logger.Info("fleet: buckets and stream checked after a failed heartbeat; watches start again")
	n.reconn.fire()
}

// start runs the loops: heartbeat and member watch, invalidations, config.
func (n *Node) start(ctx context.Context) error {
	if n.cfg.Observer {
		return n.startObserver()
	}
	if err := n.heartbeat(ctx); err != nil {
		return err
	}
	if err := n.watchMembers(); err != nil {
		return err
	}
	n.goLoop(n.heartbeats)
	n.goLoop(n.retryPublishes)
	if n.cfg.Invalidations != nil {
		if err := n.followInvalidations(ctx); err != nil {
			return err
		}
	} else {
		n.inv.ready.Store(true)
	}
	if n.cfg.Reload != nil {
		return n.followConfig()
	}
	return nil
}

func (n *Node) goLoop(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// call is a context for one NATS call.
func (n *Node) call() (context.Context, context.CancelFunc) {
	return context.WithTimeout(n.ctx, n.cfg.Timeout)
}

// closeTimeout bounds Close's goodbye: without it the member expires after TTL.
const closeTimeout = 300 * time.Millisecond

// Close withdraws this edge from the membership, stops every loop and
// closes the connection. Every goroutine has ended when it returns.
func (n *Node) Close() {
	if n.cancel == nil {
		n.nc.Close()
		return
	}
	if n.nc.IsConnected() && !n.cfg.Observer { // gone at once rather than after TTL; best effort, briefly
		ctx, cancel := context.WithTimeout(context.Background(), min(n.cfg.Timeout, closeTimeout))
		_ = n.kv.members.Delete(ctx, memberKey(n.cfg.Self.ID))
		cancel()
	}
	n.cancel()
	n.wg.Wait()
	n.nc.Close()
}

// Connected reports whether the NATS connection is up. While it is not,
// no member is heard from and Members empties after TTL: users of the
// membership that must not read an outage as everyone gone (peering, the
// router's health) keep the last list they had meanwhile.
func (n *Node) Connected() bool { return n.nc.IsConnected() }

// ID is this edge's ID.
func (n *Node) ID() string { return n.cfg.Self.ID }

// memberKey is an edge ID as a KV key: base64url, since an ID such as
// host:port holds characters keys may not.
func memberKey(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// reconnects tells the watch loops that the client reconnected: the server
// may have lost their consumers, so they watch again.
type reconnects struct {
	mu sync.Mutex
	ch chan struct{}
}

func newReconnects() *reconnects { return &reconnects{ch: make(chan struct{})} }

func (r *reconnects) next() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ch
}

func (r *reconnects) fire() {
	r.mu.Lock()
	defer r.mu.Unlock()
	close(r.ch)
	r.ch = make(chan struct{})
}

// follow runs a KV watch until Close: each entry (nil once the initial
// values are in) goes to each; after a reconnect, or when the watch ends,
// it watches again (every Heartbeat until that works).
func (n *Node) follow(start func() (jetstream.KeyWatcher, error), each func(jetstream.KeyValueEntry)) error {
	w, err := start()
	if err != nil {
		return err
	}
	n.goLoop(func() {
		for {
			n.drain(w, each)
			if n.ctx.Err() != nil {
				return // Close's nc.Close ends the subscription (Stop could wait out a timeout with NATS down)
			}
			_ = w.Stop()
			for w = nil; w == nil; {
				if n.ctx.Err() != nil {
					return
				}
				if w, err = start(); err != nil {
					w = nil
					n.cfg.Logger.Warn("fleet: watch not restarted; retried", "err", err)
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

// drain hands w's entries to each until Close, a reconnect or w's end.
func (n *Node) drain(w jetstream.KeyWatcher, each func(jetstream.KeyValueEntry)) {
	again := n.reconn.next()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-again:
			return
		case e, ok := <-w.Updates():
			if !ok {
				return
			}
			each(e)
		}
	}
}
