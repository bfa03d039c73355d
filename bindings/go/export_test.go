package ivs

import "sync/atomic"

// LiveHandles is how many cgo handles of calls in flight exist now (for the tests).
func LiveHandles() int64 { return atomic.LoadInt64(&liveHandles) }
