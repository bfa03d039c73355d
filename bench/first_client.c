/*
 * first_client: what the first ivs_client_new of a process costs, next to the ones after it.
 *
 *   first_client [--curl-first] [--models-first] [--clients 3]
 *
 * One process measures one first client, so scripts/bench.sh runs it many times and takes medians.
 * --curl-first calls curl_global_init before (as libcurl asks programs to: then OpenSSL's process-wide
 * initialisation is the program's, not ivs_client_new's); --models-first calls ivs_describe for the three
 * services before (building the model tables; its own time is mostly writing the descriptions). Prints
 * one RESULT line: microseconds and page faults of curl_global_init, of ivs_describe and of each client.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ivs.h"

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static long faults(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_minflt + r.ru_majflt;
}

int main(int argc, char **argv) {
    int curl_first = 0, models_first = 0, clients = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--curl-first") == 0) curl_first = 1;
        else if (strcmp(argv[i], "--models-first") == 0) models_first = 1;
        else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc) clients = atoi(argv[++i]);
        else { fprintf(stderr, "first_client: unknown option %s\n", argv[i]); return 2; }
    }
    printf("RESULT");
    if (curl_first) {
        long f = faults();
        double t = now_us();
        curl_global_init(CURL_GLOBAL_DEFAULT);
        printf(" curl_init_us=%.1f curl_init_faults=%ld", now_us() - t, faults() - f);
    }
    if (models_first) {
        long f = faults();
        double t = now_us();
        const char *services[] = {"ivs", "ivs-realtime", "ivschat"};
        for (int i = 0; i < 3; i++) ivs_free(ivs_describe(services[i]));
        printf(" describe_us=%.1f describe_faults=%ld", now_us() - t, faults() - f);
    }
    const char *config = "{\"region\": \"us-west-2\", \"endpointUrl\": \"http://127.0.0.1:9\","
                         " \"credentials\": {\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\"}}";
    for (int i = 0; i < clients; i++) {
        ivs_client *c = NULL;
        char *err = NULL;
        long f = faults();
        double t = now_us();
        ivs_status s = ivs_client_new(config, &c, &err);
        double us = now_us() - t;
        long df = faults() - f;
        if (s != IVS_OK) { fprintf(stderr, "first_client: %s\n", err ? err : "ivs_client_new failed"); return 1; }
        printf(" client%d_us=%.1f client%d_faults=%ld", i, us, i, df);
        ivs_client_free(c);
    }
    printf("\n");
    return 0;
}
