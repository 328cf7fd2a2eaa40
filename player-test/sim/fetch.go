package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxManifest bounds playlist/MPD bodies held in memory.
const maxManifest = 16 << 20

// headLen is how much of a discarded segment body is kept for validation.
const headLen = 512

// ByteRange is n bytes at offset off (HLS EXT-X-BYTERANGE n@o).
type ByteRange struct{ Len, Off int64 }

func (r ByteRange) header() string { return fmt.Sprintf("bytes=%d-%d", r.Off, r.Off+r.Len-1) }

// FetchError is an error a player saw, with its kind.
type FetchError struct {
	Kind ErrKind
	URL  string
	Err  error
}

func (e *FetchError) Error() string { return fmt.Sprintf("%s: %s: %v", e.Kind, e.URL, e.Err) }
func (e *FetchError) Unwrap() error { return e.Err }

type response struct {
	body        []byte // whole body when kept
	head        []byte // first headLen bytes
	n           int64  // bytes received
	final       *url.URL
	contentType string
	ttfb, total time.Duration
}

type fetcher struct {
	client *http.Client
	m      *Metrics
}

// fetch GETs u, counting the request, bytes and errors in f.m. Manifests are
// kept in memory (keep); segments are discarded after their head. Errors
// caused by ctx ending are returned but not counted.
func (f *fetcher) fetch(ctx context.Context, u *url.URL, kind ReqKind, rng *ByteRange, keep bool) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, f.fail(ctx, ErrParse, u, fmt.Errorf("build request: %w", err))
	}
	if rng != nil {
		req.Header.Set("Range", rng.header())
	}
	f.m.request(kind)
	start := time.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.fail(ctx, ErrTransport, u, err)
	}
	defer resp.Body.Close()
	r := &response{final: resp.Request.URL, contentType: resp.Header.Get("Content-Type"), ttfb: time.Since(start)}
	if resp.StatusCode >= 400 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		kind := ErrHTTP4xx
		if resp.StatusCode >= 500 {
			kind = ErrHTTP5xx
		}
		return nil, f.fail(ctx, kind, u, fmt.Errorf("HTTP status %d", resp.StatusCode))
	}
	fb := &firstByteReader{r: resp.Body}
	err = r.read(fb, keep)
	r.total = time.Since(start)
	f.m.addBytes(r.n)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, f.fail(ctx, ErrTruncated, u, err)
		}
		return nil, f.fail(ctx, ErrTransport, u, err)
	}
	if err := checkLength(resp, r.n, rng); err != nil {
		return nil, f.fail(ctx, err.Kind, u, err.Err)
	}
	f.m.observeAvailable(kind, resp.Header, start, fb.at, start.Add(r.total))
	if kind == ReqSegment {
		f.m.firsts.observe(u.Path, start, isHit(resp.Header))
	}
	return r, nil
}

func (r *response) read(body io.Reader, keep bool) error {
	if keep {
		b, err := io.ReadAll(io.LimitReader(body, maxManifest))
		r.body, r.n = b, int64(len(b))
		r.head = b[:min(len(b), headLen)]
		return err
	}
	h := make([]byte, headLen)
	k, err := io.ReadFull(body, h)
	r.head, r.n = h[:k], int64(k)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil // short body; checkLength decides
	}
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, body)
	r.n += n
	return err
}

func checkLength(resp *http.Response, n int64, rng *ByteRange) *FetchError {
	if resp.ContentLength >= 0 && n < resp.ContentLength {
		return &FetchError{Kind: ErrTruncated, Err: fmt.Errorf("got %d of %d bytes", n, resp.ContentLength)}
	}
	if rng == nil {
		return nil
	}
	if resp.StatusCode != http.StatusPartialContent {
		return &FetchError{Kind: ErrRangeIgnored, Err: fmt.Errorf("status %d to Range %s", resp.StatusCode, rng.header())}
	}
	if n != rng.Len {
		return &FetchError{Kind: ErrTruncated, Err: fmt.Errorf("got %d bytes for Range %s", n, rng.header())}
	}
	return nil
}

// fail counts err as kind unless ctx has ended, and wraps it.
func (f *fetcher) fail(ctx context.Context, kind ErrKind, u *url.URL, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", u, ctx.Err())
	}
	f.m.fail(kind)
	return &FetchError{Kind: kind, URL: u.String(), Err: err}
}

// parseFail counts a parse error found by a player.
func (f *fetcher) parseFail(u *url.URL, err error) error {
	return f.parseFailKind(ErrParse, u, err)
}

// parseFailKind counts a content error of the given kind.
func (f *fetcher) parseFailKind(kind ErrKind, u *url.URL, err error) error {
	f.m.fail(kind)
	return &FetchError{Kind: kind, URL: u.String(), Err: err}
}
