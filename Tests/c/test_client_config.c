/*
 * ivs_client_config: what a client resolved, as bindings read it (region, endpoints and their sources,
 * retries, bounds, credential sources), never a secret; NULL-safe.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static json_t *config_of(ivs_client *c) {
    char *out = NULL;
    ivs_status st = ivs_client_config(c, &out);
    CHECKF(st == IVS_OK, "ivs_client_config = %d: %s", st, out ? out : "(null)");
    json_t *doc = json_loads(out ? out : "", JSON_REJECT_DUPLICATES, NULL);
    CHECK(doc != NULL);
    CHECKF(out && !strstr(out, "SECRET"), "no secret in %s", out ? out : "");
    ivs_free(out);
    return doc;
}

static ivs_client *make(const char *config) {
    ivs_client *c = NULL;
    char *err = NULL;
    ivs_status st = ivs_client_new(config, &c, &err);
    CHECKF(st == IVS_OK, "ivs_client_new(%s) = %d: %s", config, st, err ? err : "");
    ivs_free(err);
    REQUIRE(c != NULL);
    return c;
}

static void explicit_settings(void) {
    char config[1024];
    snprintf(config, sizeof config,
             "{\"region\": \"eu-west-1\", \"endpointUrls\": {\"ivschat\": \"%s\"}, \"retryMode\": \"adaptive\", "
             "\"maxAttempts\": 5, \"proxy\": \"http://user:PROXY-SECRET@127.0.0.1:9\", \"requestTimeoutMs\": 1234, "
             "\"maxPages\": 7, \"credentials\": {\"accessKeyId\": \"test\", \"secretAccessKey\": \"test\", "
             "\"sessionToken\": \"TOKEN-SECRET\"}}", h_url());
    ivs_client *c = make(config);
    json_t *d = config_of(c);
    CHECK_STREQ(h_str(d, "region"), "eu-west-1");
    CHECK_STREQ(h_str(d, "profile"), "default");
    CHECK_STREQ(h_str(d, "endpoints.ivschat"), h_url());
    CHECK_STREQ(h_str(d, "endpointSources.ivschat"), "endpointUrls.ivschat");
    CHECK_STREQ(h_str(d, "endpoints.ivs"), "https://ivs.eu-west-1.amazonaws.com");
    CHECK_STREQ(h_str(d, "endpoints.ivs-realtime"), "https://ivsrealtime.eu-west-1.amazonaws.com");
    CHECK_STREQ(h_str(d, "endpointSources.ivs"), "the ivs endpoint rule set");
    CHECK_STREQ(h_str(d, "retryMode"), "adaptive");
    CHECK(h_int(d, "maxAttempts") == 5);
    CHECK(h_int(d, "requestTimeoutMs") == 1234);
    CHECK(h_int(d, "connectTimeoutMs") == 10000);
    CHECK(h_int(d, "maxPages") == 7);
    CHECK(h_int(d, "maxResponseBytes") == 16777216);
    CHECK_STREQ(h_str(d, "proxy"), "http://***@127.0.0.1:9");
    CHECK(json_is_false(h_get(d, "useFipsEndpoint")));
    CHECK(json_is_null(h_get(d, "credentials.source")));
    CHECK_STREQ(h_str(d, "credentials.providers.0"), "config");
    CHECK(strncmp(h_str(d, "userAgent"), "libivs/", 7) == 0);
    json_decref(d);
    ivs_client_free(c);
}

static void resolved_from_the_environment(void) {
    setenv("AWS_REGION", "us-west-2", 1);
    setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
    setenv("AWS_RETRY_MODE", "off", 1);
    ivs_client *c = make("{}");
    json_t *d = config_of(c);
    CHECK_STREQ(h_str(d, "region"), "us-west-2");
    CHECK(json_is_true(h_get(d, "useFipsEndpoint")));
    CHECK_STREQ(h_str(d, "endpoints.ivs"), "https://ivs-fips.us-west-2.amazonaws.com");
    CHECK_STREQ(h_str(d, "retryMode"), "off");
    CHECK(h_int(d, "maxAttempts") == 1);
    json_decref(d);
    ivs_client_free(c);
    unsetenv("AWS_REGION");
    unsetenv("AWS_USE_FIPS_ENDPOINT");
    unsetenv("AWS_RETRY_MODE");
}

static void credential_source_after_a_call(void) {
    ivs_client *c = h_client(NULL);
    json_t *d = config_of(c);
    CHECK(json_is_null(h_get(d, "credentials.source")));
    json_decref(d);
    json_decref(CALL_OK(c, "ivs", "ListChannels", json_pack("{}")));
    d = config_of(c);
    CHECK_STREQ(h_str(d, "credentials.source"), "config");
    json_decref(d);
    ivs_client_free(c);
}

static void credentials_of_a_client(void) {
    ivs_client *c = make("{\"region\": \"us-west-2\", \"credentials\": {\"accessKeyId\": \"AKIDCRED\", "
                         "\"secretAccessKey\": \"the-secret\", \"sessionToken\": \"the-token\"}}");
    char *out = NULL;
    CHECK(ivs_client_credentials(c, &out) == IVS_OK);
    json_t *d = json_loads(out ? out : "", 0, NULL);
    CHECK_STREQ(h_str(d, "accessKeyId"), "AKIDCRED");
    CHECK_STREQ(h_str(d, "secretAccessKey"), "the-secret");
    CHECK_STREQ(h_str(d, "sessionToken"), "the-token");
    CHECK(json_is_null(h_get(d, "expiration")));
    CHECK_STREQ(h_str(d, "source"), "config");
    json_decref(d);
    ivs_free(out);
    ivs_client_free(c);

    /* no credentials anywhere: the chain's error, with no secret in it */
    c = make("{\"region\": \"us-west-2\"}");
    CHECK(ivs_client_credentials(c, &out) == IVS_E_CREDENTIALS);
    CHECK_ERROR_TEXT(out, IVS_E_CREDENTIALS, NULL);
    out = (char *)"unchanged";
    CHECK(ivs_client_credentials(NULL, &out) == IVS_E_INVALID_ARGUMENT);
    CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    CHECK(ivs_client_credentials(c, NULL) == IVS_E_INVALID_ARGUMENT);
    ivs_client_free(c);
}

static void partitions_in_the_description(void) {
    char *d = ivs_describe(NULL);
    json_t *j = json_loads(d ? d : "", 0, NULL);
    CHECK(h_len(j, "partitions.aws.regions") > 10);
    CHECK(h_len(j, "partitions.aws-cn.regions") >= 2);
    CHECK_STREQ(h_str(j, "partitions.aws.dnsSuffix"), "amazonaws.com");
    json_decref(j);
    ivs_free(d);
    d = ivs_describe("ivs");
    j = json_loads(d ? d : "", 0, NULL);
    CHECK(h_get(j, "partitions") == NULL);
    json_decref(j);
    ivs_free(d);
}

static void null_arguments(void) {
    char *out = (char *)"unchanged";
    CHECK(ivs_client_config(NULL, &out) == IVS_E_INVALID_ARGUMENT);
    CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    ivs_client *c = h_client(NULL);
    CHECK(ivs_client_config(c, NULL) == IVS_E_INVALID_ARGUMENT);
    ivs_client_free(c);
}

int main(void) {
    h_isolate_environment();
    explicit_settings();
    resolved_from_the_environment();
    credential_source_after_a_call();
    credentials_of_a_client();
    partitions_in_the_description();
    null_arguments();
    return h_finish();
}
