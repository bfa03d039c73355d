/*
 * chat_tail: prints an IVS Chat room's events as JSON lines until interrupted (Ctrl-C), like tail -f.
 *
 *   chat_tail [--region REGION] [--endpoint-url URL] [--url WS_URL] [--user USER_ID] ROOM_ARN
 *
 * Credentials and the region come from the usual AWS sources (environment, ~/.aws) unless given.
 * The tail joins with a token it mints itself (CreateChatToken, no capabilities: it only reads), and
 * libivs mints a new one whenever it reconnects. Every event is one line on stdout: the service's
 * MESSAGE, EVENT and ERROR objects as sent, and the connection's own {"Type": "CONNECTION", ...}.
 * Against ivs-local:
 *
 *   chat_tail --endpoint-url http://127.0.0.1:4566 --url ws://127.0.0.1:4566 ROOM_ARN
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ivs.h>

static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t ended;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

/* Runs on libivs's I/O thread: one line per event, flushed so a pipe sees it at once. */
static void on_event(const char *event_json, void *userdata) {
    (void)userdata;
    fputs(event_json, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    if (strstr(event_json, "\"State\":\"disconnected\"") && strstr(event_json, "\"Reconnecting\":false")) ended = 1;
}

static int usage(void) {
    fprintf(stderr, "usage: chat_tail [--region REGION] [--endpoint-url URL] [--url WS_URL] [--user USER_ID] ROOM_ARN\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *region = NULL, *endpoint = NULL, *url = NULL, *user = "chat-tail", *room = NULL;
    for (int i = 1; i < argc; i++) {
        const char **opt = !strcmp(argv[i], "--region") ? &region : !strcmp(argv[i], "--endpoint-url") ? &endpoint
                         : !strcmp(argv[i], "--url") ? &url : !strcmp(argv[i], "--user") ? &user : NULL;
        if (opt) {
            if (++i >= argc) return usage();
            *opt = argv[i];
        } else if (argv[i][0] == '-' || room) {
            return usage();
        } else {
            room = argv[i];
        }
    }
    if (!room) return usage();

    json_t *config = json_object();
    if (region) json_object_set_new(config, "region", json_string(region));
    if (endpoint) json_object_set_new(config, "endpointUrl", json_string(endpoint));
    char *config_text = json_dumps(config, JSON_COMPACT);
    json_decref(config);
    ivs_client *client = NULL;
    char *error = NULL;
    if (ivs_client_new(config_text, &client, &error) != IVS_OK) {
        fprintf(stderr, "chat_tail: %s\n", error);
        ivs_free(error);
        free(config_text);
        return 1;
    }
    free(config_text);

    json_t *options = json_pack("{s:{s:s, s:s, s:[]}}", "createToken", "roomIdentifier", room, "userId", user,
                                "capabilities");
    if (url) json_object_set_new(options, "url", json_string(url));
    json_object_set_new(options, "reconnect", json_pack("{s:i}", "maxAttempts", 0)); /* a tail never gives up */
    char *options_text = json_dumps(options, JSON_COMPACT);
    json_decref(options);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    ivs_chat *chat = NULL;
    ivs_status st = ivs_chat_connect(client, options_text, on_event, NULL, &chat, &error);
    free(options_text);
    if (st != IVS_OK) {
        fprintf(stderr, "chat_tail: %s\n", error);
        ivs_free(error);
        ivs_client_free(client);
        return 1;
    }
    while (!interrupted && !ended) {
        struct timespec tick = {0, 50 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    ivs_chat_close(chat); /* prints the last event (clientClosed) before it returns */
    ivs_client_free(client);
    return 0;
}
