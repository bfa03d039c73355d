#ifndef CIVS_SHIMS_H
#define CIVS_SHIMS_H
/* Non-variadic entry points for libcurl's variadic functions (Swift cannot call C varargs). */
#include <curl/curl.h>

CURLcode civs_curl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode civs_curl_setopt_ptr(CURL *h, CURLoption opt, const void *value);
/* String options: curl copies the string, so it need not outlive the call. */
CURLcode civs_curl_setopt_str(CURL *h, CURLoption opt, const char *value);
CURLcode civs_curl_setopt_off(CURL *h, CURLoption opt, curl_off_t value);
CURLcode civs_curl_setopt_write(CURL *h, CURLoption opt,
                                size_t (*fn)(char *, size_t, size_t, void *));
/* CURLOPT_PREREQFUNCTION: called once per request curl is about to send on a connection. */
CURLcode civs_curl_setopt_prereq(CURL *h, int (*fn)(void *, char *, char *, int, int));
CURLcode civs_curl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode civs_curl_getinfo_off(CURL *h, CURLINFO info, curl_off_t *out);
/* Chat connections (CURLOPT_CONNECT_ONLY): the connected socket (CURLINFO_ACTIVESOCKET), or -1; and
 * CURLOPT_XFERINFOFUNCTION with progress on, whose nonzero return aborts the connect (the chat was closed
 * meanwhile). */
int civs_curl_active_socket(CURL *h);
CURLcode civs_curl_setopt_xferinfo(CURL *h, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t),
                                   void *userdata);

/* One client's curl share: the DNS cache and TLS sessions of its pooled easy handles, behind a
 * pthread mutex per kind of data. A handle created while the others are busy then resumes their TLS
 * session (no full handshake, no certificate chain check) and skips the DNS lookup. Connections are
 * not shared: libcurl does not support sharing them between concurrent threads. NULL on failure. */
typedef struct civs_share civs_share;
civs_share *civs_share_new(void);
/* Sets CURLOPT_SHARE on h. */
CURLcode civs_share_attach(civs_share *s, CURL *h);
/* Frees the share; every handle attached to it must have been cleaned up first. */
void civs_share_free(civs_share *s);

/* The process-wide log level as an atomic int: read on every call without taking a lock. */
int civs_log_level_load(void);
void civs_log_level_store(int level);

/* A long updated by compare-and-swap (the retry quota): no lock shared by every call of a client. */
long civs_atomic_load_long(const long *p);
int civs_atomic_cas_long(long *p, long expected, long desired);
/* The event loop's curl multi handle: curl_multi_setopt (variadic), and the next finished transfer
 * from curl_multi_info_read (1 and easy/result set, or 0 when there is none). */
CURLMcode civs_multi_setopt_long(CURLM *m, CURLMoption opt, long value);
int civs_multi_next_done(CURLM *m, CURL **easy, CURLcode *result);

/* An eventfd (nonblocking, close-on-exec) that is readable while completions wait for
 * ivs_client_dispatch; -1 on failure. signal makes it readable, drain makes it not. */
int civs_eventfd_new(void);
void civs_eventfd_signal(int fd);
void civs_eventfd_drain(int fd);
#endif
