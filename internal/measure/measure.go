// Package measure samples what benchmarks and memory tests report: the
// peak Go heap in use while code runs, and the CPU time the process used.
package measure

import (
	"runtime"
	"sync"
	"time"
)

// HeapInUse returns the bytes of Go heap in use now.
func HeapInUse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// HeapPeak samples the heap in use every interval until stop is called;
// stop takes a last sample and returns the largest value seen. Sampling
// stops the world briefly, so time nothing that runs under it.
func HeapPeak(interval time.Duration) (stop func() uint64) {
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	sample := func() { peak = max(peak, HeapInUse()) }
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				sample()
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}
