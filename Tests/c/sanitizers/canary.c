/*
 * The sanitizer runs' proof that they can fail: scripts/sanitize.sh builds this with the same flags and
 * library as the C tests and expects each mode to be reported and to end with the sanitizer's exit
 * status. A clean suite means something only if these are caught.
 *
 *   leak  a string from libivs (ivs_describe) never freed: LeakSanitizer, through libivs's allocation
 *   ub    a signed int overflow: UndefinedBehaviorSanitizer, fatal (-fno-sanitize-recover)
 *   race  two threads write one int without synchronisation: ThreadSanitizer
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ivs.h"

static int shared;

static void *writer(void *arg) {
    (void)arg;
    shared = 1;
    return NULL;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "leak") == 0) {
        char *doc = ivs_describe("ivs");
        printf("ivs_describe: %zu bytes, not freed\n", doc ? strlen(doc) : 0);
        doc = NULL;
        return 0;
    }
    if (strcmp(mode, "ub") == 0) {
        /* from argv so the compiler cannot fold it */
        int n = argc > 2 ? atoi(argv[2]) : 2147483647;
        n += 1;
        printf("%d\n", n);
        return 0;
    }
    if (strcmp(mode, "race") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, writer, NULL);
        usleep(100 * 1000); /* no happens-before: sleeping is not synchronisation */
        shared = 2;
        pthread_join(t, NULL);
        return 0;
    }
    fprintf(stderr, "usage: %s leak|ub|race\n", argv[0]);
    return 2;
}
