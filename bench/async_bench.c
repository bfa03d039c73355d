/*
 * async_bench: calls in flight (issue 13), against bench/canned_server on 127.0.0.1.
 *
 *   async_bench --port PORT --mode latency  [--inflight 256] [--seconds 5]
 *       ivs_call_async keeping INFLIGHT calls in flight from one thread for SECONDS against a server
 *       that holds each answer (canned_server PORT DELAY_US); prints calls/s.
 *   async_bench --port PORT --mode cpu [--inflight 64] [--seconds 5]
 *       the same against a zero-latency server, and beside it a bare libcurl multi loop with INFLIGHT
 *       easy handles sending the same request; prints both and the ratio.
 *   async_bench --port PORT --mode cpu --only ivs|bare [--calls N] [--callgrind]
 *       one side alone, for N calls past the warm-up (bench/callgrind.sh counts their instructions).
 *   async_bench --port PORT --mode memory [--inflight 10000]
 *       starts INFLIGHT calls against a server that holds answers long, measures the process's RSS
 *       with all of them in flight, and prints the bytes per call in flight.
 *
 * Lines starting RESULT carry the figures as key=value. A benchmark, not a test: nothing fails on a
 * slow run. scripts/bench-async.sh builds and runs it with the servers it needs.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ivs.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS
#endif
/* Both threads of a client (the caller's and the loop's) are counted: callgrind's collection toggle
 * is per thread, so the counts are dumped after the measured calls (the loop thread's warm-up stays in
 * them: bench/callgrind.sh takes the difference of two runs). */
#define MEASURE_START() do { if (use_callgrind) CALLGRIND_ZERO_STATS; } while (0)
#define MEASURE_END() do { if (use_callgrind) CALLGRIND_DUMP_STATS; } while (0)

static int port, inflight = 0;
static double seconds = 5;
static const char *mode = "latency";
static const char *only = NULL; /* cpu mode: "ivs" or "bare" alone (for profiling) */
/* cpu mode with --only: stop after this many calls past the warm-up instead of after --seconds; with
 * --callgrind those calls alone are counted (valgrind --tool=callgrind --collect-atstart=no). */
static long count_calls = 0;
static int use_callgrind = 0;
static char url[128];
static const char input[] = "{\"arn\": \"arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234\"}";

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "async_bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    }
    if (f) fclose(f);
    return kb;
}

static ivs_client *open_client(const char *dispatch) {
    char config[512];
    snprintf(config, sizeof config,
             "{\"region\": \"us-west-2\", \"endpointUrl\": \"%s\", \"credentials\": {\"accessKeyId\": \"AKIAIOSFODNN7EXAMPLE\", "
             "\"secretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}, \"dispatch\": \"%s\", "
             "\"maxConnections\": %d, \"requestTimeoutMs\": 120000}",
             url, dispatch, inflight > 1024 ? 1024 : (inflight > 0 ? inflight : 64));
    ivs_client *c = NULL;
    char *err = NULL;
    if (ivs_client_new(config, &c, &err) != IVS_OK) die("ivs_client_new", err);
    return c;
}

/* ---- ivs_call_async, keeping N in flight (manual dispatch on this one thread) ---- */

static ivs_client *client;
static long completed, failures;
static int keep_going;

static void done(ivs_status st, const char *json, void *ud) {
    (void)ud;
    if (st != IVS_OK && st != IVS_E_CANCELLED) {
        if (failures++ < 3) fprintf(stderr, "async_bench: call failed: %.200s\n", json ? json : "");
    }
    completed++;
    if (keep_going) ivs_call_async(client, "ivs", "GetChannel", input, done, NULL, NULL);
}

static double run_ivs(double duration, long *calls) {
    client = open_client("manual");
    completed = failures = 0;
    keep_going = 1;
    for (int i = 0; i < inflight; i++) ivs_call_async(client, "ivs", "GetChannel", input, done, NULL, NULL);
    /* warm-up: the first round opens the connections */
    while (completed < inflight) ivs_client_dispatch(client, 1000);
    long start_count = completed;
    MEASURE_START();
    double start = now();
    if (count_calls > 0) {
        while (completed - start_count < count_calls) ivs_client_dispatch(client, 100);
    } else {
        while (now() - start < duration) ivs_client_dispatch(client, 100);
    }
    double elapsed = now() - start;
    MEASURE_END();
    *calls = completed - start_count;
    keep_going = 0;
    ivs_client_free(client); /* the calls still in flight end as cancelled */
    return *calls / elapsed;
}

/* ---- bare libcurl multi with N easy handles ---- */

static size_t sink(char *p, size_t s, size_t n, void *ud) { (void)p; (void)ud; return s * n; }

static double run_bare(double duration, long *calls) {
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)inflight);
    struct curl_slist *headers = NULL;
    const char *hs[] = {
        "Content-Type: application/json", "X-Amz-Date: 20261121T093000Z",
        "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-west-2/ivs/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "Expect:"};
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) headers = curl_slist_append(headers, hs[i]);
    char call_url[160];
    snprintf(call_url, sizeof call_url, "%s/GetChannel", url);
    const char body[] = "{\"arn\":\"arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234\"}";
    CURL **easy = calloc((size_t)inflight, sizeof *easy);
    for (int i = 0; i < inflight; i++) {
        CURL *h = easy[i] = curl_easy_init();
        curl_easy_setopt(h, CURLOPT_URL, call_url);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(sizeof body - 1));
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "libivs/0.1.0");
        curl_multi_add_handle(m, h);
    }
    long count = 0, start_count = -1;
    double start = 0;
    for (;;) {
        int running = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL *h = msg->easy_handle;
            if (msg->data.result != CURLE_OK) die("bare call failed", curl_easy_strerror(msg->data.result));
            count++;
            curl_multi_remove_handle(m, h);
            curl_multi_add_handle(m, h); /* the same request again, on its kept-alive connection */
        }
        if (start_count < 0 && count >= inflight) {
            start_count = count;
            MEASURE_START();
            start = now();
        }
        if (start_count >= 0 && (count_calls > 0 ? count - start_count >= count_calls : now() - start >= duration)) break;
        curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    double elapsed = now() - start;
    MEASURE_END();
    *calls = count - start_count;
    for (int i = 0; i < inflight; i++) { curl_multi_remove_handle(m, easy[i]); curl_easy_cleanup(easy[i]); }
    free(easy);
    curl_slist_free_all(headers);
    curl_multi_cleanup(m);
    return *calls / elapsed;
}

/* ---- memory per call in flight ---- */

static atomic_long memory_done;
static void memory_cb(ivs_status st, const char *json, void *ud) { (void)st; (void)json; (void)ud; atomic_fetch_add(&memory_done, 1); }

static void run_memory(void) {
    client = open_client("thread");
    /* one call first: the loop thread, the connection pool and TLS state exist before the baseline */
    ivs_call_async(client, "ivs", "GetChannel", input, memory_cb, NULL, NULL);
    while (atomic_load(&memory_done) < 1) usleep(10000);
    long before = rss_kb();
    for (int i = 0; i < inflight; i++) ivs_call_async(client, "ivs", "GetChannel", input, memory_cb, NULL, NULL);
    usleep(1500 * 1000); /* all handed to the loop and sent or queued; the server holds the answers */
    long during = rss_kb();
    long finished_early = atomic_load(&memory_done) - 1;
    printf("memory: RSS %ld KiB before, %ld KiB with %d calls in flight (%ld had finished): %.1f KiB per call\n",
           before, during, inflight, finished_early, (double)(during - before) / inflight);
    printf("RESULT mode=memory inflight=%d rss_before_kb=%ld rss_during_kb=%ld bytes_per_call=%.0f\n", inflight,
           before, during, (double)(during - before) * 1024 / inflight);
    ivs_client_free(client);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--mode") && i + 1 < argc) mode = argv[++i];
        else if (!strcmp(argv[i], "--inflight") && i + 1 < argc) inflight = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--calls") && i + 1 < argc) count_calls = atol(argv[++i]);
        else if (!strcmp(argv[i], "--callgrind")) use_callgrind = 1;
        else die("usage: async_bench --port PORT --mode latency|cpu|memory [--inflight N] [--seconds S] "
                      "[--only ivs|bare [--calls N] [--callgrind]]", NULL);
    }
    if (port <= 0) die("--port is required", NULL);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!strcmp(mode, "latency")) {
        if (!inflight) inflight = 256;
        long calls;
        double rate = run_ivs(seconds, &calls);
        printf("latency-bound: %d in flight, %ld calls in %.0f s: %.0f calls/s\n", inflight, calls, seconds, rate);
        printf("RESULT mode=latency inflight=%d ivs_calls_per_s=%.0f failures=%ld\n", inflight, rate, failures);
    } else if (!strcmp(mode, "cpu")) {
        if (!inflight) inflight = 64;
        long a, b;
        if (only) {
            double rate = !strcmp(only, "ivs") ? run_ivs(seconds, &a) : run_bare(seconds, &b);
            printf("RESULT mode=cpu only=%s calls=%ld calls_per_s=%.0f\n", only, !strcmp(only, "ivs") ? a : b, rate);
            curl_global_cleanup();
            return 0;
        }
        double bare = run_bare(seconds, &b), ivs = run_ivs(seconds, &a), bare2 = run_bare(seconds, &b);
        double ivs2 = run_ivs(seconds, &a);
        double bare_m = (bare + bare2) / 2, ivs_m = (ivs + ivs2) / 2;
        printf("zero latency, %d in flight, one thread: bare multi %.0f calls/s, ivs_call_async %.0f calls/s: %.2fx\n",
               inflight, bare_m, ivs_m, ivs_m / bare_m);
        printf("RESULT mode=cpu inflight=%d bare_calls_per_s=%.0f ivs_calls_per_s=%.0f ratio=%.3f failures=%ld\n",
               inflight, bare_m, ivs_m, ivs_m / bare_m, failures);
    } else if (!strcmp(mode, "memory")) {
        if (!inflight) inflight = 10000;
        run_memory();
    } else {
        die("unknown mode", mode);
    }
    curl_global_cleanup();
    return 0;
}
