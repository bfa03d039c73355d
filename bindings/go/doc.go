// Package ivs is the Go binding of libivs, a client library for Amazon Interactive Video Service
// (IVS low-latency streaming "ivs", IVS Real-Time "ivs-realtime" and IVS Chat "ivschat").
//
// It drives libivs.so through cgo and the C ABI of ivs.h: every operation of the three services is
// one call that takes its input as any value encoding/json can write (a map, the caller's struct,
// json.RawMessage) and decodes its output into any value encoding/json can read.
//
//	client, err := ivs.NewClient(ivs.Config{Region: "us-west-2"})
//	if err != nil { ... }
//	defer client.Close()
//	var out struct{ Channel struct{ Arn string } `json:"channel"` }
//	err = client.Call(ctx, "ivs", "CreateChannel", map[string]any{"name": "studio-a"}, &out)
//
// Failures are *Error values (errors.As), with the kind, code, HTTP status, request id and
// retryability of libivs's error JSON. Calls run as libivs's calls in flight: a call waiting for the
// service holds no OS thread, and cancelling its context cancels it in libivs (ivs_cancel). A Client
// is safe for use by many goroutines at once; Close it when done.
//
// Building needs libivs installed where pkg-config finds it (ivs.pc): for a prefix that is not a
// system one, PKG_CONFIG_PATH=PREFIX/lib/pkgconfig, and LD_LIBRARY_PATH=PREFIX/lib (or
// CGO_LDFLAGS=-Wl,-rpath,PREFIX/lib) to run.
package ivs
