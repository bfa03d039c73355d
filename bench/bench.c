/*
 * bench: libivs against a bare libcurl keep-alive loop, in one process, on the same local server.
 *
 *   bench --port PORT [--rounds 12] [--calls 2000] [--threads 2] [--mt-calls 2000] [--create 5000]
 *         [--parts st,create,mt] [--only bare|ivs|create] [--callgrind]
 *
 * Needs bench/canned_server running on 127.0.0.1:PORT (scripts/bench.sh starts it).
 *
 * 1. Single-threaded round trips. "bare" is the least a C program can do per call with libcurl: one
 *    easy handle kept alive, a POST of a GetChannel-sized JSON body with the headers a signed IVS
 *    request carries (a fixed, precomputed header list: no signing), the response body collected into
 *    a buffer, the status read. "ivs" is ivs_call(client, "ivs", "GetChannel", {"arn": ...}) through a
 *    client whose endpointUrl is the same server, with static credentials: parse, validate, serialize,
 *    sign, send over its pooled handle, parse the response and return the output JSON text.
 *    Rounds alternate bare, ivs, bare, ivs ... after a warm-up, so drift of a shared machine hits both;
 *    reported are the medians of the rounds' calls per second and the median of the per-pair ratios,
 *    and the CPU time the benchmark process spent per call (the server is another process).
 * 2. Client creation: ivs_client_new + ivs_client_free, each pair timed; median, p99 and mean.
 * 3. Multi-threaded throughput: N threads, bare with one easy handle per thread, ivs sharing one client.
 * 4. Memory (--parts rss): resident set size across --rss-calls calls on one client (sampled ten times;
 *    flat means within 1 MiB), per client (1000 clients made and kept), and per idle pooled connection
 *    (--slow-port: a server that holds each answer back, so --conns threads' calls overlap and the
 *    client keeps that many connections in its pool afterwards).
 *
 * --parts picks which of 1-3 run (default all).
 * --only X runs just one part (bare or ivs: single-threaded loop of --calls calls after a warm-up);
 * with --callgrind the measured loop is wrapped in CALLGRIND_TOGGLE_COLLECT, so
 * `valgrind --tool=callgrind --collect-atstart=no bench --only ivs --callgrind` counts only the calls.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
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
#define CALLGRIND_TOGGLE_COLLECT
#endif

#define CHANNEL_ARN "arn:aws:ivs:us-west-2:123456789012:channel/abcdEFGH1234"
static const char input_json[] = "{\"arn\": \"" CHANNEL_ARN "\"}";
/* What libivs sends for that input: the body of a GetChannel request. */
static const char bare_body[] = "{\"arn\":\"" CHANNEL_ARN "\"}";

static int port;
static char url_base[64];   /* http://127.0.0.1:PORT */
static char url_call[96];   /* ... /GetChannel */
static int use_callgrind;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of n values, nearest rank; sorts v. */
static double quantile(double *v, int n, double q) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(q * (n - 1) + 0.5);
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* ---------- the bare libcurl loop ---------- */

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static size_t collect(char *p, size_t size, size_t n, void *ud) {
    buffer *b = ud;
    size_t k = size * n;
    if (b->len + k > b->cap) {
        size_t cap = (b->len + k) * 2;
        char *d = realloc(b->data, cap);
        if (!d) return 0;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, k);
    b->len += k;
    return k;
}

static size_t ignore_header(char *p, size_t size, size_t n, void *ud) {
    (void)p; (void)ud;
    return size * n;
}

typedef struct {
    CURL *h;
    struct curl_slist *headers;
    buffer body;
} bare_client;

/* The same per-handle options libivs sets (CurlTransport.configure). */
static void bare_open(bare_client *c) {
    memset(c, 0, sizeof *c);
    c->h = curl_easy_init();
    if (!c->h) die("curl_easy_init failed", NULL);
    curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c->h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(c->h, CURLOPT_USERAGENT, "libivs/0.1.0");
    curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->body);
    curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, ignore_header);
    curl_easy_setopt(c->h, CURLOPT_URL, url_call);
    curl_easy_setopt(c->h, CURLOPT_POST, 1L);
    curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, bare_body);
    curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(sizeof bare_body - 1));
    /* The headers of a signed request, with a fixed signature of the real length. */
    const char *hs[] = {
        "Content-Type: application/json",
        "X-Amz-Date: 20261121T093000Z",
        "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/us-west-2/ivs/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "Expect:",
    };
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) c->headers = curl_slist_append(c->headers, hs[i]);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->headers);
}

static void bare_call(bare_client *c) {
    c->body.len = 0;
    CURLcode rc = curl_easy_perform(c->h);
    if (rc != CURLE_OK) die("bare call failed", curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200 || c->body.len == 0) die("bare call: unexpected response", NULL);
}

static void bare_close(bare_client *c) {
    curl_slist_free_all(c->headers);
    curl_easy_cleanup(c->h);
    free(c->body.data);
}

/* ---------- libivs ---------- */

static ivs_client *ivs_open(void) {
    char config[512];
    snprintf(config, sizeof config,
             "{\"region\": \"us-west-2\", \"endpointUrl\": \"%s\","
             " \"credentials\": {\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\"}}",
             url_base);
    ivs_client *c = NULL;
    char *err = NULL;
    if (ivs_client_new(config, &c, &err) != IVS_OK) die("ivs_client_new failed", err);
    return c;
}

static void ivs_one(ivs_client *c) {
    char *out = NULL;
    ivs_status s = ivs_call(c, "ivs", "GetChannel", input_json, &out);
    if (s != IVS_OK) die("ivs_call failed", out);
    ivs_free(out);
}

/* The output is what a caller expects: the channel and the metadata. Checked once, before timing. */
static void ivs_check(ivs_client *c) {
    char *out = NULL;
    ivs_status s = ivs_call(c, "ivs", "GetChannel", input_json, &out);
    if (s != IVS_OK) die("ivs_call failed", out);
    if (!strstr(out, "\"latencyMode\": \"LOW\"") && !strstr(out, "\"latencyMode\":\"LOW\""))
        die("ivs_call output lacks the channel", out);
    if (!strstr(out, "5f0c4a1e-7b2d-4c3e-9f8a-1b2c3d4e5f60")) die("ivs_call output lacks the request id", out);
    ivs_free(out);
}

/* ---------- single-threaded rounds ---------- */

typedef struct {
    double per_s, cpu_us;
} round_result;

static round_result round_bare(bare_client *c, int calls) {
    double t0 = now_s(), c0 = cpu_s();
    for (int i = 0; i < calls; i++) bare_call(c);
    double c1 = cpu_s(), t1 = now_s();
    return (round_result){calls / (t1 - t0), (c1 - c0) * 1e6 / calls};
}

/* The bare loop plus what any reader of the answer does with jansson: json_loadb of the body, then
 * json_decref. Not the target's reference; it shows how much of the gap one parse of the body is. */
static round_result round_bare_parse(bare_client *c, int calls) {
    double t0 = now_s(), c0 = cpu_s();
    for (int i = 0; i < calls; i++) {
        bare_call(c);
        json_t *j = json_loadb(c->body.data, c->body.len, 0, NULL);
        if (!j) die("bare call: the body is not JSON", NULL);
        json_decref(j);
    }
    double c1 = cpu_s(), t1 = now_s();
    return (round_result){calls / (t1 - t0), (c1 - c0) * 1e6 / calls};
}

static round_result round_ivs(ivs_client *c, int calls) {
    double t0 = now_s(), c0 = cpu_s();
    for (int i = 0; i < calls; i++) ivs_one(c);
    double c1 = cpu_s(), t1 = now_s();
    return (round_result){calls / (t1 - t0), (c1 - c0) * 1e6 / calls};
}

static void single_threaded(int rounds, int calls) {
    bare_client b;
    bare_open(&b);
    ivs_client *c = ivs_open();
    ivs_check(c);
    int warm = calls / 2 > 200 ? calls / 2 : 200;
    round_bare(&b, warm);
    round_bare_parse(&b, warm);
    round_ivs(c, warm);

    double *bp = calloc((size_t)rounds, sizeof(double)), *ip = calloc((size_t)rounds, sizeof(double));
    double *bc = calloc((size_t)rounds, sizeof(double)), *ic = calloc((size_t)rounds, sizeof(double));
    double *ratio = calloc((size_t)rounds, sizeof(double));
    double *pp = calloc((size_t)rounds, sizeof(double)), *pc = calloc((size_t)rounds, sizeof(double));
    double *pratio = calloc((size_t)rounds, sizeof(double));
    if (!bp || !ip || !bc || !ic || !ratio || !pp || !pc || !pratio) die("out of memory", NULL);
    printf("\n");
    for (int r = 0; r < rounds; r++) {
        /* bare, bare+parse, ivs in a rotating order: none always goes first. */
        round_result x, y, z;
        switch (r % 3) {
        case 0: x = round_bare(&b, calls); z = round_bare_parse(&b, calls); y = round_ivs(c, calls); break;
        case 1: y = round_ivs(c, calls); x = round_bare(&b, calls); z = round_bare_parse(&b, calls); break;
        default: z = round_bare_parse(&b, calls); y = round_ivs(c, calls); x = round_bare(&b, calls); break;
        }
        bp[r] = x.per_s; bc[r] = x.cpu_us;
        ip[r] = y.per_s; ic[r] = y.cpu_us;
        pp[r] = z.per_s; pc[r] = z.cpu_us;
        ratio[r] = y.per_s / x.per_s;
        pratio[r] = y.per_s / z.per_s;
        printf("  round %2d: bare %8.0f  bare+parse %8.0f  ivs %8.0f calls/s  ratio %.3f (to bare+parse %.3f)\n",
               r + 1, x.per_s, z.per_s, y.per_s, ratio[r], pratio[r]);
    }
    double bbest = quantile(bp, rounds, 1.0), ibest = quantile(ip, rounds, 1.0);
    double bmed = quantile(bp, rounds, 0.5), imed = quantile(ip, rounds, 0.5);
    double bcpu = quantile(bc, rounds, 0.5), icpu = quantile(ic, rounds, 0.5);
    double rmed = quantile(ratio, rounds, 0.5);
    double pmed = quantile(pp, rounds, 0.5), pcpu = quantile(pc, rounds, 0.5), prmed = quantile(pratio, rounds, 0.5);
    printf("\nsingle-threaded, %d rounds of %d calls (medians)\n", rounds, calls);
    printf("  %-28s %12s %14s %14s\n", "", "calls/s", "us/call (wall)", "us/call (CPU)");
    printf("  %-28s %12.0f %14.1f %14.1f\n", "bare libcurl keep-alive", bmed, 1e6 / bmed, bcpu);
    printf("  %-28s %12.0f %14.1f %14.1f\n", "bare + json_loadb of body", pmed, 1e6 / pmed, pcpu);
    printf("  %-28s %12.0f %14.1f %14.1f\n", "ivs_call GetChannel", imed, 1e6 / imed, icpu);
    printf("  ratio ivs/bare: %.3f (of medians), %.3f (median of per-round ratios); target >= 0.9\n",
           imed / bmed, rmed);
    printf("  ratio (bare + parse)/bare: %.3f; ivs/(bare + parse): %.3f (of medians), %.3f (per round)\n",
           pmed / bmed, imed / pmed, prmed);
    printf("  best rounds (least disturbed): bare %.0f, ivs %.0f calls/s, ratio %.3f\n", bbest, ibest, ibest / bbest);
    printf("  libivs CPU per call beyond bare: %.1f us\n", icpu - bcpu);
    printf("RESULT st_bare_calls_per_s=%.0f st_ivs_calls_per_s=%.0f st_ratio=%.3f st_ratio_pairs=%.3f "
           "st_ratio_best=%.3f st_bare_cpu_us=%.1f st_ivs_cpu_us=%.1f st_bare_parse_calls_per_s=%.0f "
           "st_bare_parse_cpu_us=%.1f st_ratio_to_bare_parse=%.3f\n",
           bmed, imed, imed / bmed, rmed, ibest / bbest, bcpu, icpu, pmed, pcpu, imed / pmed);
    free(bp); free(ip); free(bc); free(ic); free(ratio); free(pp); free(pc); free(pratio);
    ivs_client_free(c);
    bare_close(&b);
}

/* ---------- client creation ---------- */

static void creation(int iters) {
    char config[512];
    snprintf(config, sizeof config,
             "{\"region\": \"us-west-2\", \"endpointUrl\": \"%s\","
             " \"credentials\": {\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\"}}",
             url_base);
    double *newt = malloc((size_t)iters * sizeof(double)), *pair = malloc((size_t)iters * sizeof(double));
    if (!newt || !pair) die("out of memory", NULL);
    for (int i = 0; i < iters / 10 + 10; i++) { /* warm-up: first-use initialisation, allocator */
        ivs_client *c = NULL;
        char *err = NULL;
        if (ivs_client_new(config, &c, &err) != IVS_OK) die("ivs_client_new failed", err);
        ivs_client_free(c);
    }
    double sum = 0;
    for (int i = 0; i < iters; i++) {
        ivs_client *c = NULL;
        char *err = NULL;
        double t0 = now_s();
        ivs_status s = ivs_client_new(config, &c, &err);
        double t1 = now_s();
        ivs_client_free(c);
        double t2 = now_s();
        if (s != IVS_OK) die("ivs_client_new failed", err);
        newt[i] = (t1 - t0) * 1e6;
        pair[i] = (t2 - t0) * 1e6;
        sum += pair[i];
    }
    double nmed = quantile(newt, iters, 0.5), np99 = quantile(newt, iters, 0.99);
    double pmed = quantile(pair, iters, 0.5), pp99 = quantile(pair, iters, 0.99);
    printf("\nclient creation, %d iterations (microseconds)\n", iters);
    printf("  %-28s %10s %10s %10s\n", "", "median", "p99", "mean");
    printf("  %-28s %10.1f %10.1f %10s\n", "ivs_client_new", nmed, np99, "");
    printf("  %-28s %10.1f %10.1f %10.1f\n", "ivs_client_new + free", pmed, pp99, sum / iters);
    printf("  target: creation < 100 us\n");
    printf("RESULT create_new_median_us=%.1f create_new_p99_us=%.1f create_pair_median_us=%.1f "
           "create_pair_p99_us=%.1f\n", nmed, np99, pmed, pp99);
    free(newt); free(pair);
}

/* ---------- multi-threaded ---------- */

typedef struct {
    int calls;
    ivs_client *shared;   /* NULL: bare */
    pthread_barrier_t *start;
} worker_arg;

static void *worker(void *p) {
    worker_arg *a = p;
    if (a->shared) {
        ivs_one(a->shared); /* each thread's first call opens its pooled connection */
        pthread_barrier_wait(a->start);
        for (int i = 0; i < a->calls; i++) ivs_one(a->shared);
    } else {
        bare_client b;
        bare_open(&b);
        bare_call(&b);
        pthread_barrier_wait(a->start);
        for (int i = 0; i < a->calls; i++) bare_call(&b);
        bare_close(&b);
    }
    return NULL;
}

static double mt_round(int threads, int calls, ivs_client *shared) {
    pthread_t t[64];
    worker_arg a[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (int i = 0; i < threads; i++) {
        a[i] = (worker_arg){calls, shared, &start};
        pthread_create(&t[i], NULL, worker, &a[i]);
    }
    pthread_barrier_wait(&start);
    double t0 = now_s();
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    double t1 = now_s();
    pthread_barrier_destroy(&start);
    return (double)threads * calls / (t1 - t0);
}

static void multi_threaded(int threads, int rounds, int calls) {
    if (threads < 1) return;
    if (threads > 64) threads = 64;
    ivs_client *c = ivs_open();
    mt_round(threads, calls / 4 + 1, NULL);
    mt_round(threads, calls / 4 + 1, c);
    double *bp = calloc((size_t)rounds, sizeof(double)), *ip = calloc((size_t)rounds, sizeof(double));
    double *ratio = calloc((size_t)rounds, sizeof(double));
    if (!bp || !ip || !ratio) die("out of memory", NULL);
    for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0) { bp[r] = mt_round(threads, calls, NULL); ip[r] = mt_round(threads, calls, c); }
        else { ip[r] = mt_round(threads, calls, c); bp[r] = mt_round(threads, calls, NULL); }
        ratio[r] = ip[r] / bp[r];
        printf("  round %2d: bare %8.0f  ivs %8.0f calls/s  ratio %.3f\n", r + 1, bp[r], ip[r], ratio[r]);
    }
    double bmed = quantile(bp, rounds, 0.5), imed = quantile(ip, rounds, 0.5), rmed = quantile(ratio, rounds, 0.5);
    printf("\n%d threads, %d rounds of %d calls per thread (medians)\n", threads, rounds, calls);
    printf("  %-28s %12.0f calls/s\n", "bare libcurl (handle/thread)", bmed);
    printf("  %-28s %12.0f calls/s\n", "ivs_call (one shared client)", imed);
    printf("  ratio ivs/bare: %.3f (of medians), %.3f (median of per-round ratios)\n", imed / bmed, rmed);
    printf("RESULT mt_threads=%d mt_bare_calls_per_s=%.0f mt_ivs_calls_per_s=%.0f mt_ratio=%.3f mt_ratio_pairs=%.3f\n",
           threads, bmed, imed, imed / bmed, rmed);
    free(bp); free(ip); free(ratio);
    ivs_client_free(c);
}

/* ---------- memory ---------- */

/* The resident set size in bytes (/proc/self/statm: pages). */
static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

typedef struct {
    ivs_client *client;
    pthread_barrier_t *start;
} conn_arg;

static void *conn_worker(void *p) {
    conn_arg *a = p;
    pthread_barrier_wait(a->start);
    if (a->client) ivs_one(a->client);
    return NULL;
}

/* n threads released together, each making one call on client (none when client is NULL). */
static void overlapping_calls(ivs_client *client, int n) {
    pthread_t t[256];
    conn_arg a[256];
    pthread_barrier_t start;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1 << 20);
    pthread_barrier_init(&start, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        a[i] = (conn_arg){client, &start};
        if (pthread_create(&t[i], &attr, conn_worker, &a[i]) != 0) die("pthread_create failed", NULL);
    }
    for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    pthread_attr_destroy(&attr);
}

static void memory(long calls, int slow_port, int conns) {
    const double mib = 1024.0 * 1024.0;
    /* Flat across calls: one client, sampled every calls/10 after a warm-up. */
    ivs_client *c = ivs_open();
    for (int i = 0; i < 10000; i++) ivs_one(c);
    long first = rss_bytes(), low = first, high = first;
    printf("\nmemory: resident set size across %ld calls on one client (MiB)\n ", calls);
    double t0 = now_s();
    for (int k = 1; k <= 10; k++) {
        for (long i = 0; i < calls / 10; i++) ivs_one(c);
        long r = rss_bytes();
        if (r < low) low = r;
        if (r > high) high = r;
        printf(" %.2f", r / mib);
        fflush(stdout);
    }
    long last = rss_bytes();
    printf("\n  after warm-up %.2f, after the calls %.2f, growth %.3f MiB, range %.3f MiB (%.0f calls/s); target: within 1 MiB\n",
           first / mib, last / mib, (last - first) / mib, (high - low) / mib, calls / (now_s() - t0));
    ivs_client_free(c);

    /* Per client: 1000 clients made and kept (each with its configuration, credential chain, empty pool). */
    enum { CLIENTS = 1000 };
    static ivs_client *many[CLIENTS];
    for (int i = 0; i < 50; i++) { ivs_client *w = ivs_open(); ivs_client_free(w); }
    long before = rss_bytes();
    for (int i = 0; i < CLIENTS; i++) many[i] = ivs_open();
    long after = rss_bytes();
    for (int i = 0; i < CLIENTS; i++) ivs_client_free(many[i]);
    double per_client = (double)(after - before) / CLIENTS;
    printf("  per client: %.1f KiB (%d clients)\n", per_client / 1024, CLIENTS);

    /* Per idle pooled connection: the threads first run once without calls (their stacks and malloc
     * arenas are then the process's already), then with one overlapping call each. */
    double per_conn = 0;
    if (slow_port > 0 && conns > 0) {
        if (conns > 256) conns = 256;
        char saved[64];
        snprintf(saved, sizeof saved, "%s", url_base);
        snprintf(url_base, sizeof url_base, "http://127.0.0.1:%d", slow_port);
        ivs_client *p = ivs_open();
        snprintf(url_base, sizeof url_base, "%s", saved);
        ivs_one(p);
        overlapping_calls(NULL, conns);
        overlapping_calls(NULL, conns);
        long b = rss_bytes();
        overlapping_calls(p, conns);
        long a = rss_bytes();
        per_conn = (double)(a - b) / conns;
        printf("  per idle pooled connection: %.1f KiB (%d connections opened by overlapping calls)\n", per_conn / 1024, conns);
        ivs_client_free(p);
    }
    printf("RESULT rss_first_mib=%.2f rss_last_mib=%.2f rss_growth_mib=%.3f rss_range_mib=%.3f rss_calls=%ld "
           "rss_per_client_kib=%.1f rss_per_connection_kib=%.1f\n",
           first / mib, last / mib, (last - first) / mib, (high - low) / mib, calls, per_client / 1024, per_conn / 1024);
}

/* ---------- one loop, for callgrind ---------- */

static void only_loop(const char *which, int calls) {
    int warm = 200;
    if (strcmp(which, "bare") == 0) {
        bare_client b;
        bare_open(&b);
        for (int i = 0; i < warm; i++) bare_call(&b);
        if (use_callgrind) CALLGRIND_TOGGLE_COLLECT;
        double t0 = now_s();
        for (int i = 0; i < calls; i++) bare_call(&b);
        double t1 = now_s();
        if (use_callgrind) CALLGRIND_TOGGLE_COLLECT;
        printf("bare: %d calls, %.0f calls/s\n", calls, calls / (t1 - t0));
        bare_close(&b);
    } else if (strcmp(which, "ivs") == 0) {
        ivs_client *c = ivs_open();
        ivs_check(c);
        for (int i = 0; i < warm; i++) ivs_one(c);
        if (use_callgrind) CALLGRIND_TOGGLE_COLLECT;
        double t0 = now_s();
        for (int i = 0; i < calls; i++) ivs_one(c);
        double t1 = now_s();
        if (use_callgrind) CALLGRIND_TOGGLE_COLLECT;
        printf("ivs: %d calls, %.0f calls/s\n", calls, calls / (t1 - t0));
        ivs_client_free(c);
    } else if (strcmp(which, "create") == 0) {
        char config[512];
        snprintf(config, sizeof config,
                 "{\"region\": \"us-west-2\", \"endpointUrl\": \"%s\","
                 " \"credentials\": {\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\"}}", url_base);
        for (int i = 0; i < warm + calls; i++) {
            if (i == warm && use_callgrind) CALLGRIND_TOGGLE_COLLECT;
            ivs_client *c = NULL;
            char *err = NULL;
            if (ivs_client_new(config, &c, &err) != IVS_OK) die("ivs_client_new failed", err);
            ivs_client_free(c);
        }
        if (use_callgrind) CALLGRIND_TOGGLE_COLLECT;
        printf("create: %d clients\n", calls);
    } else {
        die("--only takes bare, ivs or create", which);
    }
}

int main(int argc, char **argv) {
    int rounds = 12, calls = 2000, threads = 2, mt_calls = 1000, mt_rounds = 6, create = 5000;
    long rss_calls = 1000000;
    int slow_port = 0, conns = 32;
    const char *only = NULL, *parts = "st,create,mt";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--callgrind") == 0) { use_callgrind = 1; continue; }
        if (!v) die("missing value for", a);
        if (strcmp(a, "--port") == 0) port = atoi(v);
        else if (strcmp(a, "--rounds") == 0) rounds = atoi(v);
        else if (strcmp(a, "--calls") == 0) calls = atoi(v);
        else if (strcmp(a, "--threads") == 0) threads = atoi(v);
        else if (strcmp(a, "--mt-calls") == 0) mt_calls = atoi(v);
        else if (strcmp(a, "--mt-rounds") == 0) mt_rounds = atoi(v);
        else if (strcmp(a, "--create") == 0) create = atoi(v);
        else if (strcmp(a, "--rss-calls") == 0) rss_calls = atol(v);
        else if (strcmp(a, "--slow-port") == 0) slow_port = atoi(v);
        else if (strcmp(a, "--conns") == 0) conns = atoi(v);
        else if (strcmp(a, "--only") == 0) only = v;
        else if (strcmp(a, "--parts") == 0) parts = v;
        else die("unknown option", a);
        i++;
    }
    if (port <= 0) die("--port PORT of a running canned_server is required", NULL);
    if (rounds < 1 || calls < 1 || create < 1 || mt_rounds < 1 || mt_calls < 1) die("counts must be positive", NULL);
    snprintf(url_base, sizeof url_base, "http://127.0.0.1:%d", port);
    snprintf(url_call, sizeof url_call, "%s/GetChannel", url_base);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    if (only) {
        only_loop(only, calls);
        return 0;
    }
    printf("libivs %s, %s\n", ivs_version(), curl_version());
    if (strstr(parts, "st")) single_threaded(rounds, calls);
    if (strstr(parts, "create")) creation(create);
    if (strstr(parts, "mt") && threads > 0) multi_threaded(threads, mt_rounds, mt_calls);
    if (strstr(parts, "rss")) memory(rss_calls, slow_port, conns);
    return 0;
}
