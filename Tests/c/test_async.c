/*
 * Calls in flight against ivs-local: many calls from one thread across the three services with
 * faults injected (throttling, 500s, dropped connections, delays), every callback exactly once with
 * the status and attempts the faults imply and nothing left in flight; cancellation at each stage
 * (waiting for credentials, connecting, mid-response, waiting to retry); ivs_client_free with calls in
 * flight; callbacks that start calls; both dispatch modes (manual with poll on ivs_client_fd); many
 * threads starting calls on one client; and the same text from ivs_call and ivs_call_async for the
 * same response, byte for byte. Sizes come down under valgrind (IVS_TEST_CALLS_PER_THREAD).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ---- waiting for callbacks ----------------------------------------------------------------------- */

/* One call's record: how often its callback ran, and what it got. */
struct result {
    atomic_int runs;
    ivs_status status;
    char *json;     /* a copy of the callback's text */
    pthread_t thread;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int finished; /* callbacks run, under mu */

static void done(ivs_status status, const char *json, void *userdata) {
    struct result *r = userdata;
    if (atomic_fetch_add(&r->runs, 1) == 0) {
        r->status = status;
        r->json = json ? strdup(json) : NULL;
        r->thread = pthread_self();
    }
    pthread_mutex_lock(&mu);
    finished++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits until `want` callbacks ran in all (thread dispatch), at most seconds. */
static bool wait_finished(int want, double seconds) {
    double deadline = now() + seconds;
    pthread_mutex_lock(&mu);
    while (finished < want && now() < deadline) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
        pthread_cond_timedwait(&cv, &mu, &ts);
    }
    bool ok = finished >= want;
    pthread_mutex_unlock(&mu);
    return ok;
}

static void reset_counts(void) {
    pthread_mutex_lock(&mu);
    finished = 0;
    pthread_mutex_unlock(&mu);
}

static json_t *parsed(const struct result *r) { return r->json ? json_loads(r->json, 0, NULL) : NULL; }

static long attempts_of(const struct result *r) {
    json_t *d = parsed(r);
    long n = -1;
    if (json_object_get(d, "error")) n = (long)json_integer_value(h_get(d, "error.attempts"));
    else if (d) n = (long)json_integer_value(h_get(d, "ResponseMetadata.RetryAttempts")) + 1;
    json_decref(d);
    return n;
}

static void fault(const char *operation, int count, json_t *more) {
    json_t *f = json_pack("{s:s, s:i}", "operation", operation, "count", count);
    json_object_update(f, more);
    json_decref(more);
    json_decref(h_control_ok("POST", "faults", f));
}

/* ---- many calls, faults injected --------------------------------------------------------------- */

static void many_calls_with_faults(void) {
    h_reset();
    int n = h_env_int("IVS_TEST_CALLS_PER_THREAD", 50) * 20; /* 1000; 200 under valgrind */
    ivs_client *c = h_client(json_pack("{s:i, s:i}", "maxAttempts", 10, "maxConnections", 64));
    /* Faults that each cost one retry, whichever call meets them; delays that cost nothing. */
    int throttles = n / 50, errors = n / 50, drops = n / 100, delays = n / 100;
    fault("ListChannels", throttles, json_pack("{s:s, s:i, s:s}", "action", "error", "status", 429, "code", "ThrottlingException"));
    fault("ListStages", errors, json_pack("{s:s, s:i, s:s}", "action", "error", "status", 500, "code", "InternalServerException"));
    fault("ListRooms", drops, json_pack("{s:s}", "action", "drop"));
    fault("ListPlaybackKeyPairs", delays, json_pack("{s:s, s:i}", "action", "delay", "delayMs", 300));
    const char *ops[][2] = {{"ivs", "ListChannels"}, {"ivs-realtime", "ListStages"}, {"ivschat", "ListRooms"},
                            {"ivs", "ListPlaybackKeyPairs"}};
    struct result *r = calloc((size_t)n, sizeof *r);
    REQUIRE(r != NULL);
    reset_counts();
    double started = now();
    for (int i = 0; i < n; i++) {
        ivs_request_id id = 0;
        CHECK(ivs_call_async(c, ops[i % 4][0], ops[i % 4][1], "{}", done, &r[i], &id) == IVS_OK);
        CHECK(id != 0);
    }
    CHECKF(wait_finished(n, 120), "all %d callbacks ran (%d did)", n, finished);
    long retries = 0, ok = 0;
    for (int i = 0; i < n; i++) {
        CHECKF(atomic_load(&r[i].runs) == 1, "call %d: callback ran %d times", i, atomic_load(&r[i].runs));
        if (r[i].status == IVS_OK) ok++;
        else fprintf(stderr, "call %d (%s): %d %.300s\n", i, ops[i % 4][1], r[i].status, r[i].json ? r[i].json : "");
        retries += attempts_of(&r[i]) - 1;
        free(r[i].json);
    }
    CHECKF(ok == n, "%ld of %d calls succeeded", ok, n);
    /* every fault that fails an attempt cost exactly one retry, and every request on the wire was an attempt */
    CHECKF(retries == throttles + errors + drops, "retries %ld, expected %d", retries, throttles + errors + drops);
    long on_wire = 0;
    long want_ops[4] = {n / 4 + throttles, n / 4 + errors, n / 4 + drops, n / 4};
    for (int k = 0; k < 4; k++) {
        long got = h_received(ops[k][1]);
        CHECKF(got == want_ops[k], "%s: ivs-local received %ld, expected %ld", ops[k][1], got, want_ops[k]);
        on_wire += got;
    }
    CHECKF(on_wire == n + throttles + errors + drops, "ivs-local received %ld requests, expected %d", on_wire,
           n + throttles + errors + drops);
    printf("many calls: %d calls in %.2f s\n", n, now() - started);
    free(r);
    ivs_client_free(c);

    /* a call that meets its fault on every attempt ends with the last error and the attempts made */
    h_reset();
    c = h_client(json_pack("{s:i}", "maxAttempts", 3));
    fault("ListRooms", 3, json_pack("{s:s, s:i, s:s}", "action", "error", "status", 429, "code", "ThrottlingException"));
    struct result one = {0};
    reset_counts();
    CHECK(ivs_call_async(c, "ivschat", "ListRooms", "{}", done, &one, NULL) == IVS_OK);
    CHECK(wait_finished(1, 30));
    CHECK(one.status == IVS_E_SERVICE);
    json_t *e = parsed(&one);
    CHECK_ERROR_JSON(e, IVS_E_SERVICE, "ThrottlingException");
    CHECK(h_int(e, "error.attempts") == 3);
    CHECK(json_is_true(h_get(e, "error.retryable")));
    json_decref(e);
    free(one.json);
    ivs_client_free(c);
}

/* ---- errors arrive through done ---------------------------------------------------------------- */

static void errors_through_done(void) {
    ivs_client *c = h_client(NULL);
    struct result r[5] = {{0}};
    reset_counts();
    CHECK(ivs_call_async(c, "nope", "ListChannels", "{}", done, &r[0], NULL) == IVS_OK);
    CHECK(ivs_call_async(c, "ivs", "NoSuchOperation", "{}", done, &r[1], NULL) == IVS_OK);
    CHECK(ivs_call_async(c, "ivs", "GetChannel", "{}", done, &r[2], NULL) == IVS_OK);
    CHECK(ivs_call_async(c, "ivs", "GetChannel", "{not json", done, &r[3], NULL) == IVS_OK);
    CHECK(ivs_call_async(c, NULL, "GetChannel", "{}", done, &r[4], NULL) == IVS_OK);
    CHECK(wait_finished(5, 30));
    ivs_status want[] = {IVS_E_INVALID_ARGUMENT, IVS_E_INVALID_ARGUMENT, IVS_E_VALIDATION, IVS_E_INVALID_ARGUMENT,
                         IVS_E_INVALID_ARGUMENT};
    for (int i = 0; i < 5; i++) {
        CHECKF(r[i].status == want[i], "error %d: status %d, expected %d", i, r[i].status, want[i]);
        json_t *d = parsed(&r[i]);
        CHECK_ERROR_JSON(d, want[i], NULL);
        json_decref(d);
        free(r[i].json);
    }
    /* refused outright only without a client or a callback; then done never runs */
    ivs_request_id id = 77;
    CHECK(ivs_call_async(NULL, "ivs", "ListChannels", "{}", done, &r[0], &id) == IVS_E_INVALID_ARGUMENT && id == 0);
    CHECK(ivs_call_async(c, "ivs", "ListChannels", "{}", NULL, &r[0], &id) == IVS_E_INVALID_ARGUMENT && id == 0);
    CHECK(ivs_cancel(NULL, 1) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_cancel(c, 0) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_cancel(c, 123456789) == IVS_OK); /* unknown: ignored */
    CHECK(ivs_client_fd(c) == -1 && ivs_client_fd(NULL) == -1);
    CHECK(ivs_client_dispatch(c, 0) == 0 && ivs_client_dispatch(NULL, 0) == 0);
    ivs_client_free(c);
}

/* ---- cancellation at each stage ---------------------------------------------------------------- */

/* A TCP server on loopback that accepts and never answers: a TLS handshake against it never ends. */
static int silent_port;
static void *silent_server(void *arg) {
    int s = *(int *)arg;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) break;
        /* keep it open; the client gives up */
    }
    return NULL;
}

static void cancel_and_expect(ivs_client *c, const char *svc, const char *op, const char *input, double after,
                              const char *stage) {
    struct result r = {0};
    reset_counts();
    ivs_request_id id = 0;
    CHECK(ivs_call_async(c, svc, op, input, done, &r, &id) == IVS_OK);
    usleep((useconds_t)(after * 1e6));
    double t = now();
    CHECK(ivs_cancel(c, id) == IVS_OK);
    CHECKF(wait_finished(1, 10), "%s: the callback ran", stage);
    /* (valgrind runs everything 10-50 times slower: IVS_TEST_TIME_SCALE) */
    double bound = 2.0 * h_env_int("IVS_TEST_TIME_SCALE", 1);
    CHECKF(now() - t < bound, "%s: cancelled within %.0f s (%.2f)", stage, bound, now() - t);
    CHECKF(r.status == IVS_E_CANCELLED, "%s: status %d: %.200s", stage, r.status, r.json ? r.json : "");
    json_t *d = parsed(&r);
    CHECK_ERROR_JSON(d, IVS_E_CANCELLED, "Cancelled");
    json_decref(d);
    free(r.json);
    /* a second cancel, after the callback ran, changes nothing */
    CHECK(ivs_cancel(c, id) == IVS_OK);
    usleep(50 * 1000);
    CHECK(atomic_load(&r.runs) == 1);
}

static void cancellation(void) {
    h_reset();
    /* mid-response: ivs-local holds the answer */
    /* (each test delays operations of its own: ivs-local logs a held request when it answers, later) */
    ivs_client *c = h_client(NULL);
    fault("ListEncoderConfigurations", 1, json_pack("{s:s, s:i}", "action", "delay", "delayMs", 3000));
    cancel_and_expect(c, "ivs-realtime", "ListEncoderConfigurations", "{}", 0.3, "mid-response");
    /* waiting to retry: a 503 that asks for 5 s */
    ivs_client_free(c);
    c = h_client(json_pack("{s:i}", "maxAttempts", 3));
    fault("ListRooms", 1, json_pack("{s:s, s:i, s:s, s:i}", "action", "error", "status", 503, "code",
                                    "ServiceUnavailableException", "retryAfter", 5));
    cancel_and_expect(c, "ivschat", "ListRooms", "{}", 0.5, "waiting to retry");
    CHECK(h_received("ListRooms") == 1);
    ivs_client_free(c);

    /* connecting: a TLS handshake with a server that never answers */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    REQUIRE(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 16) == 0);
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &len);
    silent_port = ntohs(a.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, silent_server, &s);
    pthread_detach(t);
    char url[64];
    snprintf(url, sizeof url, "https://127.0.0.1:%d", silent_port);
    c = h_client(json_pack("{s:s}", "endpointUrl", url));
    cancel_and_expect(c, "ivs", "ListChannels", "{}", 0.3, "connecting");
    ivs_client_free(c);

    /* waiting for credentials: a credential_process that takes a second */
    char dir[] = "/tmp/ivs-async-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f != NULL);
    fprintf(f, "[profile slow]\ncredential_process = /bin/sh -c \"sleep 1; printf '{\\\"Version\\\": 1, "
               "\\\"AccessKeyId\\\": \\\"test\\\", \\\"SecretAccessKey\\\": \\\"test\\\"}'\"\n");
    fclose(f);
    setenv("AWS_CONFIG_FILE", path, 1);
    json_t *cfg = json_pack("{s:s, s:s, s:s}", "region", REGION, "endpointUrl", h_url(), "profile", "slow");
    char *text = json_dumps(cfg, JSON_COMPACT);
    json_decref(cfg);
    ivs_client *slow = NULL;
    char *err = NULL;
    CHECK(ivs_client_new(text, &slow, &err) == IVS_OK);
    ivs_free(err);
    free(text);
    REQUIRE(slow != NULL);
    long before = h_received("ListStages");
    cancel_and_expect(slow, "ivs-realtime", "ListStages", "{}", 0.2, "waiting for credentials");
    usleep(1200 * 1000); /* the credentials arrive: the cancelled call must not be sent */
    CHECK(h_received("ListStages") == before);
    /* the next call uses them */
    struct result r = {0};
    reset_counts();
    CHECK(ivs_call_async(slow, "ivs-realtime", "ListStages", "{}", done, &r, NULL) == IVS_OK);
    CHECK(wait_finished(1, 10) && r.status == IVS_OK);
    free(r.json);
    ivs_client_free(slow);
    unlink(path);
    rmdir(dir);
    setenv("AWS_CONFIG_FILE", "/nonexistent/aws/config", 1);
}

/* ---- freeing a client with calls in flight ------------------------------------------------------ */

static void free_with_calls_in_flight(void) {
    h_reset();
    ivs_client *c = h_client(NULL);
    enum { N = 20 };
    fault("ListStorageConfigurations", N, json_pack("{s:s, s:i}", "action", "delay", "delayMs", 3000));
    struct result r[N] = {{0}};
    reset_counts();
    for (int i = 0; i < N; i++) CHECK(ivs_call_async(c, "ivs-realtime", "ListStorageConfigurations", "{}", done, &r[i], NULL) == IVS_OK);
    usleep(200 * 1000);
    double t = now();
    ivs_client_free(c);
    CHECKF(now() - t < 2.0 * h_env_int("IVS_TEST_TIME_SCALE", 1), "free returned soon (%.2f s)", now() - t);
    pthread_mutex_lock(&mu);
    CHECKF(finished == N, "every callback ran before ivs_client_free returned (%d of %d)", finished, N);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < N; i++) {
        CHECK(atomic_load(&r[i].runs) == 1);
        CHECK(r[i].status == IVS_E_CANCELLED);
        free(r[i].json);
    }
}

/* ---- callbacks that start calls ------------------------------------------------------------------ */

struct chain {
    ivs_client *client;
    atomic_int left;
    atomic_int ok;
};

static void chained(ivs_status status, const char *json, void *userdata) {
    (void)json;
    struct chain *ch = userdata;
    if (status == IVS_OK) atomic_fetch_add(&ch->ok, 1);
    if (atomic_fetch_sub(&ch->left, 1) > 1) {
        /* from inside the callback: a new call on the same client */
        CHECK(ivs_call_async(ch->client, "ivschat", "ListRooms", "{}", chained, ch, NULL) == IVS_OK);
    } else {
        pthread_mutex_lock(&mu);
        finished++;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
}

static void callbacks_start_calls(void) {
    ivs_client *c = h_client(NULL);
    struct chain ch = {.client = c};
    atomic_store(&ch.left, 10);
    reset_counts();
    CHECK(ivs_call_async(c, "ivschat", "ListRooms", "{}", chained, &ch, NULL) == IVS_OK);
    CHECK(wait_finished(1, 30));
    CHECK(atomic_load(&ch.ok) == 10);
    ivs_client_free(c);
}

/* ---- manual dispatch, with poll() ---------------------------------------------------------------- */

static void manual_dispatch(void) {
    ivs_client *c = h_client(json_pack("{s:s}", "dispatch", "manual"));
    int fd = ivs_client_fd(c);
    CHECK(fd >= 0);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    CHECK(poll(&p, 1, 0) == 0); /* nothing waits yet */
    enum { N = 30 };
    struct result r[N] = {{0}};
    reset_counts();
    for (int i = 0; i < N; i++) CHECK(ivs_call_async(c, "ivs", "ListChannels", "{}", done, &r[i], NULL) == IVS_OK);
    int ran = 0;
    double deadline = now() + 30;
    while (ran < N && now() < deadline) {
        if (poll(&p, 1, 1000) == 1) ran += ivs_client_dispatch(c, 0);
    }
    CHECKF(ran == N, "dispatched %d of %d callbacks", ran, N);
    for (int i = 0; i < N; i++) {
        CHECK(atomic_load(&r[i].runs) == 1 && r[i].status == IVS_OK);
        CHECK(pthread_equal(r[i].thread, pthread_self())); /* on this thread, not the I/O thread */
        free(r[i].json);
    }
    CHECK(poll(&p, 1, 0) == 0); /* nothing waits any more */
    /* dispatch waits for a callback when asked to */
    struct result one = {0};
    CHECK(ivs_call_async(c, "ivs", "ListChannels", "{}", done, &one, NULL) == IVS_OK);
    CHECK(ivs_client_dispatch(c, 10000) == 1 && atomic_load(&one.runs) == 1);
    free(one.json);
    /* free runs the callbacks still owed, on the freeing thread */
    struct result last = {0};
    CHECK(ivs_call_async(c, "ivs", "ListChannels", "{}", done, &last, NULL) == IVS_OK);
    ivs_client_free(c);
    CHECK(atomic_load(&last.runs) == 1);
    free(last.json);
}

/* ---- many threads starting calls on one client ---------------------------------------------------- */

static ivs_client *shared;

static void *starter(void *arg) {
    struct result *r = arg;
    int n = h_env_int("IVS_TEST_CALLS_PER_THREAD", 50);
    for (int i = 0; i < n; i++) CHECK(ivs_call_async(shared, "ivschat", "ListRooms", "{}", done, &r[i], NULL) == IVS_OK);
    return NULL;
}

static void many_threads(void) {
    h_reset();
    shared = h_client(NULL);
    int threads = h_env_int("IVS_TEST_THREADS", 8), n = h_env_int("IVS_TEST_CALLS_PER_THREAD", 50);
    struct result *r = calloc((size_t)(threads * n), sizeof *r);
    pthread_t t[64];
    REQUIRE(r != NULL && threads <= 64);
    reset_counts();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, starter, &r[i * n]);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    CHECK(wait_finished(threads * n, 60));
    int ok = 0;
    for (int i = 0; i < threads * n; i++) {
        ok += atomic_load(&r[i].runs) == 1 && r[i].status == IVS_OK;
        free(r[i].json);
    }
    CHECKF(ok == threads * n, "%d of %d calls from %d threads", ok, threads * n, threads);
    CHECK(h_received("ListRooms") == threads * n);
    free(r);
    ivs_client_free(shared);
}

/* ---- the same text as ivs_call, byte for byte ---------------------------------------------------- */

/* A server that answers every request with the same bytes (no Date, no changing request id). */
static const char *canned;
static void *canned_server(void *arg) {
    int s = *(int *)arg;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) break;
        char buf[65536];
        size_t have = 0;
        for (;;) { /* one request per connection: headers, then Content-Length bytes */
            ssize_t got = recv(c, buf + have, sizeof buf - 1 - have, 0);
            if (got <= 0) break;
            have += (size_t)got;
            buf[have] = 0;
            char *end = strstr(buf, "\r\n\r\n");
            if (!end) continue;
            char *cl = strcasestr(buf, "content-length:");
            size_t body = cl ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
            if (have >= (size_t)(end + 4 - buf) + body) break;
        }
        send(c, canned, strlen(canned), 0);
        close(c);
    }
    return NULL;
}

static void same_text_as_ivs_call(void) {
    static int s;
    s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    REQUIRE(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 16) == 0);
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &len);
    pthread_t t;
    pthread_create(&t, NULL, canned_server, &s);
    pthread_detach(t);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    const char *responses[] = {
        /* passed through */
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-amzn-RequestId: r-1\r\nSet-Cookie: a=1\r\n"
        "Set-Cookie: b=2\r\nConnection: close\r\nContent-Length: 77\r\n\r\n"
        "{\"channel\": {\"arn\": \"arn:aws:ivs:us-west-2:123456789012:channel/abc\", \"x\": 1}}",
        /* converted (a timestamp) */
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-amzn-RequestId: r-2\r\nConnection: close\r\n"
        "Content-Length: 55\r\n\r\n{\"stream\": {\"startTime\": 1795253400, \"health\": \"HEALTHY\"}}",
        /* an error */
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nx-amzn-RequestId: r-3\r\n"
        "x-amzn-ErrorType: ResourceNotFoundException\r\nConnection: close\r\nContent-Length: 31\r\n\r\n"
        "{\"exceptionMessage\": \"no such\"}",
    };
    const char *ops[] = {"GetChannel", "GetStream", "GetChannel"};
    ivs_client *c = h_client(json_pack("{s:s}", "endpointUrl", url));
    for (int i = 0; i < 3; i++) {
        canned = responses[i];
        char input[128];
        snprintf(input, sizeof input, "{\"%s\": \"arn:aws:ivs:us-west-2:123456789012:channel/abc\"}",
                 i == 1 ? "channelArn" : "arn");
        char *out = NULL;
        ivs_status st = ivs_call(c, "ivs", ops[i], input, &out);
        struct result r = {0};
        reset_counts();
        CHECK(ivs_call_async(c, "ivs", ops[i], input, done, &r, NULL) == IVS_OK);
        CHECK(wait_finished(1, 10));
        CHECKF(r.status == st, "response %d: status %d async, %d blocking", i, r.status, st);
        CHECKF(out && r.json && strcmp(out, r.json) == 0, "response %d: the same text\n  ivs_call:       %s\n"
               "  ivs_call_async: %s", i, out ? out : "(null)", r.json ? r.json : "(null)");
        ivs_free(out);
        free(r.json);
    }
    ivs_client_free(c);
}

/* ---- paginate ------------------------------------------------------------------------------------- */

static void paginate_async(void) {
    h_reset();
    ivs_client *c = h_client(NULL);
    for (int i = 0; i < 5; i++) {
        char input[128];
        snprintf(input, sizeof input, "{\"name\": \"async-room-%d\"}", i);
        json_decref(CALL_OK(c, "ivschat", "CreateRoom", json_loads(input, 0, NULL)));
    }
    char *blocking = NULL;
    CHECK(ivs_paginate(c, "ivschat", "ListRooms", "{\"maxResults\": 2}", &blocking) == IVS_OK);
    struct result r = {0};
    reset_counts();
    CHECK(ivs_paginate_async(c, "ivschat", "ListRooms", "{\"maxResults\": 2}", done, &r, NULL) == IVS_OK);
    CHECK(wait_finished(1, 30));
    CHECK(r.status == IVS_OK);
    json_t *a = parsed(&r), *b = json_loads(blocking ? blocking : "", 0, NULL);
    CHECK(h_len(a, "rooms") == 5 && h_len(b, "rooms") == 5);
    CHECK(h_get(a, "nextToken") == NULL);
    CHECK(json_equal(json_object_get(a, "rooms"), json_object_get(b, "rooms")));
    json_decref(a);
    json_decref(b);
    ivs_free(blocking);
    free(r.json);
    ivs_client_free(c);
}

int main(void) {
    h_isolate_environment();
    errors_through_done();
    same_text_as_ivs_call();
    paginate_async();
    callbacks_start_calls();
    manual_dispatch();
    many_threads();
    cancellation();
    free_with_calls_in_flight();
    many_calls_with_faults();
    return h_finish();
}
