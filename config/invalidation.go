package config

import (
	"regexp"

	"github.com/streamedge/streamedge/invalidation"
)

// Invalidation is the invalidation section: the distribution ID and access
// keys of CloudFront's invalidation API on the admin listener (aws
// cloudfront create-invalidation --endpoint-url http://ADMIN ...), and the
// memory bounds of the invalidation records. Without the section (or with
// no access keys) the API is off; `streamedge invalidate` works either way.
type Invalidation struct {
	DistributionID  string      `yaml:"distribution_id"` // the --distribution-id the API answers to; required with access_keys
	AccessKeys      []AccessKey `yaml:"access_keys"`     // SigV4 keys allowed to call the API; required with distribution_id
	Region          string      `yaml:"region"`          // accept only signatures for this region; "" accepts any (botocore signs with the client's)
	MaxRecords      Count       `yaml:"max_records"`     // exact paths plus wildcard prefixes held; default 10,000
	MaxBytes        Size        `yaml:"max_bytes"`       // path bytes held; default 4 MiB
	MaxHistory      Count       `yaml:"max_history"`     // invalidations kept for get/list and CallerReference; default 1,000
	MaxHistoryBytes Size        `yaml:"max_history_bytes"`
}

// AccessKey is one SigV4 access key of the API.
type AccessKey struct {
	ID     string `yaml:"id"`     // the AWS_ACCESS_KEY_ID clients sign with
	Secret string `yaml:"secret"` // its secret access key, at least 16 characters
}

// Bounds of the invalidation section's limits.
const (
	MaxInvalidationRecords = 10_000_000
	MaxInvalidationBytes   = 1 << 30
	MaxInvalidationHistory = 100_000
	minSecretLen           = 16
)

var (
	distributionID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	accessKeyID    = regexp.MustCompile(`^[A-Za-z0-9]{4,128}$`)
)

func (i *Invalidation) defaults() {
	if i.MaxRecords == 0 {
		i.MaxRecords = invalidation.DefaultMaxRecords
	}
	if i.MaxBytes == 0 {
		i.MaxBytes = invalidation.DefaultMaxBytes
	}
	if i.MaxHistory == 0 {
		i.MaxHistory = invalidation.DefaultMaxHistory
	}
	if i.MaxHistoryBytes == 0 {
		i.MaxHistoryBytes = invalidation.DefaultMaxHistoryBytes
	}
}

// Limits are the section's bounds as package invalidation takes them (its
// defaults for a file without the section).
func (i *Invalidation) Limits() invalidation.Limits {
	if i == nil {
		return invalidation.Limits{}
	}
	return invalidation.Limits{MaxRecords: int(i.MaxRecords), MaxBytes: int(i.MaxBytes),
		MaxHistory: int(i.MaxHistory), MaxHistoryBytes: int(i.MaxHistoryBytes)}
}

// Keys are the access keys by ID (nil when the API is off).
func (i *Invalidation) Keys() map[string]string {
	if i == nil || len(i.AccessKeys) == 0 {
		return nil
	}
	m := make(map[string]string, len(i.AccessKeys))
	for _, k := range i.AccessKeys {
		m[k.ID] = k.Secret
	}
	return m
}

// invalidation validates the section; secrets never appear in a message.
func (v *validator) invalidation() {
	i := v.f.Invalidation
	if i == nil {
		return
	}
	at := path{"invalidation"}
	switch {
	case i.DistributionID != "" && !distributionID.MatchString(i.DistributionID):
		v.add(at.key("distribution_id"), "%q: want 1-128 characters A-Z a-z 0-9 _ -", i.DistributionID)
	case i.DistributionID == "" && len(i.AccessKeys) > 0:
		v.add(at, "access_keys need a distribution_id (the --distribution-id the aws CLI sends)")
	case i.DistributionID != "" && len(i.AccessKeys) == 0:
		v.add(at, "distribution_id needs at least one access key in access_keys (the API accepts signed calls only)")
	}
	seen := map[string]bool{}
	for n, k := range i.AccessKeys {
		kat := at.key("access_keys").idx(n)
		switch {
		case !accessKeyID.MatchString(k.ID):
			v.add(kat.key("id"), "%q: want an access key ID of 4-128 letters and digits", k.ID)
		case seen[k.ID]:
			v.add(kat.key("id"), "access key %q is listed twice", k.ID)
		}
		seen[k.ID] = true
		if len(k.Secret) < minSecretLen || !validHeaderValue(k.Secret) {
			v.add(kat.key("secret"), "want a secret access key of at least %d characters without control characters", minSecretLen)
		}
	}
	if i.Region != "" && !region.MatchString(i.Region) {
		v.add(at.key("region"), "%q is not an AWS region such as us-east-1", i.Region)
	}
	bound := func(key string, n, limit int64) {
		if n > limit {
			v.add(at.key(key), "%d is over the bound of %d", n, limit)
		}
	}
	bound("max_records", int64(i.MaxRecords), MaxInvalidationRecords)
	bound("max_bytes", int64(i.MaxBytes), MaxInvalidationBytes)
	bound("max_history", int64(i.MaxHistory), MaxInvalidationHistory)
	bound("max_history_bytes", int64(i.MaxHistoryBytes), MaxInvalidationBytes)
}
