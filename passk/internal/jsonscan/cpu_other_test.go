//go:build !unix

package jsonscan

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
