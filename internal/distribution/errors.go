package distribution

import (
	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
)

// errorResponses are the file's custom error responses as the edge applies
// them (edge.Routes.WithErrors); a missing error_caching_min_ttl is
// CloudFront's 10s.
func errorResponses(f *config.File) []edge.ErrorResponse {
	out := make([]edge.ErrorResponse, 0, len(f.CustomErrorResponses))
	for _, e := range f.CustomErrorResponses {
		er := edge.ErrorResponse{Status: int(e.Status), PagePath: e.PagePath, ResponseStatus: int(e.ResponseStatus),
			MinTTL: config.DefaultErrorCachingMinTTL}
		if e.ErrorCachingMinTTL != nil {
			er.MinTTL = e.ErrorCachingMinTTL.D()
		}
		out = append(out, er)
	}
	return out
}
