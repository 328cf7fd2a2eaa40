package coalesce

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

// ErrNoHead is returned by Head when a fill finished without publishing headers
// and without an error.
var ErrNoHead = errors.New("coalesce: fill ended without a response")

// ErrPastEnd is returned by Next for an offset beyond the body of a fill that
// ended without an error of its own (a range past the end of the object).
var ErrPastEnd = errors.New("coalesce: offset past the end of the fill")

// Head is what a fill publishes once the origin's response is known. V is
// whatever else the filler wants readers to see.
type Head[V any] struct {
	Status        int
	Header        http.Header // response headers to send (read-only once published)
	ContentLength int64       // -1 when unknown
	// Pass tells readers the response must not be shared: each fetches on its own.
	Pass bool
	// Reusable says a request arriving after the whole body was received may
	// still take it (it is being stored anyway). When false (a 5xx, anything
	// not stored), only requests that joined while it was in flight share it.
	Reusable bool
	// Source says how the fill got its body ("miss", "refresh-hit", "stale"...);
	// the edge maps it to X-Cache.
	Source string
	// Value carries whatever else the filler wants readers to see (the edge
	// uses it for the stored entry's metadata, such as Age).
	Value V
}

// Fill is one origin fetch shared by every reader of a key.
type Fill[V any] struct {
	key     string
	mu      sync.Mutex
	changed chan struct{}
	head    *Head[V]
	body    []byte
	done    bool
	err     error
}

func newFill[V any](key string) *Fill[V] {
	return &Fill[V]{key: key, changed: make(chan struct{})}
}

// Key is the cache key the fill is for.
func (f *Fill[V]) Key() string { return f.key }

// wake must be called with mu held.
func (f *Fill[V]) wake() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// SetHead publishes the response head; it may be called once, before Append.
// sizeHint preallocates the body buffer (bounded by the caller).
func (f *Fill[V]) SetHead(h *Head[V], sizeHint int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.head != nil || f.done {
		return
	}
	f.head = h
	if sizeHint > 0 {
		f.body = make([]byte, 0, sizeHint)
	}
	f.wake()
}

// Append adds body bytes (copied) and wakes readers.
func (f *Fill[V]) Append(p []byte) {
	if len(p) == 0 {
		return
	}
	f.mu.Lock()
	f.body = append(f.body, p...)
	f.wake()
	f.mu.Unlock()
}

// Finish ends the fill; err nil means the body is complete and valid.
func (f *Fill[V]) Finish(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done, f.err = true, err
	f.wake()
}

// joinable reports whether a new request may join: the fill has not ended,
// and a response that is not reusable is not yet complete.
func (f *Fill[V]) joinable() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return false
	}
	h := f.head
	return h == nil || h.Reusable || h.ContentLength < 0 || int64(len(f.body)) < h.ContentLength
}

// snapshot returns the state under the lock.
func (f *Fill[V]) snapshot() (h *Head[V], n int, done bool, err error, ch chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.head, len(f.body), f.done, f.err, f.changed
}

// Head waits for the response head. It returns the fill's error when the fill
// failed before a head was published, and ctx's error when the reader gives up.
func (f *Fill[V]) Head(ctx context.Context) (*Head[V], error) {
	for {
		h, _, done, err, ch := f.snapshot()
		switch {
		case h != nil:
			return h, nil
		case done && err != nil:
			return nil, err
		case done:
			return nil, ErrNoHead
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Next waits until the body holds more than off bytes or the fill ends, and
// returns body[off:] as it stands (shared, read-only). done reports that the
// fill has ended; err is the fill's error (a short or reset body) or ctx's.
// An offset past the body of an ended fill (a range beyond where a failing
// fill stopped) returns done with the fill's error, or ErrPastEnd.
func (f *Fill[V]) Next(ctx context.Context, off int) (chunk []byte, done bool, err error) {
	if off < 0 {
		return nil, true, ErrPastEnd
	}
	for {
		chunk, done, err, ch := f.next(off)
		if chunk != nil || done {
			return chunk, done, err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
}

// next is one look at the body under the lock; it never slices out of bounds
// (a panic here would leave the lock held and hang every other reader).
func (f *Fill[V]) next(off int) (chunk []byte, done bool, err error, ch chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.body)
	switch {
	case off < n:
		return f.body[off:n:n], f.done, f.err, nil
	case !f.done:
		return nil, false, nil, f.changed
	case off > n && f.err == nil:
		return nil, true, ErrPastEnd, nil
	}
	return nil, true, f.err, nil
}

// Wait blocks until the fill ends and returns its error.
func (f *Fill[V]) Wait(ctx context.Context) error {
	for {
		_, _, done, err, ch := f.snapshot()
		if done {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Body returns the bytes received so far (shared, read-only).
func (f *Fill[V]) Body() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.body[:len(f.body):len(f.body)]
}

// Done reports whether the fill has ended, and its error.
func (f *Fill[V]) Done() (bool, error) {
	_, _, done, err, _ := f.snapshot()
	return done, err
}
