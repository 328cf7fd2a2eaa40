package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ConfigStatus is what an edge reports about the fleet configuration under
// its key in the streamedge_config_status bucket.
type ConfigStatus struct {
	Edge     string    `json:"edge"`
	Version  uint64    `json:"version"`            // the version it runs (0: none from the fleet)
	Rejected uint64    `json:"rejected,omitempty"` // the newest version it could not load
	Error    string    `json:"error,omitempty"`    // why
	At       time.Time `json:"at"`
}

// confState is the configuration side of a Node.
type confState struct {
	seen     atomic.Bool // the bucket's current version was looked at
	mu       sync.Mutex
	version  uint64
	tried    uint64
	triedSum [32]byte
	status   ConfigStatus
}

// ErrConfigTooLarge is returned by PutConfig for a file over MaxConfig.
var ErrConfigTooLarge = errors.New("fleet: configuration over the size bound")

// PutConfig publishes yaml as the fleet's next configuration version and
// returns the version.
func (n *Node) PutConfig(ctx context.Context, yaml []byte) (uint64, error) {
	if len(yaml) > n.cfg.MaxConfig {
		return 0, fmt.Errorf("%w: %d bytes, at most %d", ErrConfigTooLarge, len(yaml), n.cfg.MaxConfig)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	v, err := n.kv.config.Put(ctx, ConfigKey, yaml)
	if err != nil {
		return 0, fmt.Errorf("fleet: put configuration: %w", err)
	}
	return v, nil
}

// ConfigVersion is the fleet configuration version this edge runs (0: none).
func (n *Node) ConfigVersion() uint64 {
	n.conf.mu.Lock()
	defer n.conf.mu.Unlock()
	return n.conf.version
}

// followConfig loads each new version of edge.yaml through Reload.
func (n *Node) followConfig() error {
	err := n.follow(func() (jetstream.KeyWatcher, error) { return n.kv.config.Watch(n.ctx, ConfigKey) }, func(e jetstream.KeyValueEntry) {
		if e != nil && e.Operation() == jetstream.KeyValuePut {
			n.load(e.Revision(), e.Value())
		}
		n.conf.seen.Store(true)
	})
	if err != nil {
		return fmt.Errorf("fleet: watch configuration: %w", err)
	}
	return nil
}

// load runs one version through Reload and reports the result.
func (n *Node) load(version uint64, yaml []byte) {
	c := &n.conf
	sum := sha256.Sum256(yaml)
	c.mu.Lock()
	// The same revision and bytes again (a watch started over) is nothing
	// new; a lower revision, or other bytes under the same one, is a bucket
	// made again on a NATS that lost its state: loaded.
	if version == c.tried && sum == c.triedSum {
		c.mu.Unlock()
		return
	}
	c.tried, c.triedSum = version, sum
	c.mu.Unlock()
	err := n.cfg.Reload(version, yaml)
	c.mu.Lock()
	c.status = ConfigStatus{Edge: n.cfg.Self.ID, Version: c.version, At: time.Now().UTC()}
	if err != nil {
		c.status.Rejected, c.status.Error = version, err.Error()
	} else {
		c.version = version
		c.status.Version = version
	}
	st := c.status
	c.mu.Unlock()
	if err != nil {
		n.cfg.Metrics.rejected()
		n.cfg.Logger.Error("fleet: configuration version rejected; the one in use keeps serving", "version", version, "err", err)
	} else {
		n.cfg.Metrics.setVersion(version)
		n.cfg.Logger.Info("fleet: configuration version loaded", "version", version)
	}
	n.report(st)
}

func (n *Node) report(st ConfigStatus) {
	b, _ := json.Marshal(st)
	ctx, cancel := n.call()
	defer cancel()
	if _, err := n.kv.status.Put(ctx, memberKey(n.cfg.Self.ID), b); err != nil {
		n.cfg.Logger.Warn("fleet: configuration status not reported", "err", err)
	}
}

// ConfigStatuses are the edges' reports, at most MaxMembers of them.
func (n *Node) ConfigStatuses(ctx context.Context) ([]ConfigStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	kl, err := n.kv.status.ListKeys(ctx)
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("fleet: configuration statuses: %w", err)
	}
	defer func() { _ = kl.Stop() }()
	var out []ConfigStatus
	for k := range kl.Keys() {
		if len(out) >= n.cfg.MaxMembers {
			break
		}
		e, err := n.kv.status.Get(ctx, k)
		if err != nil {
			continue
		}
		var st ConfigStatus
		if json.Unmarshal(e.Value(), &st) == nil {
			out = append(out, st)
		}
	}
	return out, nil
}
