/*
 * demo.c: a tour of libivs from C against ivs-local (the local emulator in tools/ivs-local).
 *
 * It creates a low-latency channel, a Real-Time stage with a participant token and a chat room with a
 * chat token, lists them, and deletes them again, printing each step. Secrets (stream keys, tokens)
 * are shown truncated.
 *
 *   ivs-demo http://127.0.0.1:4566        (or set IVS_LOCAL_URL)
 *
 * Build: see examples/README.md (CMake with find_package(ivs), or pkg-config). JSON is built and read
 * with jansson here; any JSON library works, libivs only sees strings.
 */
#include <ivs.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls one operation. input is stolen. On success returns the parsed output (json_decref it); on
 * failure prints the error and returns NULL. */
static json_t *call(ivs_client *client, const char *service, const char *operation, json_t *input) {
    char *in = json_dumps(input, JSON_COMPACT);
    json_decref(input);
    char *out = NULL;
    ivs_status status = ivs_call(client, service, operation, in, &out);
    free(in);
    json_t *doc = json_loads(out ? out : "{}", 0, NULL);
    ivs_free(out);
    if (status == IVS_OK) return doc;

    /* every error has the same shape: {"error": {"kind", "code", "message", "httpStatus", ...}} */
    json_t *err = json_object_get(doc, "error");
    fprintf(stderr, "  %s %s failed: [%s] %s: %s\n", service, operation,
            json_string_value(json_object_get(err, "kind")), json_string_value(json_object_get(err, "code")),
            json_string_value(json_object_get(err, "message")));
    json_decref(doc);
    return NULL;
}

/* The string at a dotted path ("channel.arn"), or "" */
static const char *str(const json_t *doc, const char *path) {
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *cur = doc;
    char *save = NULL;
    for (char *key = strtok_r(buf, ".", &save); key && cur; key = strtok_r(NULL, ".", &save))
        cur = json_is_array(cur) ? json_array_get(cur, (size_t)atoi(key)) : json_object_get(cur, key);
    const char *s = json_string_value(cur);
    return s ? s : "";
}

/* A secret shown as its first characters and its length, never in full. */
static const char *truncated(const char *secret, char *buf, size_t size) {
    snprintf(buf, size, "%.12s... (%zu characters)", secret, strlen(secret));
    return buf;
}

/* Prints how many items the list at key holds, and their names. */
static void print_names(const char *operation, const json_t *listing, const char *key, const char *what) {
    json_t *items = json_object_get(listing, key);
    printf("  %-26s %zu %s", operation, json_array_size(items), what);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) printf("%s\"%s\"", i ? ", " : ": ", str(item, "name"));
    printf("\n");
}

/* Deletes one resource if it was created; returns 1 on failure. */
static int delete(ivs_client *client, const char *service, const char *operation, const char *key, const char *arn) {
    if (!*arn) return 0;
    json_t *doc = call(client, service, operation, json_pack("{s:s}", key, arn));
    if (!doc) return 1;
    printf("  %-26s ok\n", operation);
    json_decref(doc);
    return 0;
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : getenv("IVS_LOCAL_URL");
    if (!url || !*url) {
        fprintf(stderr, "usage: %s ENDPOINT_URL   (an ivs-local URL such as http://127.0.0.1:4566)\n", argv[0]);
        return 2;
    }
    char secret[64];
    int failed = 1;
    char channel[256] = "", stage[256] = "", room[256] = "";
    json_t *doc = NULL;

    printf("libivs %s demo against %s (region us-west-2)\n\n", ivs_version(), url);

    /* One client for all three services. ivs-local accepts the access key "test" with secret "test". */
    json_t *config = json_pack("{s:s, s:s, s:{s:s, s:s}}", "region", "us-west-2", "endpointUrl", url,
                               "credentials", "accessKeyId", "test", "secretAccessKey", "test");
    char *config_text = json_dumps(config, JSON_COMPACT);
    json_decref(config);
    ivs_client *client = NULL;
    char *error = NULL;
    ivs_status status = ivs_client_new(config_text, &client, &error);
    free(config_text);
    if (status != IVS_OK) {
        fprintf(stderr, "ivs_client_new failed: %s\n", error ? error : "?");
        ivs_free(error);
        return 1;
    }

    printf("1. A low-latency channel (ivs)\n");
    doc = call(client, "ivs", "CreateChannel",
               json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "demo-channel", "latencyMode", "LOW", "type", "STANDARD",
                         "tags", "app", "libivs-demo"));
    if (!doc) goto cleanup;
    snprintf(channel, sizeof channel, "%s", str(doc, "channel.arn"));
    printf("  %-26s %s\n", "CreateChannel", channel);
    printf("  %-26s rtmps://%s:443/app/\n", "  ingest (RTMPS)", str(doc, "channel.ingestEndpoint"));
    printf("  %-26s %s\n", "  playback URL", str(doc, "channel.playbackUrl"));
    printf("  %-26s %s\n", "  stream key", truncated(str(doc, "streamKey.value"), secret, sizeof secret));
    json_decref(doc);

    printf("\n2. A Real-Time stage with a participant token (ivs-realtime)\n");
    doc = call(client, "ivs-realtime", "CreateStage", json_pack("{s:s}", "name", "demo-stage"));
    if (!doc) goto cleanup;
    snprintf(stage, sizeof stage, "%s", str(doc, "stage.arn"));
    printf("  %-26s %s\n", "CreateStage", stage);
    printf("  %-26s %s\n", "  WHIP endpoint", str(doc, "stage.endpoints.whip"));
    json_decref(doc);
    doc = call(client, "ivs-realtime", "CreateParticipantToken",
               json_pack("{s:s, s:s, s:[s, s], s:i, s:{s:s}}", "stageArn", stage, "userId", "alice", "capabilities",
                         "PUBLISH", "SUBSCRIBE", "duration", 60, "attributes", "displayName", "Alice"));
    if (!doc) goto cleanup;
    printf("  %-26s user \"alice\", participant %s\n", "CreateParticipantToken", str(doc, "participantToken.participantId"));
    printf("  %-26s %s\n", "  token", truncated(str(doc, "participantToken.token"), secret, sizeof secret));
    printf("  %-26s %s\n", "  expires", str(doc, "participantToken.expirationTime"));
    json_decref(doc);

    printf("\n3. A chat room with a chat token (ivschat)\n");
    doc = call(client, "ivschat", "CreateRoom",
               json_pack("{s:s, s:i, s:i}", "name", "demo-room", "maximumMessageLength", 200,
                         "maximumMessageRatePerSecond", 5));
    if (!doc) goto cleanup;
    snprintf(room, sizeof room, "%s", str(doc, "arn"));
    printf("  %-26s %s\n", "CreateRoom", room);
    json_decref(doc);
    doc = call(client, "ivschat", "CreateChatToken",
               json_pack("{s:s, s:s, s:[s], s:i}", "roomIdentifier", room, "userId", "bob", "capabilities",
                         "SEND_MESSAGE", "sessionDurationInMinutes", 30));
    if (!doc) goto cleanup;
    printf("  %-26s user \"bob\", may send messages\n", "CreateChatToken");
    printf("  %-26s %s\n", "  token", truncated(str(doc, "token"), secret, sizeof secret));
    printf("  %-26s %s\n", "  session expires", str(doc, "sessionExpirationTime"));
    json_decref(doc);

    printf("\n4. Listing what exists (ivs_paginate follows every page)\n");
    struct { const char *service, *operation, *key, *what; } lists[] = {
        {"ivs", "ListChannels", "channels", "channel(s)"},
        {"ivs-realtime", "ListStages", "stages", "stage(s)"},
        {"ivschat", "ListRooms", "rooms", "room(s)"},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        char *out = NULL;
        status = ivs_paginate(client, lists[i].service, lists[i].operation, NULL, &out);
        doc = json_loads(out ? out : "{}", 0, NULL);
        ivs_free(out);
        if (status != IVS_OK) {
            fprintf(stderr, "  %s failed: %s\n", lists[i].operation, str(doc, "error.message"));
            json_decref(doc);
            goto cleanup;
        }
        print_names(lists[i].operation, doc, lists[i].key, lists[i].what);
        json_decref(doc);
    }

    /* An error, on purpose: errors carry a kind, the service's code, and its HTTP status. */
    printf("\n5. An error, on purpose: GetChannel on a channel that does not exist\n");
    {
        char *out = NULL;
        status = ivs_call(client, "ivs", "GetChannel",
                          "{\"arn\": \"arn:aws:ivs:us-west-2:123456789012:channel/doesNotExist\"}", &out);
        doc = json_loads(out ? out : "{}", 0, NULL);
        ivs_free(out);
        printf("  status %d, kind \"%s\", code \"%s\", HTTP %lld\n", status, str(doc, "error.kind"),
               str(doc, "error.code"), json_integer_value(json_object_get(json_object_get(doc, "error"), "httpStatus")));
        json_decref(doc);
    }
    failed = 0;

cleanup:
    printf("\n6. Cleaning up\n");
    failed |= delete(client, "ivschat", "DeleteRoom", "identifier", room);
    failed |= delete(client, "ivs-realtime", "DeleteStage", "arn", stage);
    failed |= delete(client, "ivs", "DeleteChannel", "arn", channel);
    ivs_client_free(client);
    printf("\n%s\n", failed ? "The demo stopped on an error (above)." : "Done.");
    return failed;
}
