// The C side of chat.go: libivs's ivs_chat_event_fn, forwarding to the exported Go function.
#include <stdint.h>
#include <ivs.h>

#include "_cgo_export.h"

static void ivs_go_chat_event(const char *json, void *userdata) {
    ivsGoChatEvent((char *)json, (uintptr_t)userdata);
}

// Connects a chat whose events go to ivsGoChatEvent with handle (a cgo.Handle of the room: an
// integer, as the cgo rules let no Go pointer be kept by C).
ivs_status ivs_go_chat_connect(ivs_client *client, const char *options_json, uintptr_t handle, ivs_chat **out_chat,
                               char **out_error_json) {
    return ivs_chat_connect(client, options_json, ivs_go_chat_event, (void *)handle, out_chat, out_error_json);
}
