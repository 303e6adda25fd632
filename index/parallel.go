package index

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelEach runs fn(worker, i) for every i in [0, n) on up to GOMAXPROCS
// goroutines, so that one search uses every core: segments, or the page's
// notes, are independent until their results are merged. worker, in
// [0, parallelWorkers(n)), lets fn write to its own scratch space without
// locks. It returns the first error (the context's when it is done) once
// every goroutine has stopped.
func parallelEach(ctx context.Context, n int, fn func(worker, i int) error) error {
	workers := parallelWorkers(n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(0, i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next   atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
		errs   = make([]error, workers)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				err := ctx.Err()
				if err == nil {
					err = fn(w, i)
				}
				if err != nil {
					errs[w] = err
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// parallelWorkers is how many goroutines parallelEach uses for n items.
func parallelWorkers(n int) int { return max(1, min(n, runtime.GOMAXPROCS(0))) }
