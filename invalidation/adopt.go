package invalidation

import (
	"slices"
	"time"
)

// Adopt records an invalidation another edge created (package fleet): its
// paths take effect at at, and it joins the history under its own ID and
// CallerReference, so Get, List and idempotency answer for it here too. An
// invalidation already kept (by ID) changes nothing.
func (s *Set) Adopt(inv Invalidation, at time.Time) error {
	s.mu.RLock()
	_, seen := s.history.byID[inv.ID]
	s.mu.RUnlock()
	if seen {
		return nil
	}
	if err := s.Add(inv.Paths, at); err != nil {
		return err
	}
	n := inv
	n.Paths, n.CreateTime = slices.Clone(inv.Paths), inv.CreateTime.UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.history.byID[inv.ID]; !ok {
		s.history.push(&n)
	}
	return nil
}
