/*
 * The hostile suite's driver: one process per test case, so that a crash in libivs is seen as a crash
 * (a signal) and peak RSS is that of this case alone.
 *
 *   driver CONFIG_JSON [STEP...]
 *   STEP: call SERVICE OPERATION INPUT_JSON | paginate SERVICE OPERATION INPUT_JSON | sleep MS
 *
 * Makes a client from CONFIG_JSON (the literal "NULL" passes NULL), runs the steps in order on it and
 * prints one JSON line on stdout:
 *   {"new": STATUS, "newText": HEX, "steps": [{"op": "call", "status": N, "text": HEX, "ms": N}, ...],
 *    "maxRssKb": N}
 * Texts are hex-encoded bytes exactly as libivs returned them (the test checks that they are valid
 * UTF-8 and valid JSON; embedding them raw would hide exactly that). maxRssKb is this program's peak
 * RSS: VmHWM of /proc/self/status, not getrusage's ru_maxrss, which on Linux keeps the peak of the
 * process image before exec (the test runner's RSS, forked or vforked) and so says nothing about
 * libivs. With IVS_DRIVER_LOG=N (1-5) libivs's log lines go to stderr, so the test can
 * check that no secret reaches them either. libivs is loaded with dlopen from $IVS_LIBRARY.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ivs.h"

typedef ivs_status (*client_new_fn)(const char *, ivs_client **, char **);
typedef void (*client_free_fn)(ivs_client *);
typedef ivs_status (*call_fn)(ivs_client *, const char *, const char *, const char *, char **);
typedef void (*free_fn)(void *);
typedef void (*set_log_fn)(int, ivs_log_fn, void *);

static void put_hex(const char *s) {
    static const char digits[] = "0123456789abcdef";
    putchar('"');
    if (s) {
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
            putchar(digits[*p >> 4]);
            putchar(digits[*p & 15]);
        }
    }
    putchar('"');
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_log(int level, const char *message, void *userdata) {
    (void)userdata;
    fprintf(stderr, "log %d: %s\n", level, message);
}

static void *need(void *lib, const char *name) {
    void *f = dlsym(lib, name);
    if (!f) {
        fprintf(stderr, "driver: %s not in libivs: %s\n", name, dlerror());
        exit(2);
    }
    return f;
}

/* Peak resident set size in KiB of this process image (VmHWM), or ru_maxrss where /proc is missing. */
static long peak_rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmHWM:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    if (f) fclose(f);
    if (kb < 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        kb = ru.ru_maxrss;
    }
    return kb;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: driver CONFIG_JSON [call|paginate SERVICE OPERATION INPUT_JSON | sleep MS]...\n");
        return 2;
    }
    const char *path = getenv("IVS_LIBRARY");
    void *lib = dlopen(path && *path ? path : "libivs.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "driver: cannot load libivs: %s\n", dlerror());
        return 2;
    }
    client_new_fn client_new = (client_new_fn)need(lib, "ivs_client_new");
    client_free_fn client_free = (client_free_fn)need(lib, "ivs_client_free");
    call_fn call = (call_fn)need(lib, "ivs_call");
    call_fn paginate = (call_fn)need(lib, "ivs_paginate");
    free_fn ivs_free_ = (free_fn)need(lib, "ivs_free");
    set_log_fn set_log = (set_log_fn)need(lib, "ivs_set_log_callback");

    const char *level = getenv("IVS_DRIVER_LOG");
    if (level && *level) set_log(atoi(level), on_log, NULL);

    const char *config = strcmp(argv[1], "NULL") == 0 ? NULL : argv[1];
    ivs_client *client = NULL;
    char *error = NULL;
    ivs_status st = client_new(config, &client, &error);
    /* Everything is printed as it happens (and flushed), so a crash mid-way still shows how far it got. */
    printf("{\"new\": %d, \"newText\": ", (int)st);
    put_hex(error);
    printf(", \"steps\": [");
    fflush(stdout);
    ivs_free_(error);

    int first = 1;
    for (int i = 2; st == IVS_OK && i < argc;) {
        const char *op = argv[i];
        if (strcmp(op, "sleep") == 0 && i + 1 < argc) {
            struct timespec ts = {atoi(argv[i + 1]) / 1000, (atoi(argv[i + 1]) % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            i += 2;
            continue;
        }
        if ((strcmp(op, "call") != 0 && strcmp(op, "paginate") != 0) || i + 3 >= argc) {
            fprintf(stderr, "driver: bad step at argument %d\n", i);
            return 2;
        }
        fprintf(stderr, "driver: step %s %s %s\n", op, argv[i + 1], argv[i + 2]);
        char *out = NULL;
        double started = now_ms();
        ivs_status s = (op[0] == 'c' ? call : paginate)(client, argv[i + 1], argv[i + 2], argv[i + 3], &out);
        double ms = now_ms() - started;
        printf("%s{\"op\": \"%s\", \"status\": %d, \"ms\": %.1f, \"text\": ", first ? "" : ", ", op, (int)s, ms);
        put_hex(out);
        printf("}");
        fflush(stdout);
        ivs_free_(out);
        first = 0;
        i += 4;
    }
    client_free(client);
    printf("], \"maxRssKb\": %ld}\n", peak_rss_kb());
    return 0;
}
