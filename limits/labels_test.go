package limits

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/streamedge/streamedge/failure"
)

// The limit label of a refused request is its failure class's label, so one
// table names the status, body and label of every refusal.
func TestLimitLabelsAreFailureLabels(t *testing.T) {
	for limit, err := range map[string]error{
		LimitURI: failure.ErrTargetTooLong, LimitHeaders: failure.ErrHeadersTooLarge, LimitRate: failure.ErrRateLimited,
		LimitMethod: failure.ErrMethod, LimitFraming: failure.ErrFraming,
	} {
		if got := failure.Classify(err).Label; got != limit {
			t.Errorf("failure label of %v = %q, want the limit label %q", err, got, limit)
		}
	}
}

func TestRefusalSaysWhyInCacheStatus(t *testing.T) {
	h := Handler(Config{}, nil, http.NotFoundHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodTrace, "/a.ts", nil))
	if rec.Code != 405 || rec.Body.String() != "405 method not allowed\n" || rec.Header().Get("Cache-Status") != "streamedge; detail=method" {
		t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
}
