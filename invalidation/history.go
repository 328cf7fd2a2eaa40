package invalidation

import (
	"crypto/rand"
	"errors"
	"slices"
	"time"
)

// ErrBatchExists is returned for a CallerReference already used with other paths.
var ErrBatchExists = errors.New("invalidation: CallerReference already used with other paths")

// Invalidation is one CreateInvalidation batch, as the API reports it.
type Invalidation struct {
	ID              string
	CallerReference string
	Paths           []string
	CreateTime      time.Time
}

// history keeps the newest invalidations for Get, List and idempotency,
// at most max of them and maxBytes of their strings.
type history struct {
	max      int
	maxBytes int
	bytes    int
	items    []*Invalidation // oldest first
	byID     map[string]*Invalidation
	byRef    map[string]*Invalidation
}

func newHistory(max, maxBytes int) history {
	return history{max: max, maxBytes: maxBytes, byID: map[string]*Invalidation{}, byRef: map[string]*Invalidation{}}
}

// size is what an invalidation's strings cost the history.
func (inv *Invalidation) size() int {
	n := len(inv.ID) + len(inv.CallerReference)
	for _, p := range inv.Paths {
		n += len(p)
	}
	return n
}

// push keeps inv, dropping the oldest beyond the bounds (the newest is
// always kept: one batch is at most the API's body bound).
func (h *history) push(inv *Invalidation) {
	h.items = append(h.items, inv)
	h.byID[inv.ID] = inv
	h.byRef[inv.CallerReference] = inv
	h.bytes += inv.size()
	for len(h.items) > h.max || h.bytes > h.maxBytes && len(h.items) > 1 {
		old := h.items[0]
		h.items[0] = nil
		h.items = h.items[1:]
		h.bytes -= old.size()
		delete(h.byID, old.ID)
		if h.byRef[old.CallerReference] == old {
			delete(h.byRef, old.CallerReference)
		}
	}
}

// Create records a batch: with a CallerReference already seen and the same
// paths it returns the existing invalidation (created false); with other
// paths, ErrBatchExists. The paths are effective at once (at now).
func (s *Set) Create(callerRef string, paths []string, now time.Time) (inv Invalidation, created bool, err error) {
	s.mu.RLock()
	old, ok := s.history.byRef[callerRef]
	s.mu.RUnlock()
	if ok {
		if !slices.Equal(old.Paths, paths) {
			return Invalidation{}, false, ErrBatchExists
		}
		return *old, false, nil
	}
	if err := s.Add(paths, now); err != nil {
		return Invalidation{}, false, err
	}
	n := &Invalidation{ID: newID(), CallerReference: callerRef, Paths: slices.Clone(paths), CreateTime: now.UTC()}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.history.byRef[callerRef]; ok { // a concurrent twin won
		if !slices.Equal(old.Paths, paths) {
			return Invalidation{}, false, ErrBatchExists
		}
		return *old, false, nil
	}
	s.history.push(n)
	return *n, true, nil
}

// Get returns a kept invalidation by ID.
func (s *Set) Get(id string) (Invalidation, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	inv, ok := s.history.byID[id]
	if !ok {
		return Invalidation{}, false
	}
	return *inv, true
}

// List returns up to max kept invalidations, newest first, starting after the
// one whose ID is marker (from the newest when marker is ""), and whether more
// follow.
func (s *Set) List(marker string, max int) (page []Invalidation, truncated bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := len(s.history.items) - 1
	if marker != "" {
		i = slices.IndexFunc(s.history.items, func(inv *Invalidation) bool { return inv.ID == marker }) - 1
		if i < -1 {
			i = -1 // an unknown (or dropped) marker: nothing after it
		}
	}
	for ; i >= 0 && len(page) < max; i-- {
		page = append(page, *s.history.items[i])
	}
	return page, i >= 0
}

// newID returns a CloudFront-looking invalidation ID: 'I' and 13 characters
// of [A-Z2-7].
func newID() string {
	return "I" + rand.Text()[:13]
}
