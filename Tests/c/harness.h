/*
 * The C test harness: checks that count failures and go on, a libivs client pointed at the ivs-local
 * named by env IVS_LOCAL_URL, a call wrapper that parses the result with jansson and records which
 * operations were called (for the coverage check against ivs_describe()), and the ivs-local control
 * API (/_local/...) over libcurl.
 *
 * A test is a program: int main(void) { ...; return h_finish(); }, run by ctest through
 * run-with-ivs-local.sh, which starts a fresh ivs-local for it.
 */
#ifndef IVS_TEST_HARNESS_H
#define IVS_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "ivs.h"

#define REGION "us-west-2"
#define ACCOUNT "123456789012"

/* ---- checks ------------------------------------------------------------------------------------ */

void h_check(bool ok, const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A failed check is reported and counted; the test goes on. */
#define CHECK(cond) h_check((cond), __FILE__, __LINE__, "%s", #cond)
#define CHECKF(cond, ...) h_check((cond), __FILE__, __LINE__, __VA_ARGS__)
/* A failed requirement ends the test (what follows would only report noise). */
#define REQUIRE(cond) do { if (!(cond)) { h_check(false, __FILE__, __LINE__, "required: %s", #cond); h_abort(); } } while (0)
/* Whether s starts with the string literal prefix. */
#define STARTS_WITH(s, prefix) (strncmp((s), (prefix), sizeof(prefix) - 1) == 0)
#define CHECK_STREQ(a, b) h_check_streq((a), (b), __FILE__, __LINE__, #a)
void h_check_streq(const char *got, const char *want, const char *file, int line, const char *what);
void h_abort(void) __attribute__((noreturn));
/* Prints the summary line; returns the process exit status (0 when every check passed). */
int h_finish(void);
/* The number of iterations a loop-heavy test should run: env name if set, else dflt. */
int h_env_int(const char *name, int dflt);

/* ---- clients ----------------------------------------------------------------------------------- */

const char *h_url(void);
/* A client on ivs-local (region us-west-2, credentials test/test, maxAttempts 1). extra, if not NULL,
 * is merged over those settings and stolen. Fails the test if the client cannot be made. */
ivs_client *h_client(json_t *extra);

/* ---- calls ------------------------------------------------------------------------------------- */

/* Calls svc/op with input (stolen; NULL sends a NULL input_json), records op as called, checks that the
 * status is want, checks the shape of an error JSON, and returns the parsed output or error JSON
 * (the caller json_decref()s it; NULL only if the output was not JSON, which is a failed check). */
json_t *h_call(ivs_client *c, const char *svc, const char *op, json_t *input, ivs_status want,
               const char *file, int line);
#define CALL_OK(c, svc, op, input) h_call((c), (svc), (op), (input), IVS_OK, __FILE__, __LINE__)
/* A failing call whose error JSON must carry code; the error JSON is released. */
void h_expect_error(ivs_client *c, const char *svc, const char *op, json_t *input, ivs_status want,
                    const char *code, const char *file, int line);
#define EXPECT_ERROR(c, svc, op, input, want, code) \
    h_expect_error((c), (svc), (op), (input), (want), (code), __FILE__, __LINE__)
#define EXPECT_SERVICE_ERROR(c, svc, op, input, code) EXPECT_ERROR(c, svc, op, input, IVS_E_SERVICE, code)
/* Calls and releases the output: for steps whose result the test does not read. */
#define CALL_DROP(c, svc, op, input) json_decref(CALL_OK(c, svc, op, input))

/* Checks that doc is the fixed error JSON of status st ({"error": {"kind", "code", "message",
 * "httpStatus", "requestId", "retryable", "attempts", "fields"}}) and, if code is given, its code. */
void h_check_error_json(const json_t *doc, ivs_status st, const char *code, const char *file, int line);
#define CHECK_ERROR_JSON(doc, st, code) h_check_error_json((doc), (st), (code), __FILE__, __LINE__)
/* Parses text, checks it is an error JSON as above, and frees text with ivs_free. */
void h_check_error_text(char *text, ivs_status st, const char *code, const char *file, int line);
#define CHECK_ERROR_TEXT(text, st, code) h_check_error_text((text), (st), (code), __FILE__, __LINE__)

/* Marks op as called without calling it through h_call (e.g. via its generated function). */
void h_record(const char *svc, const char *op);
/* Checks that every operation ivs_describe(svc) lists was called at least once. */
void h_check_coverage(const char *svc);

/* The kind string of a status ("service" for IVS_E_SERVICE). */
const char *h_kind(ivs_status st);

/* ---- JSON -------------------------------------------------------------------------------------- */

/* The value at a dotted path ("stage.endpoints.whip", "participantTokens.0.userId"), or NULL. */
json_t *h_get(const json_t *doc, const char *path);
/* The string at path, or "" (and a failed check) when absent or not a string. */
const char *h_str(const json_t *doc, const char *path);
/* The integer at path, or -1 (and a failed check). */
long long h_int(const json_t *doc, const char *path);
/* The size of the array at path, or -1 (and a failed check). */
long h_len(const json_t *doc, const char *path);
/* Whether some element of the array at path has member key equal to value. */
bool h_array_has(const json_t *doc, const char *path, const char *key, const char *value);

/* ---- the ivs-local control API ----------------------------------------------------------------- */

/* From one thread at a time. method route (under /_local/) with body (stolen, may be NULL); returns the parsed answer and sets
 * *status to the HTTP status (requirement: the request got an answer). */
json_t *h_control(const char *method, const char *route, json_t *body, long *status);
/* The same, requiring 200; the answer is returned. */
json_t *h_control_ok(const char *method, const char *route, json_t *body);
/* Forgets every resource, fault and logged request. */
void h_reset(void);
/* The number of requests for operation in ivs-local's request log. */
long h_received(const char *operation);

/* ---- the environment ----------------------------------------------------------------------------- */

/* Nothing from the machine running the tests may supply a region, credentials, endpoints, proxies or
 * retry settings: clears the AWS_ and proxy variables, points the shared files nowhere and turns the
 * instance metadata service off. Call first in main(). */
void h_isolate_environment(void);

#endif
