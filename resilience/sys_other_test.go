//go:build !linux

package resilience

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
