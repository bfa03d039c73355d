/*
 * Tokens and keys through the C ABI: key pair generation, playback and participant tokens, their
 * documented limits (accepted at the limit, refused one past it), the JOSE signature shape, bad keys,
 * NULL arguments, and verification. With env IVS_LOCAL_URL set (run-with-ivs-local.sh does), also the
 * round trip: ImportPublicKey, CreateStage and ivs_participant_token_for_stage (GetStage) on ivs-local.
 *
 * Standalone: only ivs.h and jansson. Prints one ok/FAIL line per check; exits 0 when all pass.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ivs.h"

#define CHANNEL_ARN "arn:aws:ivs:us-west-2:123456789012:channel/AbCd1234"
#define STAGE_ARN "arn:aws:ivs:us-west-2:123456789012:stage/Stage123"
#define KEY_ARN "arn:aws:ivs:us-west-2:123456789012:public-key/Key123"

static int t_failures;
static int t_checks;

static void t_check(bool ok, int line, const char *what) {
    t_checks++;
    if (!ok) t_failures++;
    printf("%s test_tokens.c:%d %s\n", ok ? "ok  " : "FAIL", line, what);
}
#define T_CHECK(cond) t_check((cond), __LINE__, #cond)

/* Runs fn's result through jansson and frees the text. Returns the parsed document (caller decrefs). */
static json_t *t_take(char *text) {
    if (!text) return NULL;
    json_t *doc = json_loads(text, 0, NULL);
    ivs_free(text);
    return doc;
}

static json_t *t_playback(const char *private_pem, json_t *extra, ivs_status *st) {
    json_t *req = json_pack("{s:s, s:s}", "privateKey", private_pem, "channelArn", CHANNEL_ARN);
    if (extra) { json_object_update(req, extra); json_decref(extra); }
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char *out = (char *)0x1; /* must be overwritten */
    *st = ivs_playback_token(text, &out);
    free(text);
    return t_take(out);
}

static json_t *t_participant(const char *private_pem, json_t *extra, ivs_status *st) {
    json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:s}", "privateKey", private_pem, "publicKeyArn", KEY_ARN,
                            "stageArn", STAGE_ARN, "eventsUrl", "wss://global.events.live-video.net",
                            "whipUrl", "https://abc.global-bm.whip.live-video.net");
    if (extra) { json_object_update(req, extra); json_decref(extra); }
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char *out = (char *)0x1;
    *st = ivs_participant_token(text, &out);
    free(text);
    return t_take(out);
}

/* Whether doc is a validation error with a problem at path. */
static bool t_problem_at(json_t *doc, const char *path) {
    json_t *problems = json_object_get(json_object_get(json_object_get(doc, "error"), "fields"), "problems");
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p) {
        const char *pp = json_string_value(json_object_get(p, "path"));
        if (pp && strcmp(pp, path) == 0) return true;
    }
    return false;
}

/* st is read after doc was computed (argument evaluation order is unspecified in C). */
static bool t_refused(json_t *doc, const ivs_status *stp, const char *path) {
    ivs_status st = *stp;
    bool ok = st == IVS_E_VALIDATION && t_problem_at(doc, path);
    if (!ok) {
        char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        printf("     (status %d, %s)\n", (int)st, s ? s : "no JSON");
        free(s);
    }
    json_decref(doc);
    return ok;
}

static bool t_accepted(json_t *doc, const ivs_status *stp) {
    ivs_status st = *stp;
    bool ok = st == IVS_OK && doc != NULL;
    if (!ok) {
        char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        printf("     (status %d, %s)\n", (int)st, s ? s : "no JSON");
        free(s);
    }
    json_decref(doc);
    return ok;
}

/* The verified claims of token (caller decrefs), or NULL. */
static json_t *t_verify(const char *token, const char *public_pem) {
    char *out = NULL;
    ivs_status st = ivs_token_verify(token, public_pem, &out);
    json_t *doc = t_take(out);
    if (st != IVS_OK) { json_decref(doc); return NULL; }
    json_t *claims = json_incref(json_object_get(doc, "claims"));
    json_decref(doc);
    return claims;
}

static char *t_repeat(const char *unit, int n) {
    size_t u = strlen(unit);
    char *s = malloc(u * (size_t)n + 1);
    for (int i = 0; i < n; i++) memcpy(s + u * (size_t)i, unit, u);
    s[u * (size_t)n] = 0;
    return s;
}

/* The third dot-separated part is 128 base64url characters: 96 raw bytes (r || s), no padding. */
static bool t_raw_signature(const char *token) {
    const char *last = strrchr(token, '.');
    if (!last) return false;
    last++;
    if (strlen(last) != 128) return false;
    for (const char *c = last; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return false;
    }
    return true;
}

static void t_round_trip(const char *url) {
    char config[512];
    snprintf(config, sizeof config,
             "{\"region\":\"us-west-2\",\"endpointUrl\":\"%s\",\"maxAttempts\":1,"
             "\"credentials\":{\"accessKeyId\":\"test\",\"secretAccessKey\":\"test\"}}", url);
    ivs_client *client = NULL;
    char *err = NULL;
    T_CHECK(ivs_client_new(config, &client, &err) == IVS_OK);
    ivs_free(err);
    if (!client) return;

    char *out = NULL;
    T_CHECK(ivs_keypair_generate(&out) == IVS_OK);
    json_t *kp = t_take(out);
    const char *priv = json_string_value(json_object_get(kp, "privateKey"));
    const char *pub = json_string_value(json_object_get(kp, "publicKey"));

    json_t *in = json_pack("{s:s, s:s}", "publicKeyMaterial", pub, "name", "c-tokens");
    char *text = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    ivs_status st = ivs_realtime_import_public_key(client, text, &out);
    free(text);
    json_t *imported = t_take(out);
    T_CHECK(st == IVS_OK);
    const char *key_arn = json_string_value(json_object_get(json_object_get(imported, "publicKey"), "arn"));

    st = ivs_realtime_create_stage(client, "{\"name\":\"c-tokens\"}", &out);
    json_t *created = t_take(out);
    T_CHECK(st == IVS_OK);
    json_t *stage = json_object_get(created, "stage");
    const char *stage_arn = json_string_value(json_object_get(stage, "arn"));
    json_t *endpoints = json_object_get(stage, "endpoints");

    if (key_arn && stage_arn && priv) {
        json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "privateKey", priv, "publicKeyArn", key_arn,
                                "stageArn", stage_arn, "userId", "c-user");
        text = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        st = ivs_participant_token_for_stage(client, text, &out);
        free(text);
        json_t *doc = t_take(out);
        T_CHECK(st == IVS_OK);
        const char *token = json_string_value(json_object_get(json_object_get(doc, "participantToken"), "token"));
        json_t *claims = token ? t_verify(token, pub) : NULL;
        T_CHECK(claims != NULL);
        T_CHECK(json_equal(json_object_get(claims, "events_url"), json_object_get(endpoints, "events")));
        T_CHECK(json_equal(json_object_get(claims, "whip_url"), json_object_get(endpoints, "whip")));
        T_CHECK(strcmp(json_string_value(json_object_get(claims, "resource")) ?: "", stage_arn) == 0);
        json_decref(claims);
        json_decref(doc);

        /* A stage that does not exist: GetStage's error comes back. */
        req = json_pack("{s:s, s:s, s:s}", "privateKey", priv, "publicKeyArn", key_arn,
                        "stageArn", "arn:aws:ivs:us-west-2:123456789012:stage/missing");
        text = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        st = ivs_participant_token_for_stage(client, text, &out);
        free(text);
        doc = t_take(out);
        T_CHECK(st == IVS_E_SERVICE);
        T_CHECK(strcmp(json_string_value(json_object_get(json_object_get(doc, "error"), "code")) ?: "",
                       "ResourceNotFoundException") == 0);
        json_decref(doc);
    }
    json_decref(created);
    json_decref(imported);
    json_decref(kp);
    ivs_client_free(client);
}

int main(void) {
    ivs_status st;
    char *out = NULL;

    /* Key pair. */
    T_CHECK(ivs_keypair_generate(&out) == IVS_OK);
    json_t *kp = t_take(out);
    const char *priv = json_string_value(json_object_get(kp, "privateKey"));
    const char *pub = json_string_value(json_object_get(kp, "publicKey"));
    T_CHECK(priv && strncmp(priv, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
    T_CHECK(pub && strncmp(pub, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);
    if (!priv || !pub) { json_decref(kp); printf("FAIL no key pair\n"); return 1; }

    /* A playback token verifies and carries its claims; the signature is raw r || s. */
    json_t *doc = t_playback(priv, json_pack("{s:s, s:s}", "viewerId", "viewer-1",
                                             "playbackUrl", "https://p.example/x.m3u8"), &st);
    T_CHECK(st == IVS_OK);
    const char *token = json_string_value(json_object_get(doc, "token"));
    const char *url = json_string_value(json_object_get(doc, "playbackUrl"));
    T_CHECK(token && t_raw_signature(token));
    T_CHECK(url && token && strncmp(url, "https://p.example/x.m3u8?token=", 31) == 0 && strcmp(url + 31, token) == 0);
    json_t *claims = token ? t_verify(token, pub) : NULL;
    T_CHECK(claims != NULL);
    long long now = (long long)time(NULL);
    long long exp = (long long)json_integer_value(json_object_get(claims, "exp"));
    T_CHECK(exp > now && exp <= now + 600);
    T_CHECK(strcmp(json_string_value(json_object_get(claims, "aws:channel-arn")) ?: "", CHANNEL_ARN) == 0);
    json_decref(claims);
    json_decref(doc);

    /* Documented limits, both ways. */
    char *s40 = t_repeat("v", 40), *s41 = t_repeat("v", 41);
    T_CHECK(t_accepted(t_playback(priv, json_pack("{s:s}", "viewerId", s40), &st), &st));
    T_CHECK(t_refused(t_playback(priv, json_pack("{s:s}", "viewerId", s41), &st), &st, "viewerId"));
    T_CHECK(t_accepted(t_playback(priv, json_pack("{s:s, s:i}", "viewerId", "v", "expiresIn", 600), &st), &st));
    T_CHECK(t_refused(t_playback(priv, json_pack("{s:s, s:i}", "viewerId", "v", "expiresIn", 601), &st), &st, "expiresIn"));
    T_CHECK(t_accepted(t_playback(priv, json_pack("{s:s, s:i}", "singleUseUuid", "123e4567-e89b-42d3-a456-426614174000",
                                                  "expiresIn", 600), &st), &st));
    T_CHECK(t_refused(t_playback(priv, json_pack("{s:s, s:i}", "singleUseUuid", "123e4567-e89b-42d3-a456-426614174000",
                                                 "expiresIn", 601), &st), &st, "expiresIn"));
    T_CHECK(t_accepted(t_playback(priv, json_pack("{s:s, s:b}", "accessControlAllowOrigin",
                                                  "https://a.x,https://b.x,https://c.x,https://d.x,https://e.x",
                                                  "strictOriginEnforcement", 1), &st), &st));
    T_CHECK(t_refused(t_playback(priv, json_pack("{s:s, s:b}", "accessControlAllowOrigin",
                                                 "https://a.x,https://b.x,https://c.x,https://d.x,https://e.x,https://f.x",
                                                 "strictOriginEnforcement", 1), &st), &st, "accessControlAllowOrigin"));
    T_CHECK(t_refused(t_playback(priv, json_pack("{s:s}", "maximumResolution", "UHD"), &st), &st, "maximumResolution"));

    char *u128 = t_repeat("u", 128), *u129 = t_repeat("u", 129);
    char *a1023 = t_repeat("a", 1023), *a1024 = t_repeat("a", 1024);
    char *p64 = t_repeat("p", 64), *p65 = t_repeat("p", 65);
    T_CHECK(t_accepted(t_participant(priv, json_pack("{s:i}", "duration", 20160), &st), &st));
    T_CHECK(t_refused(t_participant(priv, json_pack("{s:i}", "duration", 20161), &st), &st, "duration"));
    T_CHECK(t_accepted(t_participant(priv, json_pack("{s:s}", "userId", u128), &st), &st));
    T_CHECK(t_refused(t_participant(priv, json_pack("{s:s}", "userId", u129), &st), &st, "userId"));
    T_CHECK(t_accepted(t_participant(priv, json_pack("{s:{s:s}}", "attributes", "k", a1023), &st), &st));
    T_CHECK(t_refused(t_participant(priv, json_pack("{s:{s:s}}", "attributes", "k", a1024), &st), &st, "attributes"));
    T_CHECK(t_accepted(t_participant(priv, json_pack("{s:s}", "participantId", p64), &st), &st));
    T_CHECK(t_refused(t_participant(priv, json_pack("{s:s}", "participantId", p65), &st), &st, "participantId"));
    T_CHECK(t_refused(t_participant(priv, json_pack("{s:[s]}", "capabilities", "ADMIN"), &st), &st, "capabilities[0]"));
    free(s40); free(s41); free(u128); free(u129); free(a1023); free(a1024); free(p64); free(p65);

    /* A participant token: kid, claims, output. */
    doc = t_participant(priv, json_pack("{s:[s]}", "capabilities", "SUBSCRIBE"), &st);
    T_CHECK(st == IVS_OK);
    json_t *pt = json_object_get(doc, "participantToken");
    token = json_string_value(json_object_get(pt, "token"));
    T_CHECK(token && t_raw_signature(token));
    T_CHECK(json_integer_value(json_object_get(pt, "duration")) == 720);
    claims = token ? t_verify(token, pub) : NULL;
    T_CHECK(claims != NULL);
    T_CHECK(json_integer_value(json_object_get(claims, "exp")) - json_integer_value(json_object_get(claims, "iat")) == 720 * 60);
    T_CHECK(json_is_false(json_object_get(json_object_get(claims, "capabilities"), "allow_publish")));
    T_CHECK(json_is_true(json_object_get(json_object_get(claims, "capabilities"), "allow_subscribe")));
    T_CHECK(strcmp(json_string_value(json_object_get(claims, "topic")) ?: "", "Stage123") == 0);
    T_CHECK(strcmp(json_string_value(json_object_get(claims, "jti")) ?: "",
                   json_string_value(json_object_get(pt, "participantId")) ?: "-") == 0);
    json_decref(claims);

    /* Verification refuses a tampered token and a token checked with another key. */
    if (token) {
        char *bad = strdup(token);
        char *dot = strchr(bad, '.');
        dot[1] = dot[1] == 'e' ? 'f' : 'e';
        T_CHECK(t_verify(bad, pub) == NULL);
        free(bad);
        T_CHECK(ivs_keypair_generate(&out) == IVS_OK);
        json_t *other = t_take(out);
        T_CHECK(t_verify(token, json_string_value(json_object_get(other, "publicKey"))) == NULL);
        json_decref(other);
    }
    json_decref(doc);

    /* Bad keys: a public key where the private one is needed; the error names the problem, not the key. */
    doc = t_playback(pub, NULL, &st);
    char *text = doc ? json_dumps(doc, 0) : NULL;
    T_CHECK(t_refused(json_incref(doc), &st, "privateKey"));
    T_CHECK(text && strstr(text, pub + 27) == NULL && strstr(text, "MHYw") == NULL);
    free(text);
    json_decref(doc);
    T_CHECK(t_refused(t_playback("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", NULL, &st), &st, "privateKey"));

    /* NULL and malformed arguments: a status, an error JSON, no crash. */
    out = (char *)0x1;
    T_CHECK(ivs_playback_token(NULL, &out) == IVS_E_INVALID_ARGUMENT && out != NULL);
    ivs_free(out);
    out = (char *)0x1;
    T_CHECK(ivs_participant_token("{not json", &out) == IVS_E_INVALID_ARGUMENT && out != NULL);
    ivs_free(out);
    out = (char *)0x1;
    T_CHECK(ivs_token_verify(NULL, pub, &out) == IVS_E_INVALID_ARGUMENT && out != NULL);
    ivs_free(out);
    out = (char *)0x1;
    T_CHECK(ivs_participant_token_for_stage(NULL, "{}", &out) == IVS_E_INVALID_ARGUMENT && out != NULL);
    ivs_free(out);
    T_CHECK(ivs_keypair_generate(NULL) == IVS_E_INVALID_ARGUMENT);
    T_CHECK(ivs_token_verify("a.b.c", pub, NULL) == IVS_E_INVALID_ARGUMENT);

    const char *local = getenv("IVS_LOCAL_URL");
    if (local && *local) t_round_trip(local);
    else printf("skip round trip (IVS_LOCAL_URL unset)\n");

    json_decref(kp);
    printf("%s: %d checks, %d failed\n", t_failures ? "FAIL" : "ok", t_checks, t_failures);
    return t_failures ? 1 : 0;
}
