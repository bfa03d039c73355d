/*
 * Amazon IVS (low-latency) through the C ABI against ivs-local: every one of the 46 operations, in
 * the order an application runs them (create, read, list and page, update, tag, delete, not found
 * afterwards), with the live state of streams driven by the ivs-local control API.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define MISSING_CHANNEL "arn:aws:ivs:" REGION ":" ACCOUNT ":channel/missingChan1"
#define MEDIATAILOR "arn:aws:mediatailor:" REGION ":" ACCOUNT ":playbackConfiguration/pc1"

/* P-384 public keys, as ImportPlaybackKeyPair accepts them. */
static const char *PUBLIC_KEY_1 =
    "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEYfHRfExFN7s74NqchDD8npS2KhWlXMYC\n"
    "SDxbUbiklT4RC11pFE8r8i8GNQ0vCjIeNgsRKwSvicKzvloZxKDFvE6OMS5GpXB/\n"
    "V9dkjDo32cK26QmlycXB178xVqxUzBva\n"
    "-----END PUBLIC KEY-----\n";
static const char *PUBLIC_KEY_2 =
    "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEf65uyY0icKrYK5wKRwUsngE9WPE2e0c2\n"
    "uARHH2EYQhrvk+XSZQLQTVUF5UuQLCd2fAkxNMmAgPxeUNZ8qdouG2jLFthZnCgY\n"
    "fMwf27PUOGZ6t0v0FbMfEqj3QdPrsPK4\n"
    "-----END PUBLIC KEY-----\n";

static void channels_and_stream_keys(ivs_client *c) {
    json_t *created = CALL_OK(c, "ivs", "CreateChannel",
                              json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "show", "latencyMode", "NORMAL", "type",
                                        "BASIC", "tags", "team", "a"));
    REQUIRE(created != NULL);
    char arn[256], key_arn[256];
    snprintf(arn, sizeof arn, "%s", h_str(created, "channel.arn"));
    snprintf(key_arn, sizeof key_arn, "%s", h_str(created, "streamKey.arn"));
    CHECK(STARTS_WITH(arn, "arn:aws:ivs:" REGION ":" ACCOUNT ":channel/"));
    CHECK_STREQ(h_str(created, "channel.name"), "show");
    CHECK_STREQ(h_str(created, "channel.tags.team"), "a");
    CHECK(json_is_false(h_get(created, "channel.authorized")));
    CHECK(STARTS_WITH(h_str(created, "streamKey.value"), "sk_" REGION "_"));
    CHECK_STREQ(h_str(created, "streamKey.channelArn"), arn);
    CHECK(h_int(created, "ResponseMetadata.HTTPStatusCode") == 200);
    CHECK(h_int(created, "ResponseMetadata.RetryAttempts") == 0);
    CHECK(strlen(h_str(created, "ResponseMetadata.RequestId")) > 0);

    json_t *got = CALL_OK(c, "ivs", "GetChannel", json_pack("{s:s}", "arn", arn));
    CHECK(json_equal(h_get(got, "channel"), h_get(created, "channel")));
    json_decref(got);
    json_decref(created);

    json_t *updated = CALL_OK(c, "ivs", "UpdateChannel",
                              json_pack("{s:s, s:s, s:b, s:s}", "arn", arn, "name", "renamed", "authorized", 1,
                                        "type", "ADVANCED_HD"));
    CHECK_STREQ(h_str(updated, "channel.name"), "renamed");
    CHECK(json_is_true(h_get(updated, "channel.authorized")));
    CHECK_STREQ(h_str(updated, "channel.preset"), "HIGHER_BANDWIDTH_DELIVERY");
    json_decref(updated);

    /* tags: ARNs go into the URI path, percent-encoded by libivs */
    CALL_DROP(c, "ivs", "TagResource", json_pack("{s:s, s:{s:s, s:s}}", "resourceArn", arn, "tags", "env", "test",
                                                 "team", "b"));
    json_t *tags = CALL_OK(c, "ivs", "ListTagsForResource", json_pack("{s:s}", "resourceArn", arn));
    CHECK_STREQ(h_str(tags, "tags.env"), "test");
    CHECK_STREQ(h_str(tags, "tags.team"), "b");
    json_decref(tags);
    CALL_DROP(c, "ivs", "UntagResource", json_pack("{s:s, s:[s]}", "resourceArn", arn, "tagKeys", "team"));
    tags = CALL_OK(c, "ivs", "ListTagsForResource", json_pack("{s:s}", "resourceArn", arn));
    CHECK(json_object_size(h_get(tags, "tags")) == 1 && h_get(tags, "tags.team") == NULL);
    json_decref(tags);

    /* one stream key per channel: rotate it */
    EXPECT_SERVICE_ERROR(c, "ivs", "CreateStreamKey", json_pack("{s:s}", "channelArn", arn),
                         "ServiceQuotaExceededException");
    json_t *keys = CALL_OK(c, "ivs", "ListStreamKeys", json_pack("{s:s}", "channelArn", arn));
    CHECK(h_len(keys, "streamKeys") == 1);
    CHECK_STREQ(h_str(keys, "streamKeys.0.arn"), key_arn);
    CHECK(h_get(keys, "streamKeys.0.value") == NULL);
    json_decref(keys);
    CALL_DROP(c, "ivs", "DeleteStreamKey", json_pack("{s:s}", "arn", key_arn));
    EXPECT_SERVICE_ERROR(c, "ivs", "GetStreamKey", json_pack("{s:s}", "arn", key_arn), "ResourceNotFoundException");
    json_t *key = CALL_OK(c, "ivs", "CreateStreamKey",
                          json_pack("{s:s, s:{s:s}}", "channelArn", arn, "tags", "rotated", "yes"));
    char new_key[256];
    snprintf(new_key, sizeof new_key, "%s", h_str(key, "streamKey.arn"));
    json_t *got_key = CALL_OK(c, "ivs", "GetStreamKey", json_pack("{s:s}", "arn", new_key));
    CHECK(json_equal(h_get(got_key, "streamKey"), h_get(key, "streamKey")));
    json_decref(got_key);
    json_decref(key);
    json_t *batch = CALL_OK(c, "ivs", "BatchGetStreamKey", json_pack("{s:[s, s]}", "arns", new_key, key_arn));
    CHECK(h_len(batch, "streamKeys") == 1 && h_len(batch, "errors") == 1);
    CHECK_STREQ(h_str(batch, "errors.0.arn"), key_arn);
    json_decref(batch);

    /* BatchGetChannel reports the missing one */
    batch = CALL_OK(c, "ivs", "BatchGetChannel", json_pack("{s:[s, s]}", "arns", arn, MISSING_CHANNEL));
    CHECK(h_len(batch, "channels") == 1 && h_len(batch, "errors") == 1);
    CHECK_STREQ(h_str(batch, "errors.0.code"), "ResourceNotFoundException");
    json_decref(batch);

    CALL_DROP(c, "ivs", "DeleteChannel", json_pack("{s:s}", "arn", arn));
    EXPECT_SERVICE_ERROR(c, "ivs", "GetChannel", json_pack("{s:s}", "arn", arn), "ResourceNotFoundException");
    EXPECT_SERVICE_ERROR(c, "ivs", "GetStreamKey", json_pack("{s:s}", "arn", new_key), "ResourceNotFoundException");
    EXPECT_SERVICE_ERROR(c, "ivs", "ListTagsForResource", json_pack("{s:s}", "resourceArn", arn),
                         "ResourceNotFoundException");
}

static void list_channels_pages(ivs_client *c) {
    h_reset();
    char arns[5][256];
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "ch%d", i % 2);
        json_t *ch = CALL_OK(c, "ivs", "CreateChannel", json_pack("{s:s}", "name", name));
        snprintf(arns[i], sizeof arns[i], "%s", h_str(ch, "channel.arn"));
        json_decref(ch);
    }
    /* by hand, following nextToken */
    int seen = 0;
    char token[2048] = "";
    do {
        json_t *in = json_pack("{s:i}", "maxResults", 2);
        if (*token) json_object_set_new(in, "nextToken", json_string(token));
        json_t *page = CALL_OK(c, "ivs", "ListChannels", in);
        REQUIRE(page != NULL);
        CHECK(h_len(page, "channels") <= 2);
        size_t i;
        json_t *item;
        json_array_foreach(h_get(page, "channels"), i, item) {
            const char *a = json_string_value(json_object_get(item, "arn"));
            CHECKF(seen < 5 && a && strcmp(a, arns[seen]) == 0, "page item %d in creation order", seen);
            seen++;
        }
        const char *next = json_string_value(h_get(page, "nextToken"));
        snprintf(token, sizeof token, "%s", next ? next : "");
        json_decref(page);
    } while (*token && seen < 10);
    CHECK(seen == 5);

    /* ivs_paginate joins the pages */
    char *out = NULL;
    ivs_status st = ivs_paginate(c, "ivs", "ListChannels", "{\"maxResults\": 2}", &out);
    CHECK(st == IVS_OK);
    json_t *all = json_loads(out ? out : "", 0, NULL);
    CHECK(h_len(all, "channels") == 5 && h_get(all, "nextToken") == NULL);
    json_decref(all);
    ivs_free(out);

    json_t *filtered = CALL_OK(c, "ivs", "ListChannels", json_pack("{s:s}", "filterByName", "ch0"));
    CHECK(h_len(filtered, "channels") == 3);
    json_decref(filtered);
}

static void playback_key_pairs(ivs_client *c) {
    json_t *kp = CALL_OK(c, "ivs", "ImportPlaybackKeyPair",
                         json_pack("{s:s, s:s, s:{s:s}}", "publicKeyMaterial", PUBLIC_KEY_1, "name", "signer", "tags",
                                   "a", "1"));
    char arn[256];
    snprintf(arn, sizeof arn, "%s", h_str(kp, "keyPair.arn"));
    CHECK(strlen(h_str(kp, "keyPair.fingerprint")) == 95); /* 32 hex bytes, colon-separated */
    json_t *got = CALL_OK(c, "ivs", "GetPlaybackKeyPair", json_pack("{s:s}", "arn", arn));
    CHECK(json_equal(h_get(got, "keyPair"), h_get(kp, "keyPair")));
    json_decref(got);
    json_decref(kp);
    EXPECT_SERVICE_ERROR(c, "ivs", "ImportPlaybackKeyPair", json_pack("{s:s}", "publicKeyMaterial", PUBLIC_KEY_1),
                         "ConflictException");
    CALL_DROP(c, "ivs", "ImportPlaybackKeyPair", json_pack("{s:s}", "publicKeyMaterial", PUBLIC_KEY_2));
    json_t *listed = CALL_OK(c, "ivs", "ListPlaybackKeyPairs", json_pack("{s:i}", "maxResults", 1));
    CHECK(h_len(listed, "keyPairs") == 1 && json_is_string(h_get(listed, "nextToken")));
    json_decref(listed);
    CALL_DROP(c, "ivs", "DeletePlaybackKeyPair", json_pack("{s:s}", "arn", arn));
    EXPECT_SERVICE_ERROR(c, "ivs", "GetPlaybackKeyPair", json_pack("{s:s}", "arn", arn), "ResourceNotFoundException");
}

static void recording_policies_ads(ivs_client *c) {
    /* recording configuration, used by a channel */
    json_t *rc = CALL_OK(c, "ivs", "CreateRecordingConfiguration",
                         json_pack("{s:s, s:{s:{s:s}}, s:i}", "name", "rec", "destinationConfiguration", "s3",
                                   "bucketName", "my-bucket", "recordingReconnectWindowSeconds", 30));
    char rc_arn[256];
    snprintf(rc_arn, sizeof rc_arn, "%s", h_str(rc, "recordingConfiguration.arn"));
    CHECK_STREQ(h_str(rc, "recordingConfiguration.state"), "ACTIVE");
    json_decref(rc);
    rc = CALL_OK(c, "ivs", "GetRecordingConfiguration", json_pack("{s:s}", "arn", rc_arn));
    CHECK(h_int(rc, "recordingConfiguration.recordingReconnectWindowSeconds") == 30);
    json_decref(rc);
    json_t *listed = CALL_OK(c, "ivs", "ListRecordingConfigurations", json_pack("{}"));
    CHECK(h_array_has(listed, "recordingConfigurations", "arn", rc_arn));
    json_decref(listed);

    /* playback restriction policy */
    json_t *pol = CALL_OK(c, "ivs", "CreatePlaybackRestrictionPolicy",
                          json_pack("{s:[s, s], s:[s], s:s}", "allowedCountries", "US", "CA", "allowedOrigins",
                                    "https://a.example", "name", "p"));
    char pol_arn[256];
    snprintf(pol_arn, sizeof pol_arn, "%s", h_str(pol, "playbackRestrictionPolicy.arn"));
    json_decref(pol);
    pol = CALL_OK(c, "ivs", "UpdatePlaybackRestrictionPolicy",
                  json_pack("{s:s, s:b, s:[s]}", "arn", pol_arn, "enableStrictOriginEnforcement", 1,
                            "allowedCountries", "DE"));
    CHECK_STREQ(h_str(pol, "playbackRestrictionPolicy.allowedCountries.0"), "DE");
    CHECK(json_is_true(h_get(pol, "playbackRestrictionPolicy.enableStrictOriginEnforcement")));
    json_decref(pol);
    pol = CALL_OK(c, "ivs", "GetPlaybackRestrictionPolicy", json_pack("{s:s}", "arn", pol_arn));
    CHECK_STREQ(h_str(pol, "playbackRestrictionPolicy.allowedOrigins.0"), "https://a.example");
    json_decref(pol);
    listed = CALL_OK(c, "ivs", "ListPlaybackRestrictionPolicies", json_pack("{}"));
    CHECK(h_array_has(listed, "playbackRestrictionPolicies", "arn", pol_arn));
    json_decref(listed);

    /* ad configuration */
    json_t *ad = CALL_OK(c, "ivs", "CreateAdConfiguration",
                         json_pack("{s:s, s:[{s:s}]}", "name", "ads", "mediaTailorPlaybackConfigurations",
                                   "playbackConfigurationArn", MEDIATAILOR));
    char ad_arn[256];
    snprintf(ad_arn, sizeof ad_arn, "%s", h_str(ad, "adConfiguration.arn"));
    json_decref(ad);
    ad = CALL_OK(c, "ivs", "GetAdConfiguration", json_pack("{s:s}", "arn", ad_arn));
    CHECK_STREQ(h_str(ad, "adConfiguration.mediaTailorPlaybackConfigurations.0.playbackConfigurationArn"), MEDIATAILOR);
    CHECK(json_is_false(h_get(ad, "adConfiguration.postRollConfiguration.enabled"))); /* the default: off, 15 s */
    CHECK(h_int(ad, "adConfiguration.postRollConfiguration.durationSeconds") == 15);
    json_decref(ad);
    ad = CALL_OK(c, "ivs", "UpdateAdConfiguration",
                 json_pack("{s:s, s:s, s:{s:b, s:i}}", "arn", ad_arn, "name", "ads-2", "postRollConfiguration",
                           "enabled", 1, "durationSeconds", 20));
    CHECK_STREQ(h_str(ad, "adConfiguration.name"), "ads-2");
    CHECK(json_is_true(h_get(ad, "adConfiguration.postRollConfiguration.enabled")));
    CHECK(h_int(ad, "adConfiguration.postRollConfiguration.durationSeconds") == 20);
    CHECK_STREQ(h_str(ad, "adConfiguration.mediaTailorPlaybackConfigurations.0.playbackConfigurationArn"), MEDIATAILOR);
    json_decref(ad);
    EXPECT_SERVICE_ERROR(c, "ivs", "UpdateAdConfiguration",
                         json_pack("{s:s, s:s}", "arn", "arn:aws:ivs:" REGION ":" ACCOUNT ":ad-configuration/missingAd123",
                                   "name", "x"),
                         "ResourceNotFoundException");
    EXPECT_ERROR(c, "ivs", "UpdateAdConfiguration",
                 json_pack("{s:s, s:{s:b, s:i}}", "arn", ad_arn, "postRollConfiguration", "enabled", 1,
                           "durationSeconds", 301),
                 IVS_E_VALIDATION, "ParamValidationError");
    listed = CALL_OK(c, "ivs", "ListAdConfigurations", json_pack("{}"));
    CHECK(h_len(listed, "adConfigurations") == 1);
    json_decref(listed);

    /* a channel using all three: they cannot be deleted while in use */
    json_t *ch = CALL_OK(c, "ivs", "CreateChannel",
                         json_pack("{s:s, s:s, s:s}", "recordingConfigurationArn", rc_arn,
                                   "playbackRestrictionPolicyArn", pol_arn, "adConfigurationArn", ad_arn));
    char ch_arn[256];
    snprintf(ch_arn, sizeof ch_arn, "%s", h_str(ch, "channel.arn"));
    json_decref(ch);
    EXPECT_SERVICE_ERROR(c, "ivs", "DeleteRecordingConfiguration", json_pack("{s:s}", "arn", rc_arn), "ConflictException");
    EXPECT_SERVICE_ERROR(c, "ivs", "DeletePlaybackRestrictionPolicy", json_pack("{s:s}", "arn", pol_arn),
                         "ConflictException");
    EXPECT_SERVICE_ERROR(c, "ivs", "DeleteAdConfiguration", json_pack("{s:s}", "arn", ad_arn), "ConflictException");

    /* a live stream on that channel (driven through the control API) */
    EXPECT_SERVICE_ERROR(c, "ivs", "GetStream", json_pack("{s:s}", "channelArn", ch_arn), "ChannelNotBroadcasting");
    json_t *started = h_control_ok("POST", "streams/start",
                                   json_pack("{s:s, s:i, s:s}", "channelArn", ch_arn, "viewerCount", 42, "health",
                                             "STARVING"));
    char stream_id[64];
    snprintf(stream_id, sizeof stream_id, "%s", h_str(started, "stream.streamId"));
    json_decref(started);
    json_t *stream = CALL_OK(c, "ivs", "GetStream", json_pack("{s:s}", "channelArn", ch_arn));
    CHECK_STREQ(h_str(stream, "stream.state"), "LIVE");
    CHECK(h_int(stream, "stream.viewerCount") == 42);
    CHECK_STREQ(h_str(stream, "stream.streamId"), stream_id);
    CHECK(strchr(h_str(stream, "stream.startTime"), 'T') != NULL); /* ISO 8601 */
    json_decref(stream);
    json_t *streams = CALL_OK(c, "ivs", "ListStreams", json_pack("{s:{s:s}}", "filterBy", "health", "STARVING"));
    CHECK(h_len(streams, "streams") == 1);
    json_decref(streams);
    CALL_DROP(c, "ivs", "PutMetadata", json_pack("{s:s, s:s}", "channelArn", ch_arn, "metadata", "{\"question\": 1}"));
    json_t *adbreak = CALL_OK(c, "ivs", "InsertAdBreak", json_pack("{s:s, s:i}", "channelArn", ch_arn,
                                                                   "durationSeconds", 30));
    CHECK(strlen(h_str(adbreak, "adBreakId")) == 12);
    CHECK(strchr(h_str(adbreak, "targetStartAt"), 'T') != NULL);
    json_decref(adbreak);
    adbreak = CALL_OK(c, "ivs", "InsertAdBreak",
                      json_pack("{s:s, s:i, s:s, s:s}", "channelArn", ch_arn, "durationSeconds", 10, "adBreakId",
                                "myBreak00001", "targetStartAt", "2030-01-02T03:04:05Z"));
    CHECK_STREQ(h_str(adbreak, "adBreakId"), "myBreak00001");
    CHECK(STARTS_WITH(h_str(adbreak, "targetStartAt"), "2030-01-02T03:04:05"));
    json_decref(adbreak);
    EXPECT_SERVICE_ERROR(c, "ivs", "InsertAdBreak",
                         json_pack("{s:s, s:i, s:s}", "channelArn", ch_arn, "durationSeconds", 10, "adBreakId",
                                   "myBreak00001"),
                         "ConflictException");
    json_t *session = CALL_OK(c, "ivs", "GetStreamSession", json_pack("{s:s}", "channelArn", ch_arn));
    CHECK_STREQ(h_str(session, "streamSession.streamId"), stream_id);
    CHECK_STREQ(h_str(session, "streamSession.recordingConfiguration.arn"), rc_arn);
    json_decref(session);
    EXPECT_SERVICE_ERROR(c, "ivs", "DeleteChannel", json_pack("{s:s}", "arn", ch_arn), "ConflictException");
    CALL_DROP(c, "ivs", "StopStream", json_pack("{s:s}", "channelArn", ch_arn));
    EXPECT_SERVICE_ERROR(c, "ivs", "StopStream", json_pack("{s:s}", "channelArn", ch_arn), "ChannelNotBroadcasting");
    json_t *sessions = CALL_OK(c, "ivs", "ListStreamSessions", json_pack("{s:s}", "channelArn", ch_arn));
    CHECK(h_len(sessions, "streamSessions") == 1);
    CHECK(json_is_string(h_get(sessions, "streamSessions.0.endTime")));
    json_decref(sessions);

    /* viewer session revocation on the (authorized) channel */
    CALL_DROP(c, "ivs", "UpdateChannel", json_pack("{s:s, s:b}", "arn", ch_arn, "authorized", 1));
    CALL_DROP(c, "ivs", "StartViewerSessionRevocation",
              json_pack("{s:s, s:s, s:i}", "channelArn", ch_arn, "viewerId", "viewer-1",
                        "viewerSessionVersionsLessThanOrEqualTo", 2));
    json_t *revoked = CALL_OK(c, "ivs", "BatchStartViewerSessionRevocation",
                              json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "viewerSessions", "channelArn", ch_arn,
                                        "viewerId", "viewer-2", "channelArn", MISSING_CHANNEL, "viewerId", "viewer-3"));
    CHECK(h_len(revoked, "errors") == 1);
    CHECK_STREQ(h_str(revoked, "errors.0.viewerId"), "viewer-3");
    json_decref(revoked);
    char route[512];
    snprintf(route, sizeof route, "streams/activity?channelArn=%s", ch_arn);
    json_t *activity = h_control_ok("GET", route, NULL);
    CHECK(h_len(activity, "revocations") == 2);
    CHECK_STREQ(h_str(activity, "metadata.0.metadata"), "{\"question\": 1}");
    json_decref(activity);

    /* clean up in dependency order */
    CALL_DROP(c, "ivs", "DeleteChannel", json_pack("{s:s}", "arn", ch_arn));
    CALL_DROP(c, "ivs", "DeleteRecordingConfiguration", json_pack("{s:s}", "arn", rc_arn));
    CALL_DROP(c, "ivs", "DeletePlaybackRestrictionPolicy", json_pack("{s:s}", "arn", pol_arn));
    CALL_DROP(c, "ivs", "DeleteAdConfiguration", json_pack("{s:s}", "arn", ad_arn));
    EXPECT_SERVICE_ERROR(c, "ivs", "GetRecordingConfiguration", json_pack("{s:s}", "arn", rc_arn),
                         "ResourceNotFoundException");
    EXPECT_SERVICE_ERROR(c, "ivs", "GetAdConfiguration", json_pack("{s:s}", "arn", ad_arn), "ResourceNotFoundException");
}

static void failover_slates(ivs_client *c) {
    h_reset();
    json_t *slate = CALL_OK(c, "ivs", "CreateFailoverSlateConfiguration",
                            json_pack("{s:s, s:i, s:{s:s}}", "name", "slate", "minSlateDisplaySeconds", 5, "tags",
                                      "team", "a"));
    REQUIRE(slate != NULL);
    char arn[256];
    snprintf(arn, sizeof arn, "%s", h_str(slate, "failoverSlateConfiguration.arn"));
    CHECK(STARTS_WITH(arn, "arn:aws:ivs:" REGION ":" ACCOUNT ":failover-slate-configuration/"));
    CHECK_STREQ(h_str(slate, "failoverSlateConfiguration.state"), "CREATED");
    CHECK(h_int(slate, "failoverSlateConfiguration.activationThresholdSeconds") == 3); /* defaults */
    CHECK(h_int(slate, "failoverSlateConfiguration.maxSlateDisplaySeconds") == 60);
    CHECK(h_int(slate, "failoverSlateConfiguration.minSlateDisplaySeconds") == 5);
    CHECK_STREQ(h_str(slate, "failoverSlateConfiguration.tags.team"), "a");
    json_t *got = CALL_OK(c, "ivs", "GetFailoverSlateConfiguration", json_pack("{s:s}", "arn", arn));
    CHECK(json_equal(h_get(got, "failoverSlateConfiguration"), h_get(slate, "failoverSlateConfiguration")));
    json_decref(got);
    json_decref(slate);

    json_t *updated = CALL_OK(c, "ivs", "UpdateFailoverSlateConfiguration",
                              json_pack("{s:s, s:i, s:i}", "arn", arn, "activationThresholdSeconds", 5,
                                        "maxSlateDisplaySeconds", 180));
    CHECK(h_int(updated, "failoverSlateConfiguration.activationThresholdSeconds") == 5);
    CHECK(h_int(updated, "failoverSlateConfiguration.maxSlateDisplaySeconds") == 180);
    CHECK(h_int(updated, "failoverSlateConfiguration.minSlateDisplaySeconds") == 5); /* kept */
    CHECK_STREQ(h_str(updated, "failoverSlateConfiguration.name"), "slate");
    json_decref(updated);
    EXPECT_ERROR(c, "ivs", "UpdateFailoverSlateConfiguration", json_pack("{s:s, s:i}", "arn", arn,
                 "activationThresholdSeconds", 6), IVS_E_VALIDATION, "ParamValidationError");

    /* a second one; the list pages one at a time, and ivs_paginate joins them */
    json_t *second = CALL_OK(c, "ivs", "CreateFailoverSlateConfiguration", json_pack("{}"));
    char arn2[256];
    snprintf(arn2, sizeof arn2, "%s", h_str(second, "failoverSlateConfiguration.arn"));
    json_decref(second);
    json_t *page = CALL_OK(c, "ivs", "ListFailoverSlateConfigurations", json_pack("{s:i}", "maxResults", 1));
    CHECK(h_len(page, "failoverSlateConfigurations") == 1 && json_is_string(h_get(page, "nextToken")));
    CHECK_STREQ(h_str(page, "failoverSlateConfigurations.0.arn"), arn);
    json_decref(page);
    char *out = NULL;
    CHECK(ivs_paginate(c, "ivs", "ListFailoverSlateConfigurations", "{\"maxResults\": 1}", &out) == IVS_OK);
    json_t *all = json_loads(out ? out : "", 0, NULL);
    CHECK(h_len(all, "failoverSlateConfigurations") == 2);
    CHECK(h_array_has(all, "failoverSlateConfigurations", "arn", arn2));
    json_decref(all);
    ivs_free(out);

    /* a channel with the slate: found by the filter, keeps it from being deleted, and its stream session
     * reports the slate as it was when the channel went live */
    json_t *ch = CALL_OK(c, "ivs", "CreateChannel", json_pack("{s:s}", "failoverSlateConfigurationArn", arn));
    char ch_arn[256];
    snprintf(ch_arn, sizeof ch_arn, "%s", h_str(ch, "channel.arn"));
    CHECK_STREQ(h_str(ch, "channel.failoverSlateConfigurationArn"), arn);
    json_decref(ch);
    json_t *filtered = CALL_OK(c, "ivs", "ListChannels", json_pack("{s:s}", "filterByFailoverSlateConfigurationArn", arn));
    CHECK(h_len(filtered, "channels") == 1);
    CHECK_STREQ(h_str(filtered, "channels.0.arn"), ch_arn);
    json_decref(filtered);
    EXPECT_SERVICE_ERROR(c, "ivs", "DeleteFailoverSlateConfiguration", json_pack("{s:s}", "arn", arn),
                         "ConflictException");
    EXPECT_SERVICE_ERROR(c, "ivs", "CreateChannel",
                         json_pack("{s:s}", "failoverSlateConfigurationArn",
                                   "arn:aws:ivs:" REGION ":" ACCOUNT ":failover-slate-configuration/missingSlat1"),
                         "ResourceNotFoundException");
    json_decref(h_control_ok("POST", "streams/start", json_pack("{s:s}", "channelArn", ch_arn)));
    CALL_DROP(c, "ivs", "UpdateFailoverSlateConfiguration", json_pack("{s:s, s:s}", "arn", arn, "name", "later"));
    json_t *session = CALL_OK(c, "ivs", "GetStreamSession", json_pack("{s:s}", "channelArn", ch_arn));
    CHECK_STREQ(h_str(session, "streamSession.failoverSlateConfiguration.arn"), arn);
    CHECK_STREQ(h_str(session, "streamSession.failoverSlateConfiguration.name"), "slate");
    json_decref(session);
    CALL_DROP(c, "ivs", "StopStream", json_pack("{s:s}", "channelArn", ch_arn));

    CALL_DROP(c, "ivs", "DeleteChannel", json_pack("{s:s}", "arn", ch_arn));
    CALL_DROP(c, "ivs", "DeleteFailoverSlateConfiguration", json_pack("{s:s}", "arn", arn));
    EXPECT_SERVICE_ERROR(c, "ivs", "GetFailoverSlateConfiguration", json_pack("{s:s}", "arn", arn),
                         "ResourceNotFoundException");
    EXPECT_SERVICE_ERROR(c, "ivs", "UpdateFailoverSlateConfiguration", json_pack("{s:s, s:s}", "arn", arn, "name", "x"),
                         "ResourceNotFoundException");
    EXPECT_SERVICE_ERROR(c, "ivs", "ListTagsForResource", json_pack("{s:s}", "resourceArn", arn),
                         "ResourceNotFoundException");
}

int main(void) {
    ivs_client *c = h_client(NULL);
    channels_and_stream_keys(c);
    list_channels_pages(c);
    playback_key_pairs(c);
    recording_policies_ads(c);
    failover_slates(c);
    h_check_coverage("ivs");
    ivs_client_free(c);
    return h_finish();
}
