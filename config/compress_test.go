package config

import "testing"

// TestCompressDefaultsToCloudFronts: a behavior compresses unless it says
// compress: false (CloudFront's Compress, on for new behaviors).
func TestCompressDefaultsToCloudFronts(t *testing.T) {
	f, err := Parse("edge.yaml", []byte(`origins:
  a:
    url: http://127.0.0.1:8081
behaviors:
  - path: /segments/*
    origin: a
    compress: false
  - path: /live/*
    origin: a
    compress: true
default_behavior:
  origin: a
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		b    *BehaviorSettings
		want bool
	}{
		{"explicit_false", &f.Behaviors[0].BehaviorSettings, false},
		{"explicit_true", &f.Behaviors[1].BehaviorSettings, true},
		{"default_true", f.DefaultBehavior, true},
	} {
		if c.b.Compress == nil || *c.b.Compress != c.want {
			t.Errorf("%s: compress = %v, want %v", c.name, c.b.Compress, c.want)
		}
	}
}
