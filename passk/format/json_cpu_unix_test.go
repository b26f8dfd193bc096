//go:build unix

package format

import (
	"syscall"
	"time"
)

// jsCPUTime returns the CPU time (user and system) the process has used.
func jsCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
