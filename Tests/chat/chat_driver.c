/*
 * The chat suite's driver: one chat connection in a process of its own, so that whatever a server
 * sends, a crash is seen as a crash (a signal) and peak RSS is this connection's alone.
 *
 *   chat_driver OPTIONS_JSON [REQUEST_JSON...]
 *
 * Makes a client (us-west-2, credentials test/test, endpointUrl $IVS_LOCAL_URL when set, and the
 * members of $CHAT_DRIVER_CONFIG, a JSON object's members without the braces), connects
 * with OPTIONS_JSON, prints every event as one line "event <json>" on stdout, sends each REQUEST_JSON
 * once connected (printing "send <status> <json>"), and ends when the chat's last event came or
 * after $CHAT_DRIVER_SECONDS (default 10) by closing it. With $CHAT_DRIVER_CLOSE_MS it closes that
 * long after connecting. Last line: "done <peak RSS KiB>". With $IVS_DRIVER_LOG=N (1-5) libivs's log
 * lines go to stderr (the suite checks no token reaches them). libivs is loaded with dlopen from
 * $IVS_LIBRARY.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ivs.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int connected, finished;

static void on_event(const char *json, void *userdata) {
    (void)userdata;
    pthread_mutex_lock(&mu);
    printf("event %s\n", json);
    fflush(stdout);
    if (strstr(json, "\"State\":\"connected\"")) connected++;
    if (strstr(json, "\"State\":\"disconnected\"") && strstr(json, "\"Reconnecting\":false")) finished = 1;
    pthread_mutex_unlock(&mu);
}

static void on_log(int level, const char *message, void *userdata) {
    (void)userdata;
    fprintf(stderr, "log %d: %s\n", level, message);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmHWM:", 6) == 0) { kb = strtol(line + 6, NULL, 10); break; }
    }
    if (f) fclose(f);
    return kb;
}

#define NEED(name) need(lib, #name)
static void *need(void *lib, const char *name) {
    void *f = dlsym(lib, name);
    if (!f) { fprintf(stderr, "chat_driver: %s missing: %s\n", name, dlerror()); exit(2); }
    return f;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: chat_driver OPTIONS_JSON [REQUEST_JSON...]\n"); return 2; }
    const char *path = getenv("IVS_LIBRARY");
    void *lib = dlopen(path && *path ? path : "libivs.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "chat_driver: %s\n", dlerror()); return 2; }
    ivs_status (*client_new)(const char *, ivs_client **, char **) = NEED(ivs_client_new);
    void (*client_free)(ivs_client *) = NEED(ivs_client_free);
    ivs_status (*chat_connect)(ivs_client *, const char *, ivs_chat_event_fn, void *, ivs_chat **, char **) = NEED(ivs_chat_connect);
    ivs_status (*chat_send)(ivs_chat *, const char *, char **) = NEED(ivs_chat_send);
    void (*chat_close)(ivs_chat *) = NEED(ivs_chat_close);
    void (*free_)(void *) = NEED(ivs_free);
    void (*set_log)(int, ivs_log_fn, void *) = NEED(ivs_set_log_callback);

    const char *level = getenv("IVS_DRIVER_LOG");
    if (level && *level) set_log(atoi(level), on_log, NULL);
    char config[4096];
    const char *endpoint = getenv("IVS_LOCAL_URL");
    const char *extra = getenv("CHAT_DRIVER_CONFIG");
    snprintf(config, sizeof config,
             "{\"region\": \"us-west-2\", \"credentials\": {\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\"}%s%s%s%s%s}",
             endpoint ? ", \"endpointUrl\": \"" : "", endpoint ? endpoint : "", endpoint ? "\"" : "",
             extra ? ", " : "", extra ? extra : "");
    ivs_client *client = NULL;
    char *err = NULL;
    if (client_new(config, &client, &err) != IVS_OK) { fprintf(stderr, "client: %s\n", err); return 2; }
    ivs_chat *chat = NULL;
    ivs_status st = chat_connect(client, argv[1], on_event, NULL, &chat, &err);
    if (st != IVS_OK) {
        printf("connect %d %s\n", (int)st, err);
        free_(err);
        client_free(client);
        printf("done %ld\n", peak_rss_kb());
        return 0;
    }
    const char *secs = getenv("CHAT_DRIVER_SECONDS");
    const char *close_ms = getenv("CHAT_DRIVER_CLOSE_MS");
    double deadline = now() + (secs ? atof(secs) : 10.0);
    double close_at = -1;
    int sent = 0;
    for (;;) {
        pthread_mutex_lock(&mu);
        int c = connected, f = finished;
        pthread_mutex_unlock(&mu);
        if (f || now() > deadline) break;
        if (c && !sent) {
            sent = 1;
            for (int i = 2; i < argc; i++) {
                char *out = NULL;
                ivs_status s = chat_send(chat, argv[i], &out);
                pthread_mutex_lock(&mu);
                printf("send %d %s\n", (int)s, out ? out : "null");
                fflush(stdout);
                pthread_mutex_unlock(&mu);
                free_(out);
            }
            if (close_ms) close_at = now() + atof(close_ms) / 1000;
        }
        if (close_at > 0 && now() >= close_at) break;
        usleep(5000);
    }
    chat_close(chat);
    client_free(client);
    printf("done %ld\n", peak_rss_kb());
    return 0;
}
