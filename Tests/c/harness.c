/* The C test harness: see harness.h. */
#include "harness.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int checks, failures;

void h_check(bool ok, const char *file, int line, const char *fmt, ...) {
    pthread_mutex_lock(&lock);
    checks++;
    if (!ok) {
        failures++;
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "%s:%d: FAILED: ", file, line);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
    pthread_mutex_unlock(&lock);
}

void h_check_streq(const char *got, const char *want, const char *file, int line, const char *what) {
    bool ok = got && want && strcmp(got, want) == 0;
    h_check(ok, file, line, "%s is \"%s\", expected \"%s\"", what, got ? got : "(null)", want ? want : "(null)");
}

void h_abort(void) {
    fprintf(stderr, "test aborted after %d checks, %d failed\n", checks, failures);
    exit(1);
}

static void release_recorded(void);
static CURL *control_handle;

int h_finish(void) {
    release_recorded();
    if (control_handle) curl_easy_cleanup(control_handle);
    control_handle = NULL;
    curl_global_cleanup();
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 && checks > 0 ? 0 : 1;
}

int h_env_int(const char *name, int dflt) {
    const char *v = getenv(name);
    if (!v || !*v) return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    return (*end == '\0' && n > 0 && n < 1000000) ? (int)n : dflt;
}

/* ---- clients ----------------------------------------------------------------------------------- */

const char *h_url(void) {
    const char *u = getenv("IVS_LOCAL_URL");
    if (!u || strncmp(u, "http://", 7) != 0) {
        fprintf(stderr, "IVS_LOCAL_URL is not set: run this test through ctest (run-with-ivs-local.sh)\n");
        exit(2);
    }
    return u;
}

ivs_client *h_client(json_t *extra) {
    json_t *cfg = json_pack("{s:s, s:s, s:{s:s, s:s}, s:i}", "region", REGION, "endpointUrl", h_url(),
                            "credentials", "accessKeyId", "test", "secretAccessKey", "test", "maxAttempts", 1);
    REQUIRE(cfg != NULL);
    if (extra) {
        json_object_update(cfg, extra);
        json_decref(extra);
    }
    char *text = json_dumps(cfg, JSON_COMPACT);
    json_decref(cfg);
    ivs_client *c = NULL;
    char *err = NULL;
    ivs_status st = ivs_client_new(text, &c, &err);
    CHECKF(st == IVS_OK && c != NULL, "ivs_client_new(%s) = %d: %s", text, st, err ? err : "(no error JSON)");
    CHECK(st != IVS_OK || err == NULL);
    free(text);
    ivs_free(err);
    REQUIRE(c != NULL);
    return c;
}

/* ---- the record of operations called ------------------------------------------------------------ */

#define MAX_RECORDED 512
static char *recorded[MAX_RECORDED];
static int nrecorded;

void h_record(const char *svc, const char *op) {
    char key[256];
    snprintf(key, sizeof key, "%s/%s", svc, op);
    pthread_mutex_lock(&lock);
    bool seen = false;
    for (int i = 0; i < nrecorded && !seen; i++) seen = strcmp(recorded[i], key) == 0;
    if (!seen && nrecorded < MAX_RECORDED) recorded[nrecorded++] = strdup(key);
    pthread_mutex_unlock(&lock);
}

static bool was_recorded(const char *svc, const char *op) {
    char key[256];
    snprintf(key, sizeof key, "%s/%s", svc, op);
    bool seen = false;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nrecorded && !seen; i++) seen = strcmp(recorded[i], key) == 0;
    pthread_mutex_unlock(&lock);
    return seen;
}

static void release_recorded(void) {
    for (int i = 0; i < nrecorded; i++) free(recorded[i]);
    nrecorded = 0;
}

void h_check_coverage(const char *svc) {
    char *text = ivs_describe(svc);
    REQUIRE(text != NULL);
    json_t *d = json_loads(text, 0, NULL);
    ivs_free(text);
    REQUIRE(d != NULL);
    char path[128];
    snprintf(path, sizeof path, "services.%s.operations", svc);
    json_t *ops = h_get(d, path);
    REQUIRE(json_is_object(ops));
    const char *name;
    json_t *op;
    int missing = 0;
    json_object_foreach(ops, name, op) {
        const char *snake = json_string_value(json_object_get(op, "snakeName"));
        if (!was_recorded(svc, name) && !(snake && was_recorded(svc, snake))) {
            fprintf(stderr, "coverage: %s %s was never called\n", svc, name);
            missing++;
        }
    }
    CHECKF(missing == 0, "%d of the %zu %s operations were never called", missing, json_object_size(ops), svc);
    printf("coverage: %zu of %zu %s operations called\n", json_object_size(ops) - (size_t)missing,
           json_object_size(ops), svc);
    json_decref(d);
}

/* ---- calls ------------------------------------------------------------------------------------- */

static const char *kinds[] = {"ok", "invalid_argument", "validation", "config", "credentials", "network",
                              "service", "internal", "cancelled"};

const char *h_kind(ivs_status st) {
    return (st >= 0 && st <= IVS_E_CANCELLED) ? kinds[st] : "?";
}

void h_check_error_json(const json_t *doc, ivs_status st, const char *code, const char *file, int line) {
    json_t *meta = json_object_get(doc, "ResponseMetadata");
    h_check(json_is_object(doc) && json_object_size(doc) == (meta ? 2u : 1u), file, line,
            "error JSON is {\"error\": {...}} (and \"ResponseMetadata\" when the service answered)");
    json_t *e = json_object_get(doc, "error");
    if (!json_is_object(e)) {
        h_check(false, file, line, "no \"error\" object");
        return;
    }
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *got_code = json_string_value(json_object_get(e, "code"));
    json_t *http = json_object_get(e, "httpStatus"), *rid = json_object_get(e, "requestId");
    h_check(kind && strcmp(kind, h_kind(st)) == 0, file, line, "error kind \"%s\", expected \"%s\"",
            kind ? kind : "(none)", h_kind(st));
    h_check(got_code && *got_code, file, line, "error code is a non-empty string");
    if (code)
        h_check(got_code && strcmp(got_code, code) == 0, file, line, "error code \"%s\", expected \"%s\"",
                got_code ? got_code : "(none)", code);
    h_check(json_is_string(json_object_get(e, "message")), file, line, "error message is a string");
    h_check(json_is_integer(http) || json_is_null(http), file, line, "httpStatus is an integer or null");
    h_check(json_is_string(rid) || json_is_null(rid), file, line, "requestId is a string or null");
    h_check(json_is_boolean(json_object_get(e, "retryable")), file, line, "retryable is a boolean");
    h_check(json_is_integer(json_object_get(e, "attempts")), file, line, "attempts is an integer");
    h_check(json_is_object(json_object_get(e, "fields")), file, line, "fields is an object");
    h_check(json_object_size(e) == 8, file, line, "the error object has exactly 8 members (has %zu)",
            json_object_size(e));
    if (meta) {
        h_check(json_is_integer(http) && json_integer_value(json_object_get(meta, "HTTPStatusCode")) == json_integer_value(http),
                file, line, "ResponseMetadata.HTTPStatusCode is the error's httpStatus");
        h_check(json_is_object(json_object_get(meta, "HTTPHeaders")), file, line, "ResponseMetadata.HTTPHeaders is an object");
        h_check(json_integer_value(json_object_get(meta, "RetryAttempts")) == json_integer_value(json_object_get(e, "attempts")) - 1,
                file, line, "ResponseMetadata.RetryAttempts is attempts - 1");
    }
    if (st == IVS_E_SERVICE) {
        h_check(json_is_integer(http) && json_integer_value(http) >= 400, file, line, "service error has an HTTP status");
        h_check(json_is_string(rid) && *json_string_value(rid), file, line, "service error has a request id");
    }
    if (st == IVS_E_VALIDATION) {
        h_check(got_code && strcmp(got_code, "ParamValidationError") == 0, file, line, "validation code");
        json_t *problems = json_object_get(json_object_get(e, "fields"), "problems");
        h_check(json_is_array(problems) && json_array_size(problems) > 0, file, line, "fields.problems is a non-empty array");
        size_t i;
        json_t *p;
        json_array_foreach(problems, i, p) {
            h_check(json_is_string(json_object_get(p, "path")) && json_is_string(json_object_get(p, "problem")),
                    file, line, "each problem has a path and a problem");
        }
    }
}

void h_check_error_text(char *text, ivs_status st, const char *code, const char *file, int line) {
    h_check(text != NULL, file, line, "an error JSON was returned");
    if (!text) return;
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    h_check(doc != NULL, file, line, "error JSON parses: %s: %.200s", jerr.text, text);
    if (doc) h_check_error_json(doc, st, code, file, line);
    json_decref(doc);
    ivs_free(text);
}

json_t *h_call(ivs_client *c, const char *svc, const char *op, json_t *input, ivs_status want,
               const char *file, int line) {
    char *in = NULL;
    if (input) {
        in = json_dumps(input, JSON_COMPACT);
        json_decref(input);
        if (!in) h_abort();
    }
    h_record(svc, op);
    char *out = (char *)"sentinel";
    ivs_status st = ivs_call(c, svc, op, in, &out);
    h_check(st == want, file, line, "%s %s(%.300s) = %d (%s), expected %d (%s): %.600s", svc, op,
            in ? in : "NULL", st, h_kind(st), want, h_kind(want), out ? out : "(null)");
    h_check(out != NULL, file, line, "%s %s: *out_json is set", svc, op);
    json_t *doc = NULL;
    if (out) {
        json_error_t jerr;
        doc = json_loads(out, 0, &jerr);
        h_check(doc != NULL, file, line, "%s %s: output parses: %s", svc, op, jerr.text);
        if (doc && st != IVS_OK) h_check_error_json(doc, st, NULL, file, line);
        if (doc && st == IVS_OK)
            h_check(json_is_object(h_get(doc, "ResponseMetadata")) && h_get(doc, "error") == NULL, file, line,
                    "%s %s: output has ResponseMetadata", svc, op);
    }
    ivs_free(out);
    free(in);
    return doc;
}

void h_expect_error(ivs_client *c, const char *svc, const char *op, json_t *input, ivs_status want,
                    const char *code, const char *file, int line) {
    json_t *doc = h_call(c, svc, op, input, want, file, line);
    if (doc) h_check_error_json(doc, want, code, file, line);
    json_decref(doc);
}

/* ---- JSON -------------------------------------------------------------------------------------- */

json_t *h_get(const json_t *doc, const char *path) {
    const json_t *cur = doc;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part && cur; part = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur)) {
            char *end;
            long i = strtol(part, &end, 10);
            cur = (*end == '\0' && i >= 0) ? json_array_get(cur, (size_t)i) : NULL;
        } else {
            cur = json_object_get(cur, part);
        }
    }
    return (json_t *)cur;
}

const char *h_str(const json_t *doc, const char *path) {
    const char *s = json_string_value(h_get(doc, path));
    CHECKF(s != NULL, "\"%s\" is a string", path);
    return s ? s : "";
}

long long h_int(const json_t *doc, const char *path) {
    json_t *v = h_get(doc, path);
    CHECKF(json_is_integer(v), "\"%s\" is an integer", path);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

long h_len(const json_t *doc, const char *path) {
    json_t *v = h_get(doc, path);
    CHECKF(json_is_array(v), "\"%s\" is an array", path);
    return json_is_array(v) ? (long)json_array_size(v) : -1;
}

bool h_array_has(const json_t *doc, const char *path, const char *key, const char *value) {
    size_t i;
    json_t *item;
    json_array_foreach(h_get(doc, path), i, item) {
        const char *s = json_string_value(json_object_get(item, key));
        if (s && strcmp(s, value) == 0) return true;
    }
    return false;
}

/* ---- the ivs-local control API ----------------------------------------------------------------- */

struct buffer { char *data; size_t len; };

static size_t collect(char *p, size_t size, size_t n, void *userdata) {
    struct buffer *b = userdata;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown) return 0;
    memcpy(grown + b->len, p, size * n);
    b->len += size * n;
    grown[b->len] = '\0';
    b->data = grown;
    return size * n;
}

json_t *h_control(const char *method, const char *route, json_t *body, long *status) {
    pthread_mutex_lock(&lock);
    if (!control_handle) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        control_handle = curl_easy_init();
    }
    CURL *h = control_handle;
    pthread_mutex_unlock(&lock);
    REQUIRE(h != NULL);
    char url[1024];
    snprintf(url, sizeof url, "%s/_local/%s", h_url(), route);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    struct buffer b = {0};
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, text ? text : (strcmp(method, "GET") ? "{}" : NULL));
    if (strcmp(method, "GET") == 0) curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    free(text);
    CHECKF(rc == CURLE_OK, "control %s %s: %s", method, route, curl_easy_strerror(rc));
    if (rc != CURLE_OK) h_abort();
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    json_t *doc = json_loads(b.data ? b.data : "{}", 0, NULL);
    free(b.data);
    REQUIRE(doc != NULL);
    return doc;
}

json_t *h_control_ok(const char *method, const char *route, json_t *body) {
    long status = 0;
    json_t *doc = h_control(method, route, body, &status);
    if (status != 200) {
        char *t = json_dumps(doc, JSON_COMPACT);
        CHECKF(status == 200, "control %s %s answered %ld: %s", method, route, status, t ? t : "");
        free(t);
    }
    return doc;
}

void h_reset(void) {
    json_decref(h_control_ok("POST", "reset", NULL));
}

long h_received(const char *operation) {
    char route[256];
    snprintf(route, sizeof route, "requests?operation=%s", operation);
    json_t *log = h_control_ok("GET", route, NULL);
    long n = h_len(log, "requests");
    json_decref(log);
    return n;
}

void h_isolate_environment(void) {
    const char *cleared[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                             "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                             "AWS_ENDPOINT_URL_IVS", "AWS_ENDPOINT_URL_IVS_REALTIME", "AWS_ENDPOINT_URL_IVSCHAT",
                             "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                             "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
                             "AWS_CA_BUNDLE", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
                             "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < sizeof cleared / sizeof cleared[0]; i++) unsetenv(cleared[i]);
    setenv("AWS_CONFIG_FILE", "/nonexistent/aws/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws/credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}
