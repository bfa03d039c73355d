// The C side of callback.go: libivs's ivs_done_fn, forwarding to the exported Go function.
#include <stdint.h>
#include <ivs.h>

#include "_cgo_export.h"

static void ivs_go_done(ivs_status status, const char *json, void *userdata) {
    ivsGoDone(status, (char *)json, (uintptr_t)userdata);
}

// Starts a call in flight whose callback is ivsGoDone with handle (a cgo.Handle, an integer: the
// cgo rules let no Go pointer be kept by C).
ivs_status ivs_go_start(ivs_client *client, int paginate, const char *service, const char *operation,
                        const char *input_json, uintptr_t handle, ivs_request_id *out_id) {
    return (paginate ? ivs_paginate_async : ivs_call_async)(client, service, operation, input_json, ivs_go_done,
                                                            (void *)handle, out_id);
}
