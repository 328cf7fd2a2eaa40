package main

import (
	"errors"
	"fmt"
	"strings"
)

// fileList is a repeatable flag of file paths; one value may also hold
// several, separated by commas.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ",") }

func (l *fileList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p == "" {
			return errors.New("empty file name")
		}
		*l = append(*l, p)
	}
	return nil
}

// validateTLS checks the front-end flags fit together: something to listen
// on, and with -tls-listen one key per certificate.
func (c *config) validateTLS() error {
	switch {
	case c.Listen == "off" && c.TLSListen == "":
		return errors.New("-listen off needs -tls-listen: nothing would serve clients")
	case c.TLSListen == "" && (len(c.TLSCerts) > 0 || len(c.TLSKeys) > 0):
		return errors.New("-tls-cert and -tls-key need -tls-listen")
	case c.TLSListen != "" && len(c.TLSCerts) == 0:
		return fmt.Errorf("-tls-listen %s needs -tls-cert and -tls-key", c.TLSListen)
	case len(c.TLSCerts) != len(c.TLSKeys):
		return fmt.Errorf("-tls-cert given %d times, -tls-key %d: want one key per certificate", len(c.TLSCerts), len(c.TLSKeys))
	case c.TLSListen != "" && c.TLSListen == c.Listen && !isPortZero(c.Listen):
		return fmt.Errorf("-tls-listen %s: the same address as -listen", c.TLSListen)
	}
	return nil
}
