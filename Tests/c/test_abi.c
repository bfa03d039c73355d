/*
 * ABI robustness: every exported function of include/ivs.h with NULL arguments, malformed JSON,
 * JSON that is not an object, wrong types, invalid UTF-8, a 10 MB string, 100000-deep nesting and
 * unknown services and operations. Each must return the documented status and, where an out-pointer
 * is given, set it: to a parseable error JSON of the fixed shape with the matching "kind". The 103
 * generated per-operation functions (found with dlsym from the names ivs_describe() gives) must
 * behave exactly as ivs_call.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* One object, so "still SENTINEL" is a comparison of addresses: two equal string literals need not
 * share one (clang warns with -Wstring-compare). */
static char sentinel[] = "not set";
#define SENTINEL sentinel
#define TEN_MB (10 * 1024 * 1024)

static ivs_client *client;

/* A JSON document of the given nesting depth: [[[...]]] inside {"name": ...}. */
static char *deep_json(int depth) {
    char *s = malloc((size_t)depth * 2 + 32);
    if (!s) h_abort();
    char *p = s + sprintf(s, "{\"name\": ");
    memset(p, '[', (size_t)depth);
    memset(p + depth, ']', (size_t)depth);
    strcpy(p + 2 * depth, "}");
    return s;
}

/* {"<member>": "aaaa...", 10 MB} */
static char *huge_string_json(const char *member) {
    char *s = malloc(TEN_MB + 64);
    if (!s) h_abort();
    int n = sprintf(s, "{\"%s\": \"", member);
    memset(s + n, 'a', TEN_MB);
    strcpy(s + n + TEN_MB, "\"}");
    return s;
}

/* ivs_call with the given arguments: checks the status, that *out was set, and the error's shape. */
static void expect_call(ivs_client *c, const char *svc, const char *op, const char *input, ivs_status want,
                        const char *code, const char *what) {
    char *out = SENTINEL;
    ivs_status st = ivs_call(c, svc, op, input, &out);
    CHECKF(st == want, "%s: ivs_call = %d (%s), expected %d (%s): %.300s", what, st, h_kind(st), want, h_kind(want),
           out != SENTINEL && out ? out : "(null)");
    CHECKF(out != SENTINEL && out != NULL, "%s: *out_json set", what);
    if (out == SENTINEL) return;
    if (want == IVS_OK) {
        json_t *doc = json_loads(out ? out : "", 0, NULL);
        CHECKF(json_is_object(doc) && json_object_get(doc, "ResponseMetadata"), "%s: a result object", what);
        json_decref(doc);
        ivs_free(out);
    } else {
        CHECK_ERROR_TEXT(out, want, code);
    }
}

static void version_and_describe(void) {
    const char *v = ivs_version();
    CHECK(v != NULL && strlen(v) >= 5 && strchr(v, '.') != NULL);
    CHECK(ivs_version() == v); /* static */

    char *all = ivs_describe(NULL);
    json_t *d = json_loads(all ? all : "", 0, NULL);
    ivs_free(all);
    CHECK(h_int(d, "abiVersion") == IVS_ABI_VERSION);
    CHECK_STREQ(h_str(d, "version"), v);
    CHECK(json_object_size(h_get(d, "services.ivs.operations")) == 46);
    CHECK(json_object_size(h_get(d, "services.ivs-realtime.operations")) == 40);
    CHECK(json_object_size(h_get(d, "services.ivschat.operations")) == 17);
    json_decref(d);
    char *one = ivs_describe("ivschat");
    d = json_loads(one ? one : "", 0, NULL);
    ivs_free(one);
    CHECK(json_object_size(h_get(d, "services")) == 1 && h_get(d, "services.ivschat") != NULL);
    json_decref(d);

    CHECK(ivs_describe("nope") == NULL);
    CHECK(ivs_describe("") == NULL);
    CHECK(ivs_describe("iv\xff\xfes") == NULL);
    char *huge = malloc(TEN_MB + 1);
    REQUIRE(huge != NULL);
    memset(huge, 'x', TEN_MB);
    huge[TEN_MB] = '\0';
    CHECK(ivs_describe(huge) == NULL);
    free(huge);
    ivs_free(NULL);
}

static void client_new(void) {
    /* out_client NULL: no client, and the error says why */
    char *err = SENTINEL;
    CHECK(ivs_client_new("{}", NULL, &err) == IVS_E_INVALID_ARGUMENT);
    CHECK(err != SENTINEL);
    if (err != SENTINEL) CHECK_ERROR_TEXT(err, IVS_E_INVALID_ARGUMENT, NULL);
    CHECK(ivs_client_new("{}", NULL, NULL) == IVS_E_INVALID_ARGUMENT);

    /* NULL and "{}" mean defaults (the region comes from AWS_REGION, set in main) */
    ivs_client *c = (ivs_client *)0x1;
    err = SENTINEL;
    CHECK(ivs_client_new(NULL, &c, &err) == IVS_OK);
    CHECK(c != NULL && c != (ivs_client *)0x1 && err == NULL);
    if (c != (ivs_client *)0x1) ivs_client_free(c);
    c = NULL;
    CHECK(ivs_client_new("{}", &c, NULL) == IVS_OK && c != NULL);
    ivs_client_free(c);
    ivs_client_free(NULL);

    char *deep = deep_json(100000);
    char *big_region = huge_string_json("region");
    struct { const char *config; ivs_status want; const char *what; } cases[] = {
        {"", IVS_E_INVALID_ARGUMENT, "empty"},
        {"{\"region\": ", IVS_E_INVALID_ARGUMENT, "malformed"},
        {"{\"region\": \"us-west-2\"} trailing", IVS_E_INVALID_ARGUMENT, "trailing text"},
        {"[]", IVS_E_INVALID_ARGUMENT, "an array"},
        {"\"us-west-2\"", IVS_E_INVALID_ARGUMENT, "a string"},
        {"null", IVS_E_INVALID_ARGUMENT, "null"},
        {"42", IVS_E_INVALID_ARGUMENT, "a number"},
        {"{\"region\": 5}", IVS_E_CONFIG, "region of the wrong type"},
        {"{\"credentials\": \"AKID:secret\"}", IVS_E_CONFIG, "credentials of the wrong type"},
        {"{\"endpointUrls\": [\"http://x\"]}", IVS_E_CONFIG, "endpointUrls of the wrong type"},
        {"{\"verifyTls\": \"yes\"}", IVS_E_CONFIG, "verifyTls of the wrong type"},
        {"{\"maxAttempts\": -1}", IVS_E_CONFIG, "maxAttempts out of range"},
        {"{\"maxAttempts\": 1e300}", IVS_E_CONFIG, "maxAttempts huge"},
        {"{\"logLevel\": 99}", IVS_E_CONFIG, "logLevel out of range"},
        {"{\"unknownKey\": true}", IVS_E_CONFIG, "an unknown key"},
        {"{\"region\": \"us-west-2\xff\"}", IVS_E_INVALID_ARGUMENT, "invalid UTF-8"},
        {deep, IVS_E_INVALID_ARGUMENT, "100000-deep nesting"},
        {big_region, IVS_E_CONFIG, "a 10 MB region"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c = (ivs_client *)0x1;
        err = SENTINEL;
        ivs_status st = ivs_client_new(cases[i].config, &c, &err);
        CHECKF(st == cases[i].want, "ivs_client_new(%s) = %d (%s), expected %d", cases[i].what, st, h_kind(st),
               cases[i].want);
        CHECKF(c == NULL, "ivs_client_new(%s): *out_client is NULL", cases[i].what);
        if (c != NULL && c != (ivs_client *)0x1) ivs_client_free(c);
        CHECKF(err != SENTINEL, "ivs_client_new(%s): *out_error_json set", cases[i].what);
        if (err != SENTINEL) CHECK_ERROR_TEXT(err, cases[i].want, NULL);
    }
    free(deep);
    free(big_region);
}

static void call_arguments(void) {
    /* NULL out_json: nothing to write to, so only the status */
    CHECK(ivs_call(client, "ivs", "ListChannels", "{}", NULL) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_paginate(client, "ivs", "ListChannels", "{}", NULL) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_call(NULL, NULL, NULL, NULL, NULL) == IVS_E_INVALID_ARGUMENT);

    expect_call(NULL, "ivs", "ListChannels", "{}", IVS_E_INVALID_ARGUMENT, NULL, "NULL client");
    expect_call(client, NULL, "ListChannels", "{}", IVS_E_INVALID_ARGUMENT, NULL, "NULL service");
    expect_call(client, "ivs", NULL, "{}", IVS_E_INVALID_ARGUMENT, NULL, "NULL operation");
    expect_call(client, "ivs", "ListChannels", NULL, IVS_OK, NULL, "NULL input means {}");
    expect_call(client, "ivs", "list_channels", "{}", IVS_OK, NULL, "snake_case operation");
    expect_call(client, "nope", "ListChannels", "{}", IVS_E_INVALID_ARGUMENT, "UnknownService", "unknown service");
    expect_call(client, "", "ListChannels", "{}", IVS_E_INVALID_ARGUMENT, "UnknownService", "empty service");
    expect_call(client, "IVS", "ListChannels", "{}", IVS_E_INVALID_ARGUMENT, "UnknownService", "service in capitals");
    expect_call(client, "ivs", "ListRooms", "{}", IVS_E_INVALID_ARGUMENT, "UnknownOperation", "another service's op");
    expect_call(client, "ivs", "", "{}", IVS_E_INVALID_ARGUMENT, "UnknownOperation", "empty operation");
    expect_call(client, "iv\xc3\x28", "ListChannels", "{}", IVS_E_INVALID_ARGUMENT, NULL, "invalid UTF-8 service");
    expect_call(client, "ivs", "List\xff\xfe", "{}", IVS_E_INVALID_ARGUMENT, NULL, "invalid UTF-8 operation");

    struct { const char *input; ivs_status want; const char *what; } cases[] = {
        {"", IVS_E_INVALID_ARGUMENT, "empty input"},
        {"{", IVS_E_INVALID_ARGUMENT, "malformed"},
        {"{\"name\": \"x\",}", IVS_E_INVALID_ARGUMENT, "trailing comma"},
        {"{\"name\": 'x'}", IVS_E_INVALID_ARGUMENT, "single quotes"},
        {"{} {}", IVS_E_INVALID_ARGUMENT, "two documents"},
        {"[]", IVS_E_INVALID_ARGUMENT, "an array"},
        {"[{\"name\": \"x\"}]", IVS_E_INVALID_ARGUMENT, "an array of objects"},
        {"\"name\"", IVS_E_INVALID_ARGUMENT, "a string"},
        {"true", IVS_E_INVALID_ARGUMENT, "a boolean"},
        {"null", IVS_E_INVALID_ARGUMENT, "null"},
        {"12345678901234567890123", IVS_E_INVALID_ARGUMENT, "a huge number"},
        {"{\"name\": \"\xff\xfe\xfd\"}", IVS_E_INVALID_ARGUMENT, "invalid UTF-8 value"},
        {"{\"na\xc0\xafme\": \"x\"}", IVS_E_INVALID_ARGUMENT, "overlong UTF-8 in a key"},
        {"{\"name\": \"\xed\xa0\x80\"}", IVS_E_INVALID_ARGUMENT, "a UTF-8 encoded surrogate"},
        {"{\"name\": \"\\ud800\"}", IVS_E_INVALID_ARGUMENT, "a lone escaped surrogate"},
        {"{\"name\": 5}", IVS_E_VALIDATION, "a number for a string"},
        {"{\"name\": [\"x\"]}", IVS_E_VALIDATION, "an array for a string"},
        {"{\"authorized\": \"true\"}", IVS_E_VALIDATION, "a string for a boolean"},
        {"{\"tags\": [\"a\", \"b\"]}", IVS_E_VALIDATION, "an array for a map"},
        {"{\"tags\": {\"a\": {\"b\": 1}}}", IVS_E_VALIDATION, "an object for a map value"},
        {"{\"name\": \"x\", \"name\": 5}", IVS_E_INVALID_ARGUMENT, "a duplicate key"},
        {"{\"unknownMember\": 1}", IVS_E_VALIDATION, "an unknown member"},
        {"{\"multitrackInputConfiguration\": {\"enabled\": 1.5}}", IVS_E_VALIDATION, "a real for a boolean"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_call(client, "ivs", "CreateChannel", cases[i].input, cases[i].want, NULL, cases[i].what);

    /* enum values are checked by the service, or by libivs with "validation": "strict" */
    expect_call(client, "ivs", "CreateChannel", "{\"latencyMode\": \"FAST\"}", IVS_E_SERVICE, "ValidationException",
                "an unknown enum value");
    ivs_client *strict = h_client(json_pack("{s:s}", "validation", "strict"));
    expect_call(strict, "ivs", "CreateChannel", "{\"latencyMode\": \"FAST\"}", IVS_E_VALIDATION, NULL,
                "an unknown enum value, strict");
    ivs_client_free(strict);

    /* a member whose integer range is checked */
    expect_call(client, "ivs", "ListChannels", "{\"maxResults\": 9999999999999}", IVS_E_VALIDATION, NULL,
                "an integer out of range");
    expect_call(client, "ivs", "ListChannels", "{\"maxResults\": 1.5}", IVS_E_VALIDATION, NULL, "a real for an integer");
    expect_call(client, "ivs", "ListChannels", "{\"maxResults\": \"5\"}", IVS_E_VALIDATION, NULL,
                "a string for an integer");

    /* size and depth limits */
    char *deep = deep_json(100000);
    expect_call(client, "ivs", "CreateChannel", deep, IVS_E_INVALID_ARGUMENT, NULL, "100000-deep nesting");
    free(deep);
    deep = deep_json(1000); /* parses, but is not a string */
    expect_call(client, "ivs", "CreateChannel", deep, IVS_E_VALIDATION, NULL, "1000-deep nesting");
    free(deep);
    char *huge = huge_string_json("name");
    expect_call(client, "ivs", "CreateChannel", huge, IVS_E_VALIDATION, NULL, "a 10 MB name");
    free(huge);
    huge = huge_string_json("arn");
    expect_call(client, "ivs", "GetChannel", huge, IVS_E_VALIDATION, NULL, "a 10 MB ARN in the URI");
    free(huge);
    huge = huge_string_json("metadata"); /* PutMetadata: the body; channelArn is missing too */
    expect_call(client, "ivs", "PutMetadata", huge, IVS_E_VALIDATION, NULL, "a 10 MB body member");
    free(huge);
    char *big_name = malloc(TEN_MB + 1);
    REQUIRE(big_name != NULL);
    memset(big_name, 'O', TEN_MB);
    big_name[TEN_MB] = '\0';
    expect_call(client, "ivs", big_name, "{}", IVS_E_INVALID_ARGUMENT, "UnknownOperation", "a 10 MB operation name");
    expect_call(client, big_name, "ListChannels", "{}", IVS_E_INVALID_ARGUMENT, "UnknownService", "a 10 MB service name");
    free(big_name);

    /* ivs_paginate: the same argument checks */
    char *out = SENTINEL;
    CHECK(ivs_paginate(NULL, "ivs", "ListChannels", "{}", &out) == IVS_E_INVALID_ARGUMENT);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    out = SENTINEL;
    CHECK(ivs_paginate(client, "ivs", "Nope", "{}", &out) == IVS_E_INVALID_ARGUMENT);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, "UnknownOperation");
    out = SENTINEL;
    CHECK(ivs_paginate(client, "ivs", "ListChannels", "[", &out) == IVS_E_INVALID_ARGUMENT);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    out = SENTINEL;
    CHECK(ivs_paginate(client, "ivs", "ListChannels", "{\"nextToken\": 5}", &out) == IVS_E_VALIDATION);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_VALIDATION, NULL);
    out = SENTINEL;
    CHECK(ivs_paginate(client, "ivs", "GetChannel", "{}", &out) == IVS_E_VALIDATION); /* not paginated: as ivs_call */
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_VALIDATION, NULL);
}

/* A generated function: ivs_status f(ivs_client *, const char *, char **). */
typedef ivs_status (*operation_fn)(ivs_client *, const char *, char **);

/* The result of a call reduced to what must match between ivs_call and a generated function. */
static char *summary(ivs_status st, char *out) {
    json_t *doc = json_loads(out ? out : "", 0, NULL);
    json_t *s = json_pack("{s:i}", "status", st);
    if (st == IVS_OK) {
        json_t *keys = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(doc, k, v) if (strcmp(k, "ResponseMetadata") != 0) json_array_append_new(keys, json_string(k));
        json_object_set_new(s, "keys", keys);
    } else {
        json_object_set(s, "kind", h_get(doc, "error.kind"));
        json_object_set(s, "code", h_get(doc, "error.code"));
        json_object_set(s, "problems", h_get(doc, "error.fields.problems"));
        json_object_set(s, "httpStatus", h_get(doc, "error.httpStatus"));
    }
    char *text = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(s);
    json_decref(doc);
    ivs_free(out);
    return text;
}

static void generated_functions(void) {
    static const struct { const char *service, *prefix; } services[] = {
        {"ivs", "ivs_ivs_"}, {"ivs-realtime", "ivs_realtime_"}, {"ivschat", "ivs_chat_"}};
    int found = 0;
    for (size_t s = 0; s < 3; s++) {
        char *text = ivs_describe(services[s].service);
        json_t *d = json_loads(text ? text : "", 0, NULL);
        ivs_free(text);
        char path[128];
        snprintf(path, sizeof path, "services.%s.operations", services[s].service);
        const char *op;
        json_t *info;
        json_object_foreach(h_get(d, path), op, info) {
            char symbol[256];
            snprintf(symbol, sizeof symbol, "%s%s", services[s].prefix,
                     json_string_value(json_object_get(info, "snakeName")));
            operation_fn fn = (operation_fn)dlsym(RTLD_DEFAULT, symbol);
            CHECKF(fn != NULL, "%s is exported", symbol);
            if (!fn) continue;
            found++;
            h_record(services[s].service, op);

            /* NULL arguments */
            CHECKF(fn(client, "{}", NULL) == IVS_E_INVALID_ARGUMENT, "%s with NULL out_json", symbol);
            const char *inputs[] = {"{}", NULL, "{\"zzUnknown\": 1}", "not json", "[1]"};
            for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
                for (int with_client = 0; with_client < 2; with_client++) {
                    ivs_client *c = with_client ? client : NULL;
                    char *a = SENTINEL, *b = SENTINEL;
                    ivs_status sa = fn(c, inputs[i], &a);
                    ivs_status sb = ivs_call(c, services[s].service, op, inputs[i], &b);
                    CHECKF(a != SENTINEL && a != NULL, "%s: *out_json set", symbol);
                    if (a == SENTINEL || b == SENTINEL) continue;
                    char *ta = summary(sa, a), *tb = summary(sb, b);
                    CHECKF(ta && tb && strcmp(ta, tb) == 0, "%s(%s%s) behaves as ivs_call: %s vs %s", symbol,
                           c ? "client, " : "NULL, ", inputs[i] ? inputs[i] : "NULL", ta, tb);
                    free(ta);
                    free(tb);
                }
            }
        }
        json_decref(d);
    }
    CHECKF(found == 103, "%d of the 103 per-operation functions found", found);
}

/* Wrong types for every member of every operation, with validation on (IVS_E_VALIDATION) and off
 * (whatever the serializer or the service says, but an answer, never a crash or an internal error). */
static void wrong_types_everywhere(void) {
    ivs_client *unchecked = h_client(json_pack("{s:s}", "validation", "off"));
    char *text = ivs_describe(NULL);
    json_t *d = json_loads(text ? text : "", 0, NULL);
    ivs_free(text);
    const char *svc;
    json_t *service;
    int tried = 0;
    json_object_foreach(h_get(d, "services"), svc, service) {
        const char *op;
        json_t *info;
        json_object_foreach(json_object_get(service, "operations"), op, info) {
            const char *shape_name = json_string_value(json_object_get(info, "input"));
            json_t *shape = shape_name ? json_object_get(json_object_get(service, "shapes"), shape_name) : NULL;
            json_t *members = json_object_get(shape, "members");
            if (json_object_size(members) == 0) continue;
            /* every member gets a value of a type no member has: an object holding an array */
            json_t *input = json_object();
            const char *m;
            json_t *mi;
            json_object_foreach(members, m, mi) json_object_set_new(input, m, json_pack("{s:[i, s, n]}", "x", 1, "y"));
            char *in = json_dumps(input, JSON_COMPACT);
            json_decref(input);
            char what[256];
            snprintf(what, sizeof what, "%s %s with wrong types", svc, op);
            expect_call(client, svc, op, in, IVS_E_VALIDATION, "ParamValidationError", what);

            char *out = SENTINEL;
            ivs_status st = ivs_call(unchecked, svc, op, in, &out);
            CHECKF(st != IVS_E_INTERNAL && st != IVS_OK && out != SENTINEL && out != NULL,
                   "%s, validation off: %d: %.200s", what, st, out != SENTINEL && out ? out : "(null)");
            if (out != SENTINEL && st != IVS_OK) CHECK_ERROR_TEXT(out, st, NULL);
            else if (out != SENTINEL) ivs_free(out);
            free(in);
            tried++;
        }
    }
    json_decref(d);
    printf("wrong types: %d operations tried with validation on and off\n", tried);
    CHECK(tried > 80);
    ivs_client_free(unchecked);
}

/* The log sink: the callback is called, and never with a secret. */
static int log_lines;
static int log_leaks;
static void on_log(int level, const char *message, void *userdata) {
    (void)level;
    log_lines++;
    const char **secrets = userdata;
    for (int i = 0; secrets[i]; i++)
        if (strstr(message, secrets[i])) {
            log_leaks++;
            fprintf(stderr, "secret in a log line: %s\n", message);
        }
}

static void logging(void) {
    static const char *secrets[] = {"log-secret-0123456789", "log-session-token-42", "Signature=", NULL};
    ivs_set_log_callback(5, on_log, (void *)secrets);
    ivs_client *c = h_client(json_pack("{s:{s:s, s:s, s:s}}", "credentials", "accessKeyId", "test", "secretAccessKey",
                                       "log-secret-0123456789", "sessionToken", "log-session-token-42"));
    char *out = NULL;
    CHECK(ivs_call(c, "ivs", "ListChannels", "{}", &out) == IVS_E_SERVICE); /* the signature is wrong */
    ivs_free(out);
    ivs_client_free(c);
    ivs_set_log_callback(0, NULL, NULL);
    CHECKF(log_lines > 0, "the log callback was called (%d lines)", log_lines);
    CHECK(log_leaks == 0);
    int before = log_lines;
    out = NULL;
    CHECK(ivs_call(client, "ivs", "ListChannels", "{}", &out) == IVS_OK);
    ivs_free(out);
    CHECK(log_lines == before); /* level 0: off */
    ivs_set_log_callback(-7, NULL, NULL); /* out-of-range levels are clamped, not trusted */
    ivs_set_log_callback(1000, NULL, NULL);
    ivs_set_log_callback(0, NULL, NULL);
}

/* The token functions: argument errors only here (test_tokens.c covers what they compute). */
static void tokens(void) {
    char *out = SENTINEL;
    CHECK(ivs_keypair_generate(NULL) == IVS_E_INVALID_ARGUMENT);
    const char *bad_requests[] = {NULL, "", "{", "[]", "\"x\"", "{\"privateKey\": 5}", "{\"privateKey\": \"\xff\"}"};
    for (size_t i = 0; i < sizeof bad_requests / sizeof bad_requests[0]; i++) {
        const char *r = bad_requests[i];
        ivs_status want_invalid = (r && r[0] == '{' && r[1] == '"') ? IVS_E_VALIDATION : IVS_E_INVALID_ARGUMENT;
        /* invalid UTF-8 does not parse at all */
        if (r && strchr(r, '\xff')) want_invalid = IVS_E_INVALID_ARGUMENT;
        out = SENTINEL;
        ivs_status st = ivs_playback_token(r, &out);
        CHECKF(st == want_invalid, "ivs_playback_token(%s) = %d", r ? r : "NULL", st);
        if (out != SENTINEL) CHECK_ERROR_TEXT(out, st, NULL);
        else CHECK(out != SENTINEL);
        out = SENTINEL;
        st = ivs_participant_token(r, &out);
        CHECKF(st == want_invalid, "ivs_participant_token(%s) = %d", r ? r : "NULL", st);
        if (out != SENTINEL) CHECK_ERROR_TEXT(out, st, NULL);
        else CHECK(out != SENTINEL);
    }
    CHECK(ivs_playback_token("{}", NULL) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_participant_token("{}", NULL) == IVS_E_INVALID_ARGUMENT);
    out = SENTINEL;
    CHECK(ivs_participant_token_for_stage(NULL, "{}", &out) == IVS_E_INVALID_ARGUMENT);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    CHECK(ivs_participant_token_for_stage(client, "{}", NULL) == IVS_E_INVALID_ARGUMENT);
    out = SENTINEL;
    CHECK(ivs_token_verify(NULL, "pem", &out) == IVS_E_INVALID_ARGUMENT);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    out = SENTINEL;
    CHECK(ivs_token_verify("a.b.c", NULL, &out) == IVS_E_INVALID_ARGUMENT);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    out = SENTINEL;
    CHECK(ivs_token_verify("not a token", "not a key", &out) == IVS_E_VALIDATION);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_VALIDATION, NULL);
    out = SENTINEL;
    CHECK(ivs_token_verify("\xff\xfe.\xff.\xff", "\xff", &out) == IVS_E_VALIDATION);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_VALIDATION, NULL);
    CHECK(ivs_token_verify("a.b.c", "pem", NULL) == IVS_E_INVALID_ARGUMENT);
    char *huge = malloc(TEN_MB + 1);
    REQUIRE(huge != NULL);
    memset(huge, 'e', TEN_MB);
    huge[TEN_MB] = '\0';
    out = SENTINEL;
    CHECK(ivs_token_verify(huge, huge, &out) == IVS_E_VALIDATION);
    if (out != SENTINEL) CHECK_ERROR_TEXT(out, IVS_E_VALIDATION, NULL);
    free(huge);
}

int main(void) {
    setenv("AWS_REGION", REGION, 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/aws/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws/credentials", 1);
    client = h_client(NULL);
    version_and_describe();
    client_new();
    call_arguments();
    generated_functions();
    wrong_types_everywhere();
    logging();
    tokens();
    ivs_client_free(client);
    return h_finish();
}
