package invalidation

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Batch limits, CloudFront's in-flight ones applied per batch (the edge's
// invalidations complete when created).
const (
	MaxBatchPaths     = 3000
	MaxBatchWildcards = 15
	// DefaultMaxBodyBytes bounds a CreateInvalidation body.
	DefaultMaxBodyBytes = 1 << 20
	apiPrefix           = "/2020-05-31/distribution/"
)

// APIConfig configures the invalidation API.
type APIConfig struct {
	Distributions map[string]*Set   // distribution ID → its invalidations
	AccessKeys    map[string]string // access key ID → secret access key
	Region        string            // "" accepts any signing region (botocore signs with the client's)
	BaseURL       string            // Location prefix, like "https://edge.example"; "" uses the request's Host
	MaxBodyBytes  int64             // default DefaultMaxBodyBytes
	Now           func() time.Time  // default time.Now
	Metrics       *Metrics          // nil: not counted
	// Progress follows each created invalidation beyond this edge (package
	// fleet); nil: an invalidation is Completed when created.
	Progress Progress
}

// Progress is an invalidation's life beyond this edge: Created is told each
// new one (after it took effect here), Status says whether it is
// StatusInProgress or StatusCompleted.
type Progress interface {
	Created(inv Invalidation)
	Status(ctx context.Context, inv Invalidation) string
}

// status is what Get and List report for inv.
func (a *API) status(ctx context.Context, inv Invalidation) string {
	if a.cfg.Progress == nil {
		return StatusCompleted
	}
	return a.cfg.Progress.Status(ctx, inv)
}

// API serves CloudFront's CreateInvalidation, GetInvalidation and
// ListInvalidations (rest-xml, 2020-05-31) under /2020-05-31/distribution/.
type API struct {
	cfg  APIConfig
	auth authenticator
}

// NewAPI returns the API handler; it needs at least one distribution and one key.
func NewAPI(cfg APIConfig) (*API, error) {
	if len(cfg.Distributions) == 0 || len(cfg.AccessKeys) == 0 {
		return nil, errors.New("invalidation: the API needs a distribution and an access key")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &API{cfg: cfg, auth: authenticator{secrets: cfg.AccessKeys, region: cfg.Region, now: cfg.Now, signer: v4.NewSigner()}}, nil
}

// apiError is one CloudFront error answer.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status, code, fmt.Sprintf(format, args...)}
}

var errDenied = &apiError{http.StatusForbidden, "AccessDenied", "Access denied."}

// ServeHTTP authenticates, then routes. Nothing changes before the
// signature is verified.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := "unknown"
	body, aerr := a.readBody(w, r)
	if aerr == nil && a.auth.check(r.Context(), r, body) != nil {
		aerr = errDenied
	}
	var status int
	var out any
	newPaths := 0
	if aerr == nil {
		op, status, out, newPaths, aerr = a.route(w, r, body)
	}
	code := "OK"
	if aerr != nil {
		code, status, out = aerr.code, aerr.status, a.errorBody(aerr)
	}
	a.cfg.Metrics.request(op, code, newPaths)
	writeXML(w, status, out)
}

func (a *API) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return nil, fail(http.StatusRequestEntityTooLarge, "BatchTooLarge", "Body over %d bytes.", a.cfg.MaxBodyBytes)
		}
		return nil, fail(http.StatusBadRequest, "InvalidArgument", "Body not read.")
	}
	return body, nil
}

func (a *API) route(w http.ResponseWriter, r *http.Request, body []byte) (op string, status int, out any, newPaths int, err *apiError) {
	rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	parts := strings.Split(rest, "/")
	if !ok || len(parts) < 2 || len(parts) > 3 || parts[1] != "invalidation" {
		return "unknown", 0, nil, 0, fail(http.StatusNotFound, "InvalidArgument", "No such operation.")
	}
	set, ok := a.cfg.Distributions[parts[0]]
	if !ok {
		return "unknown", 0, nil, 0, fail(http.StatusNotFound, "NoSuchDistribution", "The specified distribution does not exist.")
	}
	switch {
	case len(parts) == 2 && r.Method == http.MethodPost:
		inv, created, err := a.create(set, body)
		if err != nil {
			return "create", 0, nil, 0, err
		}
		if created {
			newPaths = len(inv.Paths)
			if a.cfg.Progress != nil {
				a.cfg.Progress.Created(inv)
			}
		}
		w.Header().Set("Location", a.location(r, inv.ID))
		return "create", http.StatusCreated, toXML(inv, a.status(r.Context(), inv)), newPaths, nil
	case len(parts) == 2 && r.Method == http.MethodGet:
		out, err := a.list(set, r)
		return "list", http.StatusOK, out, 0, err
	case len(parts) == 3 && r.Method == http.MethodGet:
		inv, ok := set.Get(parts[2])
		if !ok {
			return "get", 0, nil, 0, fail(http.StatusNotFound, "NoSuchInvalidation", "The specified invalidation does not exist.")
		}
		return "get", http.StatusOK, toXML(inv, a.status(r.Context(), inv)), 0, nil
	}
	return "unknown", 0, nil, 0, fail(http.StatusMethodNotAllowed, "InvalidArgument", "Method %s not allowed here.", r.Method)
}

func (a *API) create(set *Set, body []byte) (Invalidation, bool, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return Invalidation{}, false, fail(http.StatusBadRequest, "MissingBody", "The request body is empty.")
	}
	var in batchIn
	if err := xml.Unmarshal(body, &in); err != nil {
		return Invalidation{}, false, fail(http.StatusBadRequest, "MalformedInput", "The InvalidationBatch does not parse.")
	}
	paths := in.Paths.Items.Path
	if in.Paths.Quantity == nil || *in.Paths.Quantity != len(paths) {
		return Invalidation{}, false, fail(http.StatusBadRequest, "InconsistentQuantities", "Quantity does not match the number of paths.")
	}
	if in.CallerReference == "" || len(in.CallerReference) > maxRefBytes || len(paths) == 0 {
		return Invalidation{}, false, fail(http.StatusBadRequest, "InvalidArgument", "A CallerReference and at least one path are required.")
	}
	wild := 0
	for _, p := range paths {
		if strings.HasSuffix(p, "*") {
			wild++
		}
	}
	if len(paths) > MaxBatchPaths || wild > MaxBatchWildcards {
		return Invalidation{}, false, fail(http.StatusBadRequest, "TooManyInvalidationsInProgress",
			"At most %d paths and %d wildcard paths per invalidation.", MaxBatchPaths, MaxBatchWildcards)
	}
	inv, created, err := set.Create(in.CallerReference, paths, a.cfg.Now())
	switch {
	case errors.Is(err, ErrBatchExists):
		return Invalidation{}, false, fail(http.StatusConflict, "InvalidationBatchAlreadyExists", "%v", err)
	case errors.Is(err, ErrPath):
		return Invalidation{}, false, fail(http.StatusBadRequest, "InvalidArgument", "%v", err)
	case err != nil:
		return Invalidation{}, false, fail(http.StatusInternalServerError, "InternalError", "Invalidation not recorded.")
	}
	return inv, created, nil
}

func (a *API) list(set *Set, r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	maxItems := 100
	if s := q.Get("MaxItems"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return nil, fail(http.StatusBadRequest, "InvalidArgument", "MaxItems must be 1 to 1000.")
		}
		maxItems = n
	}
	marker := q.Get("Marker")
	page, truncated := set.List(marker, maxItems)
	out := listOut{Xmlns: xmlns, Marker: marker, MaxItems: maxItems, IsTruncated: truncated, Quantity: len(page)}
	if len(page) > 0 {
		out.Items = &struct {
			Summary []summaryOut `xml:"InvalidationSummary"`
		}{}
		for _, inv := range page {
			out.Items.Summary = append(out.Items.Summary, summaryOut{inv.ID, cfTime(inv.CreateTime), a.status(r.Context(), inv)})
		}
		if truncated {
			out.NextMarker = page[len(page)-1].ID
		}
	}
	return out, nil
}

func (a *API) location(r *http.Request, id string) string {
	base := a.cfg.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return strings.TrimSuffix(base, "/") + strings.TrimSuffix(r.URL.Path, "/") + "/" + id
}

func (a *API) errorBody(e *apiError) errorOut {
	out := errorOut{Xmlns: xmlns, RequestID: rand.Text()}
	out.Error.Type, out.Error.Code, out.Error.Message = "Sender", e.code, e.message
	if e.status >= 500 {
		out.Error.Type = "Receiver"
	}
	return out
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte("<ErrorResponse/>")
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(b)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(b)
}
