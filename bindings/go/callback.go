package ivs

// The bridge from libivs's callbacks to Go. A call in flight carries a cgo.Handle of its result
// channel as userdata (never a Go pointer: libivs keeps it past the call); the C trampoline in
// callback.c hands status, text and handle to ivsGoDone, which copies the text before libivs frees it.

// #include <stdint.h>
// #include <string.h>
// #include <ivs.h>
// ivs_status ivs_go_start(ivs_client *client, int paginate, const char *service, const char *operation,
//                         const char *input_json, uintptr_t handle, ivs_request_id *out_id);
import "C"

import (
	"runtime/cgo"
	"sync/atomic"
	"unsafe"
)

// result is what a call's callback delivers: the status and a copy of the JSON text.
type result struct {
	status C.ivs_status
	json   []byte
}

// liveHandles counts the handles of calls in flight (the tests check that none is left behind).
var liveHandles int64

func newHandle(done chan result) cgo.Handle {
	atomic.AddInt64(&liveHandles, 1)
	return cgo.NewHandle(done)
}

func deleteHandle(h cgo.Handle) {
	h.Delete()
	atomic.AddInt64(&liveHandles, -1)
}

//export ivsGoDone
func ivsGoDone(status C.ivs_status, text *C.char, handle C.uintptr_t) {
	h := cgo.Handle(handle)
	done := h.Value().(chan result)
	deleteHandle(h)
	var b []byte
	if text != nil {
		n := C.strlen(text)
		b = make([]byte, int(n))
		copy(b, unsafe.Slice((*byte)(unsafe.Pointer(text)), int(n)))
	}
	done <- result{status: status, json: b} // buffered for one: never blocks the I/O thread
}
