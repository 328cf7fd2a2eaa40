package headerspolicy

import (
	"fmt"

	"github.com/streamedge/streamedge/config"
)

// Compile compiles a loaded file's named policies, each once: the behaviors
// naming one share its *Policy. A behavior's route takes
// policies[settings.ResponseHeadersPolicy] (nil for "": no policy).
func Compile(f *config.File) (map[string]*Policy, error) {
	out := make(map[string]*Policy, len(f.ResponseHeadersPolicies))
	for name, p := range f.ResponseHeadersPolicies {
		c, err := New(p)
		if err != nil {
			return nil, fmt.Errorf("response_headers_policies.%s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}
