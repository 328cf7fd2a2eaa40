package config

import (
	"slices"
	"testing"
	"time"

	"github.com/streamedge/streamedge/origin"
)

// TestExampleOriginsBuildClients: every origin of deploy/edge.yaml converts
// to a configuration origin.New accepts, with the file's values.
func TestExampleOriginsBuildClients(t *testing.T) {
	f, err := Load("../deploy/edge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range f.Origins {
		cc, err := o.ClientConfig()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, err := origin.New(cc)
		if err != nil {
			t.Fatalf("%s: origin.New: %v", name, err)
		}
		c.Close()
	}
	a, _ := f.Origins["packager-a"].ClientConfig()
	if a.Timeout != 10*time.Second || a.ResponseHeaderTimeout != 5*time.Second || a.MaxFills != 64 || a.URL.Host != "127.0.0.1:8081" {
		t.Errorf("packager-a: %+v", a)
	}
	vod, _ := f.Origins["vod"].ClientConfig()
	if vod.AddHeaders.Get("X-Origin-Verify") != "change-me" || vod.URL.Path != "/vod" {
		t.Errorf("vod: %+v", vod)
	}
	s3, err := f.S3Origins["slates"].ClientConfig()
	if err != nil || s3.Bucket != "streamedge-slates" || s3.PathStyle || s3.Endpoint.Host != "s3.us-east-1.amazonaws.com" || s3.AccessKeyID != "" {
		t.Errorf("slates: %+v, %v", s3, err)
	}
	if got := f.OriginGroups["live"].Statuses(); !slices.Equal(got, origin.DefaultFailoverStatuses) {
		t.Errorf("live statuses %v", got)
	}
}
