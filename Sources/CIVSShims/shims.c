#include "civs_shims.h"

CURLcode civs_curl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode civs_curl_setopt_ptr(CURL *h, CURLoption opt, const void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode civs_curl_setopt_off(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode civs_curl_setopt_write(CURL *h, CURLoption opt, size_t (*fn)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, opt, fn);
}
CURLcode civs_curl_getinfo_long(CURL *h, CURLINFO info, long *out) { return curl_easy_getinfo(h, info, out); }
CURLcode civs_curl_getinfo_double(CURL *h, CURLINFO info, double *out) { return curl_easy_getinfo(h, info, out); }
CURLcode civs_curl_getinfo_offt(CURL *h, CURLINFO info, curl_off_t *out) { return curl_easy_getinfo(h, info, out); }
CURLSHcode civs_curl_share_setopt_long(CURLSH *sh, CURLSHoption opt, long value) { return curl_share_setopt(sh, opt, value); }

static int civs_log_level;

int civs_log_level_load(void) { return __atomic_load_n(&civs_log_level, __ATOMIC_RELAXED); }

void civs_log_level_store(int level) { __atomic_store_n(&civs_log_level, level, __ATOMIC_RELAXED); }

long civs_atomic_load_long(const long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

int civs_atomic_cas_long(long *p, long expected, long desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
