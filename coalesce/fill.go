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

// Head is what a fill publishes once the origin's response is known.
type Head struct {
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
	Value any
}

// Fill is one origin fetch shared by every reader of a key.
type Fill struct {
	key     string
	mu      sync.Mutex
	changed chan struct{}
	head    *Head
	body    []byte
	done    bool
	err     error
}

func newFill(key string) *Fill {
	return &Fill{key: key, changed: make(chan struct{})}
}

// Key is the cache key the fill is for.
func (f *Fill) Key() string { return f.key }

// wake must be called with mu held.
func (f *Fill) wake() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// SetHead publishes the response head; it may be called once, before Append.
// sizeHint preallocates the body buffer (bounded by the caller).
func (f *Fill) SetHead(h *Head, sizeHint int) {
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
func (f *Fill) Append(p []byte) {
	if len(p) == 0 {
		return
	}
	f.mu.Lock()
	f.body = append(f.body, p...)
	f.wake()
	f.mu.Unlock()
}

// Finish ends the fill; err nil means the body is complete and valid.
func (f *Fill) Finish(err error) {
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
func (f *Fill) joinable() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return false
	}
	h := f.head
	return h == nil || h.Reusable || h.ContentLength < 0 || int64(len(f.body)) < h.ContentLength
}

// snapshot returns the state under the lock.
func (f *Fill) snapshot() (h *Head, n int, done bool, err error, ch chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.head, len(f.body), f.done, f.err, f.changed
}

// Head waits for the response head. It returns the fill's error when the fill
// failed before a head was published, and ctx's error when the reader gives up.
func (f *Fill) Head(ctx context.Context) (*Head, error) {
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
func (f *Fill) Next(ctx context.Context, off int) (chunk []byte, done bool, err error) {
	for {
		f.mu.Lock()
		n, d, ferr, ch := len(f.body), f.done, f.err, f.changed
		if n > off || d {
			chunk = f.body[off:n:n]
		}
		f.mu.Unlock()
		if n > off || d {
			return chunk, d && n == off+len(chunk), ferr
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
}

// Wait blocks until the fill ends and returns its error.
func (f *Fill) Wait(ctx context.Context) error {
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
func (f *Fill) Body() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.body[:len(f.body):len(f.body)]
}

// Done reports whether the fill has ended, and its error.
func (f *Fill) Done() (bool, error) {
	_, _, done, err, _ := f.snapshot()
	return done, err
}
