/*
 * Chat messaging through ivs-local (docs/benchmarks.md, "Chat messaging"): bench/chat_bench.py does the
 * same work with the Python websockets package, for comparison.
 *
 *   chat_bench BASE_URL ROOM_ARN [MESSAGES]
 *
 * 1. throughput: one connection sends MESSAGES messages as fast as ivs_chat_send takes them and
 *    receives its own MESSAGE events back; messages per second from the first send to the last echo, and
 *    the client process's CPU time per message (CLOCK_PROCESS_CPUTIME_ID: every thread of libivs).
 * 2. latency: a second connection in the room; one message at a time, the time from ivs_chat_send on
 *    the first connection to the MESSAGE event on the second (p50, p90, p99, max), 500 samples.
 * The room's rate limit must be off (POST /_local/chat/rate-limit {"enforce": false}).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ivs.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct peer {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int connected, messages;
    double last_message_at;
};

static void on_event(const char *json, void *userdata) {
    struct peer *p = userdata;
    double t = now();
    pthread_mutex_lock(&p->mu);
    if (strstr(json, "\"State\":\"connected\"")) p->connected = 1;
    if (strncmp(json, "{\"Type\":\"MESSAGE\"", 17) == 0) {
        p->messages++;
        p->last_message_at = t;
    }
    if (strstr(json, "\"Type\":\"ERROR\"")) fprintf(stderr, "error event: %s\n", json);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void wait_count(struct peer *p, int want, int connected) {
    pthread_mutex_lock(&p->mu);
    double deadline = now() + 60;
    while ((connected ? !p->connected : p->messages < want) && now() < deadline) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 1000000;
        if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
        pthread_cond_timedwait(&p->cv, &p->mu, &ts);
    }
    pthread_mutex_unlock(&p->mu);
}

static ivs_chat *open_chat(ivs_client *c, const char *ws, const char *room, const char *user, struct peer *p) {
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    char opts[1024];
    snprintf(opts, sizeof opts, "{\"url\": \"%s\", \"maxPendingEvents\": 1000000, \"createToken\": "
             "{\"roomIdentifier\": \"%s\", \"userId\": \"%s\", \"capabilities\": [\"SEND_MESSAGE\"]}}", ws, room, user);
    ivs_chat *chat = NULL;
    char *err = NULL;
    if (ivs_chat_connect(c, opts, on_event, p, &chat, &err) != IVS_OK) {
        fprintf(stderr, "connect: %s\n", err);
        exit(1);
    }
    wait_count(p, 0, 1);
    return chat;
}

static double cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: chat_bench BASE_URL ROOM_ARN [MESSAGES]\n"); return 2; }
    const char *base = argv[1], *room = argv[2];
    int n = argc > 3 ? atoi(argv[3]) : 5000;
    char ws[512], cfg[1024];
    snprintf(ws, sizeof ws, "ws%s", base + 4);
    snprintf(cfg, sizeof cfg, "{\"region\": \"us-west-2\", \"endpointUrl\": \"%s\", \"credentials\": "
             "{\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\"}}", base);
    ivs_client *c = NULL;
    char *err = NULL;
    if (ivs_client_new(cfg, &c, &err) != IVS_OK) { fprintf(stderr, "%s\n", err); return 1; }

    struct peer a = {0}, b = {0};
    ivs_chat *ca = open_chat(c, ws, room, "bench-a", &a);

    /* 1. throughput on one connection */
    double start = now(), cpu0 = cpu();
    int full = 0;
    for (int i = 0; i < n; i++) {
        char req[128];
        snprintf(req, sizeof req, "{\"Action\": \"SEND_MESSAGE\", \"Content\": \"message %d of the benchmark\"}", i);
        ivs_status st;
        while ((st = ivs_chat_send(ca, req, NULL)) == IVS_E_NETWORK) { full++; usleep(200); }
        if (st != IVS_OK) { fprintf(stderr, "send: %d\n", st); return 1; }
    }
    double sent = now();
    wait_count(&a, n, 0);
    double done = a.last_message_at, cpu1 = cpu();
    printf("throughput: %d messages sent in %.3f s (%.0f/s into the queue), all %d received back in %.3f s: "
           "%.0f messages/s (queue full %d times); client CPU %.1f us per message sent and received\n", n, sent - start,
           n / (sent - start), a.messages, done - start, n / (done - start), full, (cpu1 - cpu0) * 1e6 / n);

    /* 2. latency to another connection */
    ivs_chat *cb = open_chat(c, ws, room, "bench-b", &b);
    int samples = 500;
    double *lat = calloc(samples, sizeof *lat);
    for (int i = 0; i < samples; i++) {
        int before;
        pthread_mutex_lock(&b.mu);
        before = b.messages;
        pthread_mutex_unlock(&b.mu);
        double t = now();
        if (ivs_chat_send(ca, "{\"Action\": \"SEND_MESSAGE\", \"Content\": \"ping\"}", NULL) != IVS_OK) return 1;
        wait_count(&b, before + 1, 0);
        pthread_mutex_lock(&b.mu);
        lat[i] = (b.last_message_at - t) * 1e6;
        pthread_mutex_unlock(&b.mu);
    }
    qsort(lat, samples, sizeof *lat, cmp);
    printf("latency ivs_chat_send -> other client's event (us): p50 %.0f p90 %.0f p99 %.0f max %.0f\n",
           lat[samples / 2], lat[samples * 9 / 10], lat[samples * 99 / 100], lat[samples - 1]);
    free(lat);
    ivs_chat_close(ca);
    ivs_chat_close(cb);
    ivs_client_free(c);
    return 0;
}
