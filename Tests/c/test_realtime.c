/*
 * IVS Real-Time through the C ABI against ivs-local: every one of the 40 operations, in the order an
 * application runs them: stages and participant tokens, a session with participants joining (driven
 * by the ivs-local control API), connection-token revocation, replication, encoder and storage
 * configurations, compositions, public keys, ingest configurations and tags.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define RT "ivs-realtime"

static const char *PUBLIC_KEY =
    "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEYfHRfExFN7s74NqchDD8npS2KhWlXMYC\n"
    "SDxbUbiklT4RC11pFE8r8i8GNQ0vCjIeNgsRKwSvicKzvloZxKDFvE6OMS5GpXB/\n"
    "V9dkjDo32cK26QmlycXB178xVqxUzBva\n"
    "-----END PUBLIC KEY-----\n";

#define COPY(dst, doc, path) snprintf((dst), sizeof(dst), "%s", h_str((doc), (path)))

static void stages_sessions_participants(ivs_client *c) {
    json_t *created = CALL_OK(c, RT, "CreateStage",
                              json_pack("{s:s, s:{s:s}, s:[{s:s, s:{s:s}}]}", "name", "studio-1", "tags", "team",
                                        "video", "participantTokenConfigurations", "userId", "host", "attributes",
                                        "role", "host"));
    REQUIRE(created != NULL);
    char stage[256], host_pid[64];
    COPY(stage, created, "stage.arn");
    COPY(host_pid, created, "participantTokens.0.participantId");
    CHECK(STARTS_WITH(stage, "arn:aws:ivs:" REGION ":" ACCOUNT ":stage/"));
    CHECK(STARTS_WITH(h_str(created, "stage.endpoints.whip"), "https://"));
    CHECK_STREQ(h_str(created, "participantTokens.0.userId"), "host");
    CHECK(strlen(h_str(created, "participantTokens.0.token")) > 0);
    json_t *got = CALL_OK(c, RT, "GetStage", json_pack("{s:s}", "arn", stage));
    CHECK(json_equal(h_get(got, "stage"), h_get(created, "stage")));
    json_decref(got);
    json_decref(created);

    json_t *tok = CALL_OK(c, RT, "CreateParticipantToken",
                          json_pack("{s:s, s:s, s:i, s:{s:s}, s:[s]}", "stageArn", stage, "userId", "carol", "duration",
                                    60, "attributes", "seat", "3", "capabilities", "SUBSCRIBE"));
    CHECK_STREQ(h_str(tok, "participantToken.userId"), "carol");
    CHECK(h_int(tok, "participantToken.duration") == 60);
    CHECK(strchr(h_str(tok, "participantToken.expirationTime"), 'T') != NULL);
    json_decref(tok);

    json_t *upd = CALL_OK(c, RT, "UpdateStage", json_pack("{s:s, s:s}", "arn", stage, "name", "studio-renamed"));
    CHECK_STREQ(h_str(upd, "stage.name"), "studio-renamed");
    json_decref(upd);
    json_t *stages = CALL_OK(c, RT, "ListStages", json_pack("{}"));
    CHECK(h_array_has(stages, "stages", "arn", stage));
    json_decref(stages);

    /* two participants join (control API): one session */
    json_t *host = h_control_ok("POST", "stages/participants",
                                json_pack("{s:s, s:s, s:b}", "stageArn", stage, "participantId", host_pid, "published", 1));
    char sid[64];
    COPY(sid, host, "sessionId");
    CHECK_STREQ(h_str(host, "participant.userId"), "host");
    json_decref(host);
    json_t *guest = h_control_ok("POST", "stages/participants", json_pack("{s:s, s:s}", "stageArn", stage, "userId", "guest"));
    char gid[64];
    COPY(gid, guest, "participant.participantId");
    CHECK_STREQ(h_str(guest, "sessionId"), sid);
    json_decref(guest);

    json_t *session = CALL_OK(c, RT, "GetStageSession", json_pack("{s:s, s:s}", "stageArn", stage, "sessionId", sid));
    CHECK_STREQ(h_str(session, "stageSession.sessionId"), sid);
    CHECK(h_get(session, "stageSession.endTime") == NULL);
    json_decref(session);
    json_t *sessions = CALL_OK(c, RT, "ListStageSessions", json_pack("{s:s}", "stageArn", stage));
    CHECK(h_len(sessions, "stageSessions") == 1);
    json_decref(sessions);
    json_t *p = CALL_OK(c, RT, "GetParticipant",
                        json_pack("{s:s, s:s, s:s}", "stageArn", stage, "sessionId", sid, "participantId", host_pid));
    CHECK_STREQ(h_str(p, "participant.state"), "CONNECTED");
    CHECK(json_is_true(h_get(p, "participant.published")));
    json_decref(p);
    json_t *everyone = CALL_OK(c, RT, "ListParticipants", json_pack("{s:s, s:s}", "stageArn", stage, "sessionId", sid));
    CHECK(h_len(everyone, "participants") == 2);
    json_decref(everyone);
    json_t *guests = CALL_OK(c, RT, "ListParticipants",
                             json_pack("{s:s, s:s, s:s}", "stageArn", stage, "sessionId", sid, "filterByUserId", "guest"));
    CHECK(h_len(guests, "participants") == 1);
    CHECK_STREQ(h_str(guests, "participants.0.participantId"), gid);
    json_decref(guests);
    json_t *events = CALL_OK(c, RT, "ListParticipantEvents",
                             json_pack("{s:s, s:s, s:s}", "stageArn", stage, "sessionId", sid, "participantId", host_pid));
    CHECK_STREQ(h_str(events, "events.0.name"), "JOINED");
    CHECK_STREQ(h_str(events, "events.1.name"), "PUBLISH_STARTED");
    json_decref(events);

    /* replicate the host into a second stage */
    json_t *dst_doc = CALL_OK(c, RT, "CreateStage", json_pack("{s:s}", "name", "dst"));
    char dst[256];
    COPY(dst, dst_doc, "stage.arn");
    json_decref(dst_doc);
    CALL_DROP(c, RT, "StartParticipantReplication",
              json_pack("{s:s, s:s, s:s, s:i}", "sourceStageArn", stage, "destinationStageArn", dst, "participantId",
                        host_pid, "reconnectWindowSeconds", 30));
    json_t *replicas = CALL_OK(c, RT, "ListParticipantReplicas",
                               json_pack("{s:s, s:s}", "sourceStageArn", stage, "participantId", host_pid));
    CHECK(h_len(replicas, "replicas") == 1);
    CHECK_STREQ(h_str(replicas, "replicas.0.replicationState"), "ACTIVE");
    json_decref(replicas);
    EXPECT_SERVICE_ERROR(c, RT, "StartParticipantReplication",
                         json_pack("{s:s, s:s, s:s}", "sourceStageArn", stage, "destinationStageArn", dst,
                                   "participantId", host_pid),
                         "ConflictException");
    CALL_DROP(c, RT, "StopParticipantReplication",
              json_pack("{s:s, s:s, s:s}", "sourceStageArn", stage, "destinationStageArn", dst, "participantId", host_pid));

    /* the guest is disconnected through the API */
    CALL_DROP(c, RT, "DisconnectParticipant",
              json_pack("{s:s, s:s, s:s}", "stageArn", stage, "participantId", gid, "reason", "bye"));
    p = CALL_OK(c, RT, "GetParticipant", json_pack("{s:s, s:s, s:s}", "stageArn", stage, "sessionId", sid,
                                                   "participantId", gid));
    CHECK_STREQ(h_str(p, "participant.state"), "DISCONNECTED");
    json_decref(p);
    EXPECT_SERVICE_ERROR(c, RT, "DisconnectParticipant",
                         json_pack("{s:s, s:s}", "stageArn", stage, "participantId", "nobody"),
                         "ResourceNotFoundException");

    CALL_DROP(c, RT, "DeleteStage", json_pack("{s:s}", "arn", dst));
    CALL_DROP(c, RT, "DeleteStage", json_pack("{s:s}", "arn", stage));
    EXPECT_SERVICE_ERROR(c, RT, "GetStage", json_pack("{s:s}", "arn", stage), "ResourceNotFoundException");
}

/* A participant on a shared connection (its connection token "conn-7") is disconnected when the token is
 * revoked, and the token can no longer connect; one on another token stays. */
static void connection_tokens(ivs_client *c) {
    json_t *doc = CALL_OK(c, RT, "CreateStage", json_pack("{s:s}", "name", "lobby"));
    char stage[256];
    COPY(stage, doc, "stage.arn");
    json_decref(doc);
    json_t *roamer = h_control_ok("POST", "stages/participants",
                                  json_pack("{s:s, s:s, s:s}", "stageArn", stage, "userId", "roamer",
                                            "connectionTokenId", "conn-7"));
    json_t *stays = h_control_ok("POST", "stages/participants",
                                 json_pack("{s:s, s:s, s:s}", "stageArn", stage, "userId", "stays",
                                           "connectionTokenId", "conn_8"));
    char sid[64], roamer_pid[64], stays_pid[64];
    COPY(sid, roamer, "sessionId");
    COPY(roamer_pid, roamer, "participant.participantId");
    COPY(stays_pid, stays, "participant.participantId");
    json_decref(roamer);
    json_decref(stays);

    json_t *out = CALL_OK(c, RT, "RevokeConnectionToken", json_pack("{s:s}", "tokenId", "conn-7"));
    CHECK(h_int(out, "ResponseMetadata.HTTPStatusCode") == 200);
    CHECK(json_object_size(out) == 1); /* an empty answer: ResponseMetadata only */
    json_decref(out);
    json_t *p = CALL_OK(c, RT, "GetParticipant",
                        json_pack("{s:s, s:s, s:s}", "stageArn", stage, "sessionId", sid, "participantId", roamer_pid));
    CHECK_STREQ(h_str(p, "participant.state"), "DISCONNECTED");
    json_decref(p);
    p = CALL_OK(c, RT, "GetParticipant",
                json_pack("{s:s, s:s, s:s}", "stageArn", stage, "sessionId", sid, "participantId", stays_pid));
    CHECK_STREQ(h_str(p, "participant.state"), "CONNECTED");
    json_decref(p);
    long status = 0;
    json_t *refused = h_control("POST", "stages/participants",
                                json_pack("{s:s, s:s}", "stageArn", stage, "connectionTokenId", "conn-7"), &status);
    CHECK(status == 403);
    CHECK_STREQ(h_str(refused, "code"), "AccessDeniedException");
    json_decref(refused);
    json_t *revoked = h_control_ok("GET", "stages/connection-tokens", NULL);
    CHECK(h_len(revoked, "revoked") == 1);
    CHECK_STREQ(h_str(revoked, "revoked.0"), "conn-7");
    json_decref(revoked);

    /* the model's length and required member, checked by libivs before anything is sent; its pattern, by
     * the service */
    EXPECT_ERROR(c, RT, "RevokeConnectionToken", json_pack("{s:s}", "tokenId", ""), IVS_E_VALIDATION,
                 "ParamValidationError");
    EXPECT_ERROR(c, RT, "RevokeConnectionToken", json_pack("{}"), IVS_E_VALIDATION, "ParamValidationError");
    EXPECT_SERVICE_ERROR(c, RT, "RevokeConnectionToken", json_pack("{s:s}", "tokenId", "not a token id"),
                         "ValidationException");
    CALL_DROP(c, RT, "DeleteStage", json_pack("{s:s}", "arn", stage));
}

static void compositions(ivs_client *c) {
    json_t *doc = CALL_OK(c, RT, "CreateStage", json_pack("{s:s}", "name", "show"));
    char stage[256], enc[256], storage[256], comp[256];
    COPY(stage, doc, "stage.arn");
    json_decref(doc);

    doc = CALL_OK(c, RT, "CreateEncoderConfiguration",
                  json_pack("{s:s, s:{s:i, s:i, s:i, s:i}}", "name", "hd", "video", "width", 1920, "height", 1080,
                            "framerate", 60, "bitrate", 6000000));
    COPY(enc, doc, "encoderConfiguration.arn");
    CHECK(h_int(doc, "encoderConfiguration.video.width") == 1920);
    json_decref(doc);
    doc = CALL_OK(c, RT, "GetEncoderConfiguration", json_pack("{s:s}", "arn", enc));
    CHECK_STREQ(h_str(doc, "encoderConfiguration.name"), "hd");
    json_decref(doc);
    doc = CALL_OK(c, RT, "ListEncoderConfigurations", json_pack("{}"));
    CHECK(h_len(doc, "encoderConfigurations") == 1);
    json_decref(doc);

    doc = CALL_OK(c, RT, "CreateStorageConfiguration",
                  json_pack("{s:s, s:{s:s}}", "name", "archive", "s3", "bucketName", "archive-bucket"));
    COPY(storage, doc, "storageConfiguration.arn");
    json_decref(doc);
    doc = CALL_OK(c, RT, "GetStorageConfiguration", json_pack("{s:s}", "arn", storage));
    CHECK_STREQ(h_str(doc, "storageConfiguration.s3.bucketName"), "archive-bucket");
    json_decref(doc);
    doc = CALL_OK(c, RT, "ListStorageConfigurations", json_pack("{}"));
    CHECK(h_len(doc, "storageConfigurations") == 1);
    json_decref(doc);

    /* idempotencyToken is left out: libivs fills it in, as boto3 does */
    doc = CALL_OK(c, RT, "StartComposition",
                  json_pack("{s:s, s:[{s:s, s:{s:s, s:[s]}}]}", "stageArn", stage, "destinations", "name", "rec", "s3",
                            "storageConfigurationArn", storage, "encoderConfigurationArns", enc));
    COPY(comp, doc, "composition.arn");
    CHECK_STREQ(h_str(doc, "composition.stageArn"), stage);
    json_decref(doc);
    doc = CALL_OK(c, RT, "GetComposition", json_pack("{s:s}", "arn", comp));
    CHECK_STREQ(h_str(doc, "composition.state"), "ACTIVE");
    json_decref(doc);
    doc = CALL_OK(c, RT, "ListCompositions", json_pack("{s:s}", "filterByStageArn", stage));
    CHECK(h_len(doc, "compositions") == 1);
    json_decref(doc);
    EXPECT_SERVICE_ERROR(c, RT, "DeleteEncoderConfiguration", json_pack("{s:s}", "arn", enc), "ConflictException");
    EXPECT_SERVICE_ERROR(c, RT, "DeleteStorageConfiguration", json_pack("{s:s}", "arn", storage), "ConflictException");
    CALL_DROP(c, RT, "StopComposition", json_pack("{s:s}", "arn", comp));
    doc = CALL_OK(c, RT, "GetComposition", json_pack("{s:s}", "arn", comp));
    CHECK_STREQ(h_str(doc, "composition.state"), "STOPPED");
    json_decref(doc);

    /* tags on a Real-Time resource */
    CALL_DROP(c, RT, "TagResource", json_pack("{s:s, s:{s:s, s:s}}", "resourceArn", enc, "tags", "env", "test", "owner", "me"));
    CALL_DROP(c, RT, "UntagResource", json_pack("{s:s, s:[s]}", "resourceArn", enc, "tagKeys", "owner"));
    doc = CALL_OK(c, RT, "ListTagsForResource", json_pack("{s:s}", "resourceArn", enc));
    CHECK(json_object_size(h_get(doc, "tags")) == 1);
    CHECK_STREQ(h_str(doc, "tags.env"), "test");
    json_decref(doc);

    CALL_DROP(c, RT, "DeleteEncoderConfiguration", json_pack("{s:s}", "arn", enc));
    CALL_DROP(c, RT, "DeleteStorageConfiguration", json_pack("{s:s}", "arn", storage));
    EXPECT_SERVICE_ERROR(c, RT, "GetEncoderConfiguration", json_pack("{s:s}", "arn", enc), "ResourceNotFoundException");
    EXPECT_SERVICE_ERROR(c, RT, "GetStorageConfiguration", json_pack("{s:s}", "arn", storage), "ResourceNotFoundException");
}

static void public_keys(ivs_client *c) {
    json_t *doc = CALL_OK(c, RT, "ImportPublicKey", json_pack("{s:s, s:s}", "publicKeyMaterial", PUBLIC_KEY, "name", "signer"));
    char arn[256];
    COPY(arn, doc, "publicKey.arn");
    CHECK_STREQ(h_str(doc, "publicKey.publicKeyMaterial"), PUBLIC_KEY);
    json_decref(doc);
    doc = CALL_OK(c, RT, "GetPublicKey", json_pack("{s:s}", "arn", arn));
    CHECK_STREQ(h_str(doc, "publicKey.name"), "signer");
    json_decref(doc);
    doc = CALL_OK(c, RT, "ListPublicKeys", json_pack("{}"));
    CHECK(h_len(doc, "publicKeys") == 1);
    json_decref(doc);
    EXPECT_SERVICE_ERROR(c, RT, "ImportPublicKey", json_pack("{s:s}", "publicKeyMaterial", PUBLIC_KEY), "ConflictException");
    CALL_DROP(c, RT, "DeletePublicKey", json_pack("{s:s}", "arn", arn));
    EXPECT_SERVICE_ERROR(c, RT, "GetPublicKey", json_pack("{s:s}", "arn", arn), "ResourceNotFoundException");
}

static void ingest_configurations(ivs_client *c) {
    json_t *doc = CALL_OK(c, RT, "CreateStage", json_pack("{}"));
    char stage[256], other[256], arn[256];
    COPY(stage, doc, "stage.arn");
    json_decref(doc);
    doc = CALL_OK(c, RT, "CreateStage", json_pack("{}"));
    COPY(other, doc, "stage.arn");
    json_decref(doc);

    doc = CALL_OK(c, RT, "CreateIngestConfiguration",
                  json_pack("{s:s, s:s, s:s, s:s}", "name", "obs", "stageArn", stage, "userId", "streamer",
                            "ingestProtocol", "RTMPS"));
    COPY(arn, doc, "ingestConfiguration.arn");
    CHECK_STREQ(h_str(doc, "ingestConfiguration.state"), "INACTIVE");
    CHECK(STARTS_WITH(h_str(doc, "ingestConfiguration.streamKey"), "rt_" ACCOUNT "_"));
    json_decref(doc);
    doc = CALL_OK(c, RT, "GetIngestConfiguration", json_pack("{s:s}", "arn", arn));
    CHECK_STREQ(h_str(doc, "ingestConfiguration.userId"), "streamer");
    json_decref(doc);
    doc = CALL_OK(c, RT, "ListIngestConfigurations", json_pack("{s:s}", "filterByStageArn", stage));
    CHECK(h_len(doc, "ingestConfigurations") == 1);
    json_decref(doc);
    doc = CALL_OK(c, RT, "UpdateIngestConfiguration", json_pack("{s:s, s:s}", "arn", arn, "stageArn", other));
    CHECK_STREQ(h_str(doc, "ingestConfiguration.stageArn"), other);
    json_decref(doc);

    /* an active publisher blocks a plain delete; force deletes it */
    json_decref(h_control_ok("POST", "ingest/start", json_pack("{s:s}", "arn", arn)));
    EXPECT_SERVICE_ERROR(c, RT, "DeleteIngestConfiguration", json_pack("{s:s}", "arn", arn), "ConflictException");
    CALL_DROP(c, RT, "DeleteIngestConfiguration", json_pack("{s:s, s:b}", "arn", arn, "force", 1));
    EXPECT_SERVICE_ERROR(c, RT, "GetIngestConfiguration", json_pack("{s:s}", "arn", arn), "ResourceNotFoundException");
}

int main(void) {
    ivs_client *c = h_client(NULL);
    stages_sessions_participants(c);
    connection_tokens(c);
    compositions(c);
    public_keys(c);
    ingest_configurations(c);
    h_check_coverage(RT);
    ivs_client_free(c);
    return h_finish();
}
