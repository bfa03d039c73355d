/*
 * glib_async.c: calls in flight on a GLib main loop, as a GStreamer or OBS plugin would make them.
 *
 * The client is made with "dispatch": "manual", so callbacks wait for the loop: g_unix_fd_add()
 * watches ivs_client_fd(), and ivs_client_dispatch() runs them on the loop's thread. The program
 * creates a few channels, lists them with one call in flight, then asks for every channel at once
 * (GetChannel for each: many calls, one thread, no thread per call) and quits when all have answered.
 *
 *   IVS_LOCAL_URL=http://127.0.0.1:4566 ./glib_async      (against ivs-local)
 *   ./glib_async                                          (against AWS, with your configuration)
 */
#include <glib.h>
#include <glib-unix.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include <ivs.h>

typedef struct {
    ivs_client *client;
    GMainLoop *loop;
    int waiting;   /* calls still in flight */
    int failures;
} app;

static gboolean on_ready(gint fd, GIOCondition condition, gpointer user_data) {
    (void)fd;
    (void)condition;
    app *a = user_data;
    ivs_client_dispatch(a->client, 0); /* runs the callbacks that wait, here on the loop's thread */
    return G_SOURCE_CONTINUE;
}

static void call_done(app *a) {
    if (--a->waiting == 0) g_main_loop_quit(a->loop);
}

static void got_channel(ivs_status st, const char *json, void *user_data) {
    app *a = user_data;
    json_t *doc = json_loads(json, 0, NULL);
    if (st == IVS_OK) {
        printf("  %s: %s\n", json_string_value(json_object_get(json_object_get(doc, "channel"), "name")),
               json_string_value(json_object_get(json_object_get(doc, "channel"), "latencyMode")));
    } else {
        fprintf(stderr, "GetChannel failed (%d): %s\n", st, json);
        a->failures++;
    }
    json_decref(doc);
    call_done(a);
}

static void got_list(ivs_status st, const char *json, void *user_data) {
    app *a = user_data;
    if (st != IVS_OK) {
        fprintf(stderr, "ListChannels failed (%d): %s\n", st, json);
        a->failures++;
        call_done(a);
        return;
    }
    json_t *doc = json_loads(json, 0, NULL);
    json_t *channels = json_object_get(doc, "channels");
    printf("%zu channels; asking for each at once:\n", json_array_size(channels));
    size_t i;
    json_t *c;
    json_array_foreach(channels, i, c) {
        char input[512];
        snprintf(input, sizeof input, "{\"arn\": \"%s\"}", json_string_value(json_object_get(c, "arn")));
        a->waiting++;
        /* a callback may start new calls on the same client */
        ivs_call_async(a->client, "ivs", "GetChannel", input, got_channel, a, NULL);
    }
    json_decref(doc);
    call_done(a); /* this call is done; the loop runs until the GetChannels are */
}

int main(void) {
    const char *local = getenv("IVS_LOCAL_URL");
    char config[512];
    if (local) {
        snprintf(config, sizeof config,
                 "{\"region\": \"us-west-2\", \"endpointUrl\": \"%s\", \"dispatch\": \"manual\", "
                 "\"credentials\": {\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\"}}", local);
    } else {
        snprintf(config, sizeof config, "{\"dispatch\": \"manual\"}");
    }
    app a = {0};
    char *err = NULL;
    if (ivs_client_new(config, &a.client, &err) != IVS_OK) {
        fprintf(stderr, "ivs_client_new: %s\n", err);
        ivs_free(err);
        return 1;
    }
    if (local) { /* something to list on an empty emulator */
        for (int i = 0; i < 5; i++) {
            char input[128], *out = NULL;
            snprintf(input, sizeof input, "{\"name\": \"glib-example-%d\", \"latencyMode\": \"LOW\"}", i);
            if (ivs_call(a.client, "ivs", "CreateChannel", input, &out) != IVS_OK) fprintf(stderr, "%s\n", out);
            ivs_free(out);
        }
    }
    a.loop = g_main_loop_new(NULL, FALSE);
    guint source = g_unix_fd_add(ivs_client_fd(a.client), G_IO_IN, on_ready, &a);
    a.waiting = 1;
    ivs_call_async(a.client, "ivs", "ListChannels", "{}", got_list, &a, NULL);
    g_main_loop_run(a.loop);
    g_source_remove(source);
    g_main_loop_unref(a.loop);
    ivs_client_free(a.client);
    if (a.failures) return 1;
    printf("Done.\n");
    return 0;
}
