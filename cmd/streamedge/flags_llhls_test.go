package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestLLHLSHolderFlags(t *testing.T) {
	c, err := parseFlags("serve", []string{"-origin", "http://o", "-llhls-max-holders", "50"}, &bytes.Buffer{})
	if err != nil || c.LLMaxHolders != 50 || c.LLMaxPerPlaylist != 5000 {
		t.Fatalf("-llhls-max-holders 50: %d, per playlist %d, %v", c.LLMaxHolders, c.LLMaxPerPlaylist, err)
	}
	var stderr bytes.Buffer
	if _, err := parseFlags("serve", []string{"-origin", "http://o", "-llhls-max-holders-per-playlist", "0"}, &stderr); !errors.Is(err, errUsage) ||
		!strings.Contains(stderr.String(), "at least 1") {
		t.Errorf("-llhls-max-holders-per-playlist 0: %v %q", err, stderr.String())
	}
}
