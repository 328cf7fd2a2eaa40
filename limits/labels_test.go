package limits

import (
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
