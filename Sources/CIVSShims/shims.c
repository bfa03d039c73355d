#include "civs_shims.h"

CURLcode civs_curl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode civs_curl_setopt_ptr(CURL *h, CURLoption opt, const void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode civs_curl_setopt_str(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode civs_curl_setopt_off(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode civs_curl_setopt_write(CURL *h, CURLoption opt, size_t (*fn)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, opt, fn);
}
CURLcode civs_curl_setopt_prereq(CURL *h, int (*fn)(void *, char *, char *, int, int)) {
    return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, fn);
}
CURLcode civs_curl_getinfo_long(CURL *h, CURLINFO info, long *out) { return curl_easy_getinfo(h, info, out); }
CURLcode civs_curl_getinfo_off(CURL *h, CURLINFO info, curl_off_t *out) { return curl_easy_getinfo(h, info, out); }
int civs_curl_active_socket(CURL *h) {
    curl_socket_t s = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &s) != CURLE_OK || s == CURL_SOCKET_BAD) return -1;
    return (int)s;
}
CURLcode civs_curl_setopt_xferinfo(CURL *h, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t),
                                   void *userdata) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, fn);
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, CURLOPT_XFERINFODATA, userdata);
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    return rc;
}

#include <pthread.h>
#include <stdlib.h>

struct civs_share {
    CURLSH *sh;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
};

static void civs_share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userptr) {
    (void)h; (void)access;
    struct civs_share *s = userptr;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_lock(&s->locks[data]);
}

static void civs_share_unlock(CURL *h, curl_lock_data data, void *userptr) {
    (void)h;
    struct civs_share *s = userptr;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&s->locks[data]);
}

civs_share *civs_share_new(void) {
    struct civs_share *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->sh = curl_share_init();
    if (!s->sh) { free(s); return NULL; }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&s->locks[i], NULL);
    if (curl_share_setopt(s->sh, CURLSHOPT_LOCKFUNC, civs_share_lock) != CURLSHE_OK ||
        curl_share_setopt(s->sh, CURLSHOPT_UNLOCKFUNC, civs_share_unlock) != CURLSHE_OK ||
        curl_share_setopt(s->sh, CURLSHOPT_USERDATA, s) != CURLSHE_OK ||
        curl_share_setopt(s->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        curl_share_setopt(s->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        civs_share_free(s);
        return NULL;
    }
    return s;
}

CURLcode civs_share_attach(civs_share *s, CURL *h) {
    return s ? curl_easy_setopt(h, CURLOPT_SHARE, s->sh) : CURLE_OK;
}

void civs_share_free(civs_share *s) {
    if (!s) return;
    /* Still in use by a handle (never by libivs's own rules): keep it rather than free what a
     * handle may lock. */
    if (curl_share_cleanup(s->sh) != CURLSHE_OK) return;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&s->locks[i]);
    free(s);
}

static int civs_log_level;

int civs_log_level_load(void) { return __atomic_load_n(&civs_log_level, __ATOMIC_RELAXED); }

void civs_log_level_store(int level) { __atomic_store_n(&civs_log_level, level, __ATOMIC_RELAXED); }

long civs_atomic_load_long(const long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

int civs_atomic_cas_long(long *p, long expected, long desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* ---- the event loop's curl multi handle -------------------------------------------------------- */

CURLMcode civs_multi_setopt_long(CURLM *m, CURLMoption opt, long value) { return curl_multi_setopt(m, opt, value); }

int civs_multi_next_done(CURLM *m, CURL **easy, CURLcode *result) {
    int left = 0;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
        if (msg->msg == CURLMSG_DONE) {
            *easy = msg->easy_handle;
            *result = msg->data.result;
            return 1;
        }
    }
    return 0;
}

#include <sys/eventfd.h>
#include <unistd.h>
#include <errno.h>
#include <stdint.h>

int civs_eventfd_new(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void civs_eventfd_signal(int fd) {
    uint64_t one = 1;
    while (write(fd, &one, sizeof one) < 0 && errno == EINTR) {}
}

void civs_eventfd_drain(int fd) {
    uint64_t n;
    while (read(fd, &n, sizeof n) < 0 && errno == EINTR) {}
}
