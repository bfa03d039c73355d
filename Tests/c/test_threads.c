/*
 * One client shared by many threads (16 threads x 50 calls by default; fewer under valgrind, through
 * IVS_TEST_THREADS and IVS_TEST_CALLS_PER_THREAD): every call succeeds, each thread sees exactly its
 * own resources, nothing is lost or duplicated, and ivs-local saw exactly the requests made. The
 * calls mix the three services, ivs_call, the generated per-operation functions and ivs_paginate.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static ivs_client *shared;
static int calls_per_thread;

struct worker {
    int index;
    int calls;    /* calls made */
    int ok;       /* calls that returned IVS_OK with the expected content */
    char room[256];
};

/* One call through ivs_call; returns the parsed output on IVS_OK, else NULL (reported). */
static json_t *call(const char *svc, const char *op, const char *input, struct worker *w) {
    char *out = NULL;
    ivs_status st = ivs_call(shared, svc, op, input, &out);
    w->calls++;
    json_t *doc = out ? json_loads(out, 0, NULL) : NULL;
    CHECKF(st == IVS_OK && doc, "thread %d: %s %s = %d: %.300s", w->index, svc, op, st, out ? out : "(null)");
    ivs_free(out);
    if (st != IVS_OK) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static void *work(void *arg) {
    struct worker *w = arg;
    char name[64], input[512];
    snprintf(name, sizeof name, "room-%d", w->index);

    /* CreateRoom through its generated function */
    snprintf(input, sizeof input, "{\"name\": \"%s\", \"tags\": {\"thread\": \"%d\"}}", name, w->index);
    char *out = NULL;
    ivs_status st = ivs_chat_create_room(shared, input, &out);
    w->calls++;
    json_t *room = out ? json_loads(out, 0, NULL) : NULL;
    ivs_free(out);
    CHECKF(st == IVS_OK && room, "thread %d: CreateRoom = %d", w->index, st);
    if (!room) return NULL;
    snprintf(w->room, sizeof w->room, "%s", json_string_value(json_object_get(room, "arn")));
    json_decref(room);
    w->ok++;

    for (int i = 1; i < calls_per_thread; i++) {
        json_t *doc = NULL;
        bool good = false;
        switch (i % 4) {
        case 0: /* read back this thread's room */
            snprintf(input, sizeof input, "{\"identifier\": \"%s\"}", w->room);
            doc = call("ivschat", "GetRoom", input, w);
            good = doc && strcmp(json_string_value(json_object_get(doc, "name")), name) == 0;
            break;
        case 1: /* send an event to it */
            snprintf(input, sizeof input, "{\"roomIdentifier\": \"%s\", \"eventName\": \"tick\", \"attributes\": "
                                          "{\"i\": \"%d\"}}", w->room, i);
            doc = call("ivschat", "SendEvent", input, w);
            good = doc && json_is_string(json_object_get(doc, "id"));
            break;
        case 2: /* its tags, over the /tags/{resourceArn} route */
            snprintf(input, sizeof input, "{\"resourceArn\": \"%s\"}", w->room);
            doc = call("ivschat", "ListTagsForResource", input, w);
            {
                char want[16];
                snprintf(want, sizeof want, "%d", w->index);
                const char *got = json_string_value(json_object_get(json_object_get(doc, "tags"), "thread"));
                good = got && strcmp(got, want) == 0;
            }
            break;
        case 3: /* another service on the same client */
            doc = call("ivs", "ListChannels", "{\"maxResults\": 1}", w);
            good = doc && json_is_array(json_object_get(doc, "channels"));
            break;
        }
        if (good) w->ok++;
        else CHECKF(good, "thread %d call %d: unexpected output", w->index, i);
        json_decref(doc);
    }
    return NULL;
}

int main(void) {
    int nthreads = h_env_int("IVS_TEST_THREADS", 16);
    calls_per_thread = h_env_int("IVS_TEST_CALLS_PER_THREAD", 50);
    shared = h_client(json_pack("{s:i}", "maxAttempts", 3));

    struct worker *workers = calloc((size_t)nthreads, sizeof *workers);
    pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
    REQUIRE(workers && threads);
    for (int i = 0; i < nthreads; i++) {
        workers[i].index = i;
        REQUIRE(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    int total = 0, ok = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(threads[i], NULL);
        total += workers[i].calls;
        ok += workers[i].ok;
    }
    printf("%d threads x %d calls on one client: %d of %d calls succeeded\n", nthreads, calls_per_thread, ok, total);
    CHECK(total == nthreads * calls_per_thread);
    CHECK(ok == total);

    /* every room exists exactly once and is its thread's */
    char *out = NULL;
    CHECK(ivs_paginate(shared, "ivschat", "ListRooms", "{\"maxResults\": 7}", &out) == IVS_OK);
    json_t *rooms = json_loads(out ? out : "", 0, NULL);
    ivs_free(out);
    CHECK((int)h_len(rooms, "rooms") == nthreads);
    for (int i = 0; i < nthreads; i++)
        CHECKF(h_array_has(rooms, "rooms", "arn", workers[i].room), "room of thread %d is listed", i);
    json_decref(rooms);

    /* ivs-local received exactly the requests made: no lost or duplicated request */
    json_t *log = h_control_ok("GET", "requests", NULL);
    long received = h_len(log, "requests");
    long faults = 0;
    size_t i;
    json_t *entry;
    json_array_foreach(h_get(log, "requests"), i, entry) if (json_object_get(entry, "fault")) faults++;
    json_decref(log);
    CHECKF(received == total + 1 /* ListRooms, one page per 7 rooms */ + (nthreads - 1) / 7 && faults == 0,
           "ivs-local received %ld requests for %d calls", received, total);

    /* SendEvent actions were recorded per room, none lost */
    int events_expected = 0;
    for (int k = 1; k < calls_per_thread; k++) events_expected += (k % 4 == 1);
    json_t *actions = h_control_ok("GET", "chat/actions", NULL);
    for (int t = 0; t < nthreads; t++) {
        json_t *per_room = json_object_get(json_object_get(actions, "rooms"), workers[t].room);
        CHECKF((int)json_array_size(per_room) == events_expected, "thread %d: %zu events recorded, expected %d", t,
               json_array_size(per_room), events_expected);
    }
    json_decref(actions);

    h_record("ivschat", "CreateRoom");
    free(workers);
    free(threads);
    ivs_client_free(shared);
    return h_finish();
}
