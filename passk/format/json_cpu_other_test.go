//go:build !unix

package format

import "time"

// jsCPUTime is not measured here.
func jsCPUTime() time.Duration { return 0 }
