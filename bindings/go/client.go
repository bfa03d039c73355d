package ivs

// #include <stdlib.h>
// #include <stdint.h>
// #include <ivs.h>
// ivs_status ivs_go_start(ivs_client *client, int paginate, const char *service, const char *operation,
//                         const char *input_json, uintptr_t handle, ivs_request_id *out_id);
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// Client is a libivs client (ivs_client): configuration, credentials and kept-alive connections for
// the three services. Safe for concurrent use by many goroutines. Close releases it.
type Client struct {
	// mu guards handle: calls read it under RLock while they start or cancel a call in flight; Close
	// takes it under Lock, so libivs never sees a freed handle.
	mu     sync.RWMutex
	handle *C.ivs_client
}

// NewClient makes a client. A bad configuration is an *Error of KindConfig (or KindInvalidArgument).
func NewClient(cfg Config) (*Client, error) {
	text, err := cfg.configJSON()
	if err != nil {
		return nil, err
	}
	ctext := C.CString(string(text)) // json.Marshal escapes NUL bytes: nothing is cut short
	defer C.free(unsafe.Pointer(ctext))
	var handle *C.ivs_client
	var cerr *C.char
	st := C.ivs_client_new(ctext, &handle, &cerr)
	if st != C.IVS_OK {
		return nil, errorFromJSON(kindOf(st), takeText(cerr))
	}
	c := &Client{handle: handle}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// Close releases the client. Calls still in flight end with KindCancelled first. Calls after Close
// fail with an *Error wrapping ErrClosed. Close is idempotent and always returns nil.
func (c *Client) Close() error {
	c.mu.Lock()
	h := c.handle
	c.handle = nil
	c.mu.Unlock()
	if h != nil {
		runtime.SetFinalizer(c, nil)
		C.ivs_client_free(h) // runs the callbacks still owed; they only send on buffered channels
	}
	return nil
}

// Call calls one operation: service "ivs", "ivs-realtime" or "ivschat"; operation "CreateChannel" (or
// boto3's "create_channel"); input the operation's input, anything encoding/json writes as an object
// (nil for none; []byte and json.RawMessage are taken as JSON text); output, if not nil, a pointer that
// encoding/json decodes the output into (*json.RawMessage or *[]byte for the text). Cancelling ctx
// cancels the call in libivs; Call then returns an *Error of KindCancelled wrapping ctx.Err().
func (c *Client) Call(ctx context.Context, service, operation string, input, output any) error {
	return c.do(ctx, false, service, operation, input, output)
}

// Paginate calls a paginated operation until its last page and decodes one output in which the result
// lists of every page are joined, in order (ivs_paginate). For page by page, see NewPaginator.
func (c *Client) Paginate(ctx context.Context, service, operation string, input, output any) error {
	return c.do(ctx, true, service, operation, input, output)
}

// ResolvedConfig is the configuration the client resolved, as JSON (ivs_client_config; never a secret).
func (c *Client) ResolvedConfig() (json.RawMessage, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.handle == nil {
		return nil, closedError()
	}
	var out *C.char
	st := C.ivs_client_config(c.handle, &out)
	text := takeText(out)
	if st != C.IVS_OK {
		return nil, errorFromJSON(kindOf(st), text)
	}
	return text, nil
}

func (c *Client) do(ctx context.Context, paginate bool, service, operation string, input, output any) error {
	in, err := inputJSON(input)
	if err != nil {
		return err
	}
	r, err := c.start(ctx, paginate, service, operation, in)
	if err != nil {
		return err
	}
	return decode(r, output)
}

// start runs one call in flight and waits for its callback, or for ctx: then it cancels the call and
// still waits for the callback, which libivs runs exactly once; so no callback outlives the call and
// no goroutine is left behind.
func (c *Client) start(ctx context.Context, paginate bool, service, operation string, input []byte) (result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	for name, s := range map[string]string{"service": service, "operation": operation} {
		if strings.IndexByte(s, 0) >= 0 {
			return result{}, invalidArgument("InvalidArgument", name+" contains a NUL byte", nil)
		}
	}
	if bytes.IndexByte(input, 0) >= 0 {
		return result{}, invalidArgument("InvalidArgument", "input_json contains a NUL byte", nil)
	}
	if err := ctx.Err(); err != nil {
		return result{}, cancelled(err)
	}
	csvc, cop, cin := C.CString(service), C.CString(operation), C.CString(string(input))
	defer func() {
		C.free(unsafe.Pointer(csvc))
		C.free(unsafe.Pointer(cop))
		C.free(unsafe.Pointer(cin))
	}()

	done := make(chan result, 1)
	h := newHandle(done)
	var id C.ivs_request_id
	flag := C.int(0)
	if paginate {
		flag = 1
	}
	c.mu.RLock()
	if c.handle == nil {
		c.mu.RUnlock()
		deleteHandle(h)
		return result{}, closedError()
	}
	st := C.ivs_go_start(c.handle, flag, csvc, cop, cin, C.uintptr_t(h), &id)
	c.mu.RUnlock()
	if st != C.IVS_OK { // refused outright: the callback will never run
		deleteHandle(h)
		return result{}, closedError()
	}

	select {
	case r := <-done:
		if r.status == C.IVS_E_CANCELLED { // only Close cancels without ctx
			return result{}, cancelledFrom(r.json, ErrClosed)
		}
		return r, nil
	case <-ctx.Done():
		c.mu.RLock()
		if c.handle != nil {
			C.ivs_cancel(c.handle, id)
		}
		c.mu.RUnlock()
		r := <-done // at once: cancelled, or the result that was already on its way
		if r.status == C.IVS_E_CANCELLED {
			return result{}, cancelledFrom(r.json, ctx.Err())
		}
		return r, nil
	}
}

// decode turns a callback's result into the caller's output or an *Error.
func decode(r result, output any) error {
	if r.status != C.IVS_OK {
		return errorFromJSON(kindOf(r.status), r.json)
	}
	switch out := output.(type) {
	case nil:
		return nil
	case *[]byte:
		*out = r.json
		return nil
	default:
		return json.Unmarshal(r.json, output)
	}
}

// inputJSON is the input as JSON text: nil is "{}", []byte and json.RawMessage are text already.
func inputJSON(input any) ([]byte, error) {
	switch in := input.(type) {
	case nil:
		return []byte("{}"), nil
	case []byte:
		return in, nil
	case json.RawMessage:
		return in, nil
	}
	b, err := json.Marshal(input)
	if err != nil {
		return nil, invalidArgument("MalformedInput", "the input cannot be written as JSON: "+err.Error(), err)
	}
	return b, nil
}

func closedError() *Error {
	return invalidArgument("InvalidArgument", "the client is closed", ErrClosed)
}

// cancelled is the *Error of a call whose context was done before it started.
func cancelled(cause error) *Error {
	return &Error{Kind: KindCancelled, Code: "Cancelled", Message: "the call was cancelled: " + cause.Error(),
		Fields: json.RawMessage("{}"), cause: cause}
}

// cancelledFrom is libivs's error JSON of a cancelled call, wrapping why: the context's error, or
// ErrClosed.
func cancelledFrom(text []byte, cause error) *Error {
	e := errorFromJSON(KindCancelled, text)
	e.cause = cause
	return e
}

// takeText copies a string libivs returned and frees it.
func takeText(s *C.char) []byte {
	if s == nil {
		return nil
	}
	defer C.ivs_free(unsafe.Pointer(s))
	return []byte(C.GoString(s))
}
