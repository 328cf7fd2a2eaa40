//go:build unix

package resilience

import "syscall"

// raiseNofile lifts RLIMIT_NOFILE's soft limit to the hard limit. Children
// started afterwards (the edge, the origin) inherit the raised limit.
func raiseNofile() (soft, hard uint64, err error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0, err
	}
	rl.Cur = rl.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0, err
	}
	return uint64(rl.Cur), uint64(rl.Max), nil
}
