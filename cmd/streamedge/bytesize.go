package main

import (
	"fmt"
	"strconv"

	edgeconf "github.com/streamedge/streamedge/config"
)

// byteSize is a flag.Value for sizes such as 1GiB, 64MiB, 512MB or 1048576.
type byteSize int64

// parseByteSize is config.ParseSize, the one size parser (edge.yaml and the
// flags accept the same sizes), with the flags' own error message (config's
// names the YAML form).
func parseByteSize(s string) (int64, error) {
	n, err := edgeconf.ParseSize(s)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q (want e.g. 1GiB, 64MiB, 512MB or bytes)", s)
	}
	return int64(n), nil
}

func (b *byteSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func (b byteSize) String() string {
	switch n := int64(b); {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	default:
		return strconv.FormatInt(n, 10)
	}
}
