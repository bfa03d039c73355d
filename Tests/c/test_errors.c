/*
 * The error paths of the C ABI against ivs-local: every failure comes back as the right status and an
 * error JSON of the fixed shape with the right kind, code and details, and without secrets:
 * not found, validation (nothing sent), bad credentials, no credentials, bad configuration, an
 * unreachable endpoint, a timeout (ivs-local's "delay" fault), a dropped connection, and retries of
 * retryable service errors; control characters from a shared config file, shown so that the error
 * JSON stays readable by jansson's defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define MISSING_CHANNEL "arn:aws:ivs:" REGION ":" ACCOUNT ":channel/missingChan1"

/* Calls and returns the parsed error JSON (the caller releases it). */
static json_t *call_error(ivs_client *c, const char *svc, const char *op, const char *input, ivs_status want,
                          char **raw) {
    char *out = NULL;
    ivs_status st = ivs_call(c, svc, op, input, &out);
    CHECKF(st == want, "%s %s = %d (%s), expected %d (%s): %s", svc, op, st, h_kind(st), want, h_kind(want),
           out ? out : "(null)");
    json_t *doc = json_loads(out ? out : "", 0, NULL);
    CHECKF(doc != NULL, "%s %s: error JSON parses", svc, op);
    if (doc) CHECK_ERROR_JSON(doc, want, NULL);
    h_record(svc, op);
    if (raw) *raw = out;
    else ivs_free(out);
    return doc;
}

static void not_found(ivs_client *c) {
    h_reset();
    json_t *e = call_error(c, "ivs", "GetChannel", "{\"arn\": \"" MISSING_CHANNEL "\"}", IVS_E_SERVICE, NULL);
    CHECK_STREQ(h_str(e, "error.kind"), "service");
    CHECK_STREQ(h_str(e, "error.code"), "ResourceNotFoundException");
    CHECK(h_int(e, "error.httpStatus") == 404);
    CHECK(json_is_false(h_get(e, "error.retryable")));
    CHECK(h_int(e, "error.attempts") == 1);
    CHECK(strlen(h_str(e, "error.message")) > 0);
    /* the request id is the one ivs-local logged for that request */
    json_t *log = h_control_ok("GET", "requests?operation=GetChannel", NULL);
    CHECK(h_len(log, "requests") == 1);
    CHECK_STREQ(h_str(e, "error.requestId"), h_str(log, "requests.0.requestId"));
    json_decref(log);
    json_decref(e);

    /* IVS errors carry exceptionMessage; it lands in fields */
    e = call_error(c, "ivs", "CreateChannel", "{\"type\": \"STANDARD\", \"preset\": \"HIGHER_BANDWIDTH_DELIVERY\"}",
                   IVS_E_SERVICE, NULL);
    CHECK_STREQ(h_str(e, "error.code"), "ValidationException");
    CHECK(h_int(e, "error.httpStatus") == 400);
    CHECK(json_is_string(h_get(e, "error.fields.exceptionMessage")));
    json_decref(e);
}

static void validation(ivs_client *c) {
    h_reset();
    /* every problem is listed, and nothing is sent */
    json_t *e = call_error(c, "ivs", "CreateChannel",
                           "{\"name\": 7, \"latencyMode\": \"FAST\", \"tags\": {\"k\": 1}, \"bogus\": true}",
                           IVS_E_VALIDATION, NULL);
    CHECK_STREQ(h_str(e, "error.code"), "ParamValidationError");
    CHECK(json_is_null(h_get(e, "error.httpStatus")));
    CHECK(h_int(e, "error.attempts") == 0);
    long n = h_len(e, "error.fields.problems");
    CHECKF(n >= 3, "3 or more problems listed (got %ld)", n);
    bool name = false, tags = false, bogus = false;
    size_t i;
    json_t *p;
    json_array_foreach(h_get(e, "error.fields.problems"), i, p) {
        const char *path = json_string_value(json_object_get(p, "path"));
        const char *problem = json_string_value(json_object_get(p, "problem"));
        if (!path) continue;
        if (strcmp(path, "name") == 0) name = true;
        if (strcmp(path, "tags.k") == 0) tags = true;
        if (strstr(path, "bogus") || (problem && strstr(problem, "bogus"))) bogus = true;
    }
    CHECK(name);
    CHECK(tags);
    CHECK(bogus);
    json_decref(e);
    e = call_error(c, "ivs", "GetChannel", "{}", IVS_E_VALIDATION, NULL);
    CHECK_STREQ(h_str(e, "error.fields.problems.0.path"), "arn");
    json_decref(e);
    e = call_error(c, "ivschat", "CreateRoom", "{\"maximumMessageLength\": \"long\"}", IVS_E_VALIDATION, NULL);
    json_decref(e);
    CHECK(h_received("CreateChannel") == 0);
    CHECK(h_received("GetChannel") == 0);
    CHECK(h_received("CreateRoom") == 0);
}

static void bad_credentials(void) {
    h_reset();
    /* an access key ivs-local does not know */
    ivs_client *c = h_client(json_pack("{s:{s:s, s:s}}", "credentials", "accessKeyId", "AKIDUNKNOWN",
                                       "secretAccessKey", "unknown-secret-0123456789"));
    char *raw = NULL;
    json_t *e = call_error(c, "ivs", "ListChannels", "{}", IVS_E_SERVICE, &raw);
    CHECK_STREQ(h_str(e, "error.code"), "UnrecognizedClientException");
    CHECK(h_int(e, "error.httpStatus") == 403);
    CHECK(raw && strstr(raw, "unknown-secret-0123456789") == NULL);
    ivs_free(raw);
    json_decref(e);
    ivs_client_free(c);

    /* the right key with the wrong secret: the signature does not match */
    c = h_client(json_pack("{s:{s:s, s:s, s:s}}", "credentials", "accessKeyId", "test", "secretAccessKey",
                           "wrong-secret-9876543210", "sessionToken", "session-token-secret-42"));
    e = call_error(c, "ivschat", "ListRooms", "{}", IVS_E_SERVICE, &raw);
    CHECK_STREQ(h_str(e, "error.code"), "InvalidSignatureException");
    CHECK(raw && strstr(raw, "wrong-secret-9876543210") == NULL);
    CHECK(raw && strstr(raw, "session-token-secret-42") == NULL);
    ivs_free(raw);
    json_decref(e);
    ivs_client_free(c);
}

static void no_credentials(void) {
    /* No credentials anywhere: no config key, no environment, no files, no metadata service. The
     * environment was cleared in main(). */
    json_t *cfg = json_pack("{s:s, s:s}", "region", REGION, "endpointUrl", h_url());
    char *text = json_dumps(cfg, JSON_COMPACT);
    json_decref(cfg);
    ivs_client *c = NULL;
    char *err = NULL;
    CHECK(ivs_client_new(text, &c, &err) == IVS_OK); /* credentials are resolved on first use */
    free(text);
    ivs_free(err);
    REQUIRE(c != NULL);
    long before = h_received("ListChannels");
    json_t *e = call_error(c, "ivs", "ListChannels", "{}", IVS_E_CREDENTIALS, NULL);
    CHECK_STREQ(h_str(e, "error.kind"), "credentials");
    json_decref(e);
    CHECK(h_received("ListChannels") == before);
    ivs_client_free(c);
}

static void bad_configuration(void) {
    struct { const char *config; ivs_status want; } cases[] = {
        {"{\"region\": \"us-west-2\", \"bogusKey\": 1}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"retryMode\": \"sometimes\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"maxAttempts\": \"three\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"endpointUrl\": \"not a url\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"credentials\": {\"accessKeyId\": \"AKID\"}}", IVS_E_CONFIG},
        {"{}", IVS_E_CONFIG}, /* no region anywhere (the environment was cleared) */
        {"{\"region\": ", IVS_E_INVALID_ARGUMENT},
        {"[1, 2]", IVS_E_INVALID_ARGUMENT},
        /* settings that would only fail later, on every call, as retried network errors */
        {"{\"region\": \"us-west-2\", \"endpointUrl\": \"http://127.0.0.1:99999\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"endpointUrl\": \"http://127.0.0.1:abc\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"endpointUrl\": \"http://127.0.0.1:0\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"endpointUrl\": \"http://127.0.0.1/a b\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"endpointUrl\": \"http://ho st:4566\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"endpointUrls\": {\"ivs\": \"https://[::1:4566\"}}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"proxy\": \"::::not a url\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"proxy\": \"ftp://proxy.example:21\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"caBundle\": \"/tmp\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"caBundle\": \"/nonexistent/ca.pem\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"caBundle\": \"/etc/passwd\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"maxResponseBytes\": 10}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"maxPages\": 0}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"credentialProcessTimeoutMs\": -1}", IVS_E_CONFIG},
        /* values that would write header lines of their own */
        {"{\"region\": \"us-west-2\", \"userAgentSuffix\": \"app/1\\r\\nX-Injected: 1\"}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"credentials\": {\"accessKeyId\": \"AKID\", \"secretAccessKey\": \"s\", "
         "\"sessionToken\": \"tok\\nX-Injected: 1\"}}", IVS_E_CONFIG},
        {"{\"region\": \"us-west-2\", \"credentials\": {\"accessKeyId\": \"AK\\rID\", \"secretAccessKey\": \"s\"}}",
         IVS_E_CONFIG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ivs_client *c = (ivs_client *)0x1;
        char *err = NULL;
        ivs_status st = ivs_client_new(cases[i].config, &c, &err);
        CHECKF(st == cases[i].want, "ivs_client_new(%s) = %d, expected %d", cases[i].config, st, cases[i].want);
        CHECK(c == NULL);
        if (c && c != (ivs_client *)0x1) ivs_client_free(c);
        CHECK_ERROR_TEXT(err, cases[i].want, NULL);
    }

    /* the same checks for settings from the environment */
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:70000", 1);
    ivs_client *c = NULL;
    char *err = NULL;
    CHECK(ivs_client_new("{\"region\": \"us-west-2\"}", &c, &err) == IVS_E_CONFIG);
    CHECK(err && strstr(err, "AWS_ENDPOINT_URL"));
    ivs_free(err);
    unsetenv("AWS_ENDPOINT_URL");
    setenv("AWS_CA_BUNDLE", "/tmp", 1);
    CHECK(ivs_client_new("{\"region\": \"us-west-2\"}", &c, &err) == IVS_E_CONFIG);
    CHECK(err && strstr(err, "AWS_CA_BUNDLE"));
    ivs_free(err);
    unsetenv("AWS_CA_BUNDLE");
    setenv("HTTPS_PROXY", "http://proxy.example:123456", 1);
    CHECK(ivs_client_new("{\"region\": \"us-west-2\"}", &c, &err) == IVS_E_CONFIG);
    CHECK(err && strstr(err, "HTTPS_PROXY"));
    ivs_free(err);
    unsetenv("HTTPS_PROXY");
}

/* A secret in a setting or an input never comes back in an error: not in a URL's user info, not in
 * the excerpt a JSON parser would quote, not as a key of a sensitive map. */
static void secrets_in_errors(void) {
    const char *configs[] = {
        "{\"region\": \"us-west-2\", \"endpointUrl\": \"http://user:PW-SECRET-1@127.0.0.1:4566\"}",
        "{\"region\": \"us-west-2\", \"endpointUrl\": \"http://user:PW-SECRET-1@127.0.0.1:99999\"}",
        "{\"region\": \"us-west-2\", \"proxy\": \"http://user:PW-SECRET-1@proxy.example:99999\"}",
        "{\"region\": \"us-west-2\", \"proxy\": \"http://user:PW-SECRET-1@proxy.example/path\"}",
        "{\"credentials\": {\"accessKeyId\": \"AKID\", \"secretAccessKey\": \"PW-SECRET-1 unterminated",
        "{\"credentials\": {\"accessKeyId\": \"AKID\", \"secretAccessKey\": \"PW-SECRET-1\", }}",
    };
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) {
        ivs_client *c = NULL;
        char *err = NULL;
        ivs_status st = ivs_client_new(configs[i], &c, &err);
        CHECKF(st != IVS_OK, "config %zu refused", i);
        CHECKF(err && !strstr(err, "PW-SECRET"), "config %zu: the error does not show the secret: %s", i, err ? err : "");
        ivs_free(err);
        ivs_client_free(c);
    }

    ivs_client *c = h_client(NULL);
    const char *inputs[][3] = {
        /* PutMetadata's metadata is sensitive; the JSON is cut short after it */
        {"ivs", "PutMetadata", "{\"channelArn\": \"arn:aws:ivs:us-west-2:123456789012:channel/abc\", \"metadata\": \"META-SECRET-payload"},
        {"ivs", "PutMetadata", "{\"metadata\": \"META-SECRET-payload\" \"x\"}"},
        {"ivs", "PutMetadata", "{\"metadata\": \"META-SECRET-payload\", \"metadata\": \"META-SECRET-payload\"}"},
        /* ChatTokenAttributes is a sensitive map: its keys are as secret as its values */
        {"ivschat", "CreateChatToken", "{\"roomIdentifier\": \"r\", \"userId\": \"u\", \"attributes\": {\"ATTRK-SECRET\": 5}}"},
        {"ivschat", "CreateChatToken", "{\"roomIdentifier\": \"r\", \"userId\": \"u\", \"attributes\": {\"ATTRK-SECRET\": \"v\", \"b\": []}}"},
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *out = NULL;
        ivs_status st = ivs_call(c, inputs[i][0], inputs[i][1], inputs[i][2], &out);
        CHECKF(st == IVS_E_INVALID_ARGUMENT || st == IVS_E_VALIDATION, "input %zu refused (%d)", i, st);
        CHECKF(out && !strstr(out, "SECRET"), "input %zu: the error does not show the secret: %s", i, out ? out : "");
        CHECK_ERROR_TEXT(out, st, NULL);
    }
    ivs_client_free(c);

    char *out = NULL;
    CHECK(ivs_playback_token("{\"privateKey\": \"-----BEGIN PRIVATE KEY-----KEY-SECRET", &out) == IVS_E_INVALID_ARGUMENT);
    CHECKF(out && !strstr(out, "KEY-SECRET"), "the token error does not show the key: %s", out ? out : "");
    ivs_free(out);
}

/* Control characters from a shared config file (a NUL in a section name, an ESC sequence, a NUL in a
 * value or in a credential_process's stderr) come back visible, as \xHH, and the error JSON loads with
 * jansson's defaults (json_loads flags 0, which refuse \u0000): a C caller can read what went wrong
 * and which profile. A password in a URL stays masked. */
static void control_characters_from_the_shared_config(void) {
    char dir[] = "/tmp/ivs-test-config-XXXXXX";
    REQUIRE(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/config", dir);
#define TEXT(s) s, sizeof(s) - 1
    struct { const char *text; size_t length; const char *profile; bool call; ivs_status want; const char *code;
             const char *shown; } cases[] = {
        {TEXT("[profile a\0b]\nregion = us-west-2\nregion = eu-west-1\n"), NULL, false, IVS_E_CONFIG,
         "ConfigParseError", "\"region\" is set twice in [profile a\\x00b]"},
        {TEXT("[profile a\0b]\nregion = us-west-2\n[profile a\0b]\n"), NULL, false, IVS_E_CONFIG, "ConfigParseError",
         "section [profile a\\x00b] appears twice"},
        {TEXT("[profile \x1b[31mred]\nx = 1\nx = 2\n"), NULL, false, IVS_E_CONFIG, "ConfigParseError",
         "[profile \\x1b[31mred]"},
        {TEXT("[profile p]\nretry_mode = s\0x\n"), "p", false, IVS_E_CONFIG, NULL,
         "got \"s\\x00x\""},
        {TEXT("[profile p]\nservices = s\0x\n"), "p", false, IVS_E_CONFIG, NULL, "names services \"s\\x00x\""},
        {TEXT("[profile p]\nendpoint_url = http://user:PW-SECRET-1@127.0.0.1:99999/\x01\n"), "p", false, IVS_E_CONFIG,
         NULL, "***@127.0.0.1:99999/\\x01"},
        {TEXT("[profile p]\ncredential_process = sh -c 'printf \"no\\000way\" >&2; exit 3'\n"), "p", true,
         IVS_E_CREDENTIALS, NULL, "exited with status 3: no\\x00way"},
    };
#undef TEXT
    char config[512];
    snprintf(config, sizeof config, "{\"region\": \"us-west-2\", \"endpointUrl\": \"%s\", \"maxAttempts\": 1}", h_url());
    setenv("AWS_CONFIG_FILE", path, 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "wb");
        REQUIRE(f != NULL);
        REQUIRE(fwrite(cases[i].text, 1, cases[i].length, f) == cases[i].length);
        fclose(f);
        if (cases[i].profile) setenv("AWS_PROFILE", cases[i].profile, 1); else unsetenv("AWS_PROFILE");
        ivs_client *c = NULL;
        char *err = NULL;
        ivs_status st = ivs_client_new(cases[i].call ? config : "{\"region\": \"us-west-2\"}", &c, &err);
        if (cases[i].call && st == IVS_OK) st = ivs_call(c, "ivs", "ListChannels", "{}", &err);
        ivs_client_free(c);
        CHECKF(st == cases[i].want, "case %zu: status %d, expected %d", i, st, cases[i].want);
        json_error_t je;
        json_t *doc = json_loads(err ? err : "", 0, &je);
        CHECKF(doc != NULL, "case %zu: jansson's json_loads (flags 0) refuses the error JSON (%s): %s", i, je.text,
               err ? err : "(null)");
        if (doc) {
            CHECK_ERROR_JSON(doc, cases[i].want, cases[i].code);
            const char *message = h_str(doc, "error.message");
            CHECKF(message && strstr(message, cases[i].shown), "case %zu: the message shows %s: %s", i, cases[i].shown,
                   message ? message : "(none)");
            CHECKF(message && !strstr(message, "PW-SECRET"), "case %zu: the password is masked: %s", i, message ? message : "");
            json_decref(doc);
        }
        ivs_free(err);
    }
    unsetenv("AWS_PROFILE");
    setenv("AWS_CONFIG_FILE", "/nonexistent/aws/config", 1);
    unlink(path);
    rmdir(dir);
}

static void unreachable_and_timeouts(void) {
    h_reset();
    /* nothing listens on port 1 */
    ivs_client *c = h_client(json_pack("{s:s, s:i}", "endpointUrl", "http://127.0.0.1:1", "maxAttempts", 2));
    json_t *e = call_error(c, "ivs", "ListChannels", "{}", IVS_E_NETWORK, NULL);
    CHECK_STREQ(h_str(e, "error.kind"), "network");
    CHECK(json_is_true(h_get(e, "error.retryable")));
    CHECK(h_int(e, "error.attempts") == 2);
    CHECK(json_is_null(h_get(e, "error.httpStatus")));
    json_decref(e);
    ivs_client_free(c);

    /* ivs-local holds the answer longer than the client waits */
    c = h_client(json_pack("{s:i, s:i}", "requestTimeoutMs", 500, "maxAttempts", 1));
    json_decref(h_control_ok("POST", "faults",
                             json_pack("{s:s, s:s, s:i, s:s, s:i}", "service", "ivs", "operation", "ListChannels",
                                       "count", 1, "action", "delay", "delayMs", 3000)));
    e = call_error(c, "ivs", "ListChannels", "{}", IVS_E_NETWORK, NULL);
    CHECK(h_int(e, "error.attempts") == 1);
    const char *msg = h_str(e, "error.message");
    CHECKF(strstr(msg, "imed out") || strstr(msg, "imeout"), "the message says it timed out: %s", msg);
    json_decref(e);
    /* the fault is used up: the next call is answered */
    json_decref(CALL_OK(c, "ivs", "ListChannels", json_pack("{}")));

    ivs_client_free(c);

    /* a connection closed without an answer. A new client, so the request goes on a new connection:
     * on a reused one libcurl itself sends the request again when the connection turns out dead. */
    c = h_client(json_pack("{s:i}", "maxAttempts", 1));
    json_decref(h_control_ok("POST", "faults", json_pack("{s:s, s:i, s:s}", "operation", "ListRooms", "count", 1,
                                                         "action", "drop")));
    e = call_error(c, "ivschat", "ListRooms", "{}", IVS_E_NETWORK, NULL);
    CHECK(h_int(e, "error.attempts") == 1);
    json_decref(e);
    /* ivs-local logs a dropped request after closing its connection, so the entry may lag the error */
    long n = 0;
    for (int i = 0; i < 100 && (n = h_received("ListRooms")) == 0; i++) usleep(50 * 1000);
    CHECKF(n == 1, "ivs-local received ListRooms %ld times", n);
    ivs_client_free(c);
}

/* The number of requests for operation, once ivs-local has logged at least want of them. */
static long received_at_least(const char *operation, long want) {
    long n = 0;
    for (int i = 0; i < 100 && (n = h_received(operation)) < want; i++) usleep(50 * 1000);
    return n;
}

/* A kept-alive connection that dies after the request was written: libcurl would send the request
 * again on a new connection by itself. libivs refuses that resend, so every request on the wire is an
 * attempt the retry policy decided and counted: with retries off one call is one request. */
static void dead_kept_alive_connection(void) {
    h_reset();
    ivs_client *c = h_client(json_pack("{s:s}", "retryMode", "off"));
    json_decref(CALL_OK(c, "ivschat", "ListLoggingConfigurations", json_pack("{}"))); /* the connection to reuse */
    json_decref(h_control_ok("POST", "faults", json_pack("{s:s, s:i, s:s}", "operation", "ListRooms", "count", 1,
                                                         "action", "drop")));
    json_t *e = call_error(c, "ivschat", "ListRooms", "{}", IVS_E_NETWORK, NULL);
    CHECK_STREQ(h_str(e, "error.code"), "ConnectionClosedError");
    CHECK(h_int(e, "error.attempts") == 1);
    json_decref(e);
    long n = received_at_least("ListRooms", 1);
    usleep(200 * 1000); /* a resend, if there were one, would be logged by now */
    n = h_received("ListRooms");
    CHECKF(n == 1, "retries off: ivs-local received ListRooms %ld times, expected exactly 1", n);
    /* the client goes on working on a new connection */
    json_decref(CALL_OK(c, "ivschat", "ListRooms", json_pack("{}")));
    ivs_client_free(c);

    /* with retries, the second request is a counted retry */
    h_reset();
    c = h_client(json_pack("{s:i}", "maxAttempts", 3));
    json_decref(CALL_OK(c, "ivschat", "ListLoggingConfigurations", json_pack("{}")));
    json_decref(h_control_ok("POST", "faults", json_pack("{s:s, s:i, s:s}", "operation", "ListRooms", "count", 1,
                                                         "action", "drop")));
    json_t *out = CALL_OK(c, "ivschat", "ListRooms", json_pack("{}"));
    CHECK(h_int(out, "ResponseMetadata.RetryAttempts") == 1);
    json_decref(out);
    n = received_at_least("ListRooms", 2);
    CHECKF(n == 2, "retries on: ivs-local received ListRooms %ld times, expected 2 (RetryAttempts 1)", n);
    ivs_client_free(c);
}

static void retries(void) {
    h_reset();
    ivs_client *c = h_client(json_pack("{s:i}", "maxAttempts", 3));
    /* one 503, then success: the retry is invisible except in RetryAttempts */
    json_decref(h_control_ok("POST", "faults",
                             json_pack("{s:s, s:i, s:s, s:i, s:s}", "operation", "ListStages", "count", 1, "action",
                                       "error", "status", 503, "code", "ServiceUnavailableException")));
    json_t *out = CALL_OK(c, "ivs-realtime", "ListStages", json_pack("{}"));
    CHECK(h_int(out, "ResponseMetadata.RetryAttempts") == 1);
    json_decref(out);
    CHECK(h_received("ListStages") == 2);

    /* throttled on every attempt: the last error, retryable, with the number of attempts */
    json_decref(h_control_ok("POST", "faults",
                             json_pack("{s:s, s:i, s:s, s:i, s:s, s:s}", "operation", "ListRooms", "count", 5, "action",
                                       "error", "status", 429, "code", "ThrottlingException", "message",
                                       "Rate exceeded")));
    json_t *e = call_error(c, "ivschat", "ListRooms", "{}", IVS_E_SERVICE, NULL);
    CHECK_STREQ(h_str(e, "error.code"), "ThrottlingException");
    CHECK(h_int(e, "error.httpStatus") == 429);
    CHECK(json_is_true(h_get(e, "error.retryable")));
    CHECK(h_int(e, "error.attempts") == 3);
    json_decref(e);
    CHECK(h_received("ListRooms") == 3);
    ivs_client_free(c);
}

int main(void) {
    h_isolate_environment();

    ivs_client *c = h_client(NULL);
    not_found(c);
    validation(c);
    ivs_client_free(c);
    bad_credentials();
    no_credentials();
    bad_configuration();
    secrets_in_errors();
    control_characters_from_the_shared_config();
    unreachable_and_timeouts();
    dead_kept_alive_connection();
    retries();
    return h_finish();
}
