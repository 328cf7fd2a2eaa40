package resilience

import "syscall"

// childAttr makes the kernel kill a child if the test process dies without
// running its cleanups (a panic, a -timeout kill).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
