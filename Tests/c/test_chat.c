/*
 * IVS Chat through the C ABI against ivs-local: every one of the 17 operations, in the order an
 * application runs them: logging configurations, rooms, chat tokens, the messaging actions (checked
 * through what ivs-local recorded), tags, deletion.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define CHAT "ivschat"
#define LAMBDA "arn:aws:lambda:" REGION ":" ACCOUNT ":function:review"
#define COPY(dst, doc, path) snprintf((dst), sizeof(dst), "%s", h_str((doc), (path)))

static void logging_configurations_and_rooms(ivs_client *c) {
    json_t *doc = CALL_OK(c, CHAT, "CreateLoggingConfiguration",
                          json_pack("{s:s, s:{s:{s:s}}}", "name", "to-s3", "destinationConfiguration", "s3",
                                    "bucketName", "chat-logs"));
    char log[256], room[256], room_id[64];
    COPY(log, doc, "arn");
    CHECK_STREQ(h_str(doc, "state"), "ACTIVE");
    json_decref(doc);
    doc = CALL_OK(c, CHAT, "GetLoggingConfiguration", json_pack("{s:s}", "identifier", log));
    CHECK_STREQ(h_str(doc, "destinationConfiguration.s3.bucketName"), "chat-logs");
    json_decref(doc);
    doc = CALL_OK(c, CHAT, "UpdateLoggingConfiguration",
                  json_pack("{s:s, s:s, s:{s:{s:s}}}", "identifier", log, "name", "renamed", "destinationConfiguration",
                            "firehose", "deliveryStreamName", "chat"));
    CHECK_STREQ(h_str(doc, "name"), "renamed");
    CHECK_STREQ(h_str(doc, "destinationConfiguration.firehose.deliveryStreamName"), "chat");
    json_decref(doc);
    doc = CALL_OK(c, CHAT, "ListLoggingConfigurations", json_pack("{}"));
    CHECK(h_len(doc, "loggingConfigurations") == 1);
    json_decref(doc);

    doc = CALL_OK(c, CHAT, "CreateRoom",
                  json_pack("{s:s, s:i, s:i, s:{s:s}, s:{s:s}, s:[s]}", "name", "lobby", "maximumMessageRatePerSecond", 5,
                            "maximumMessageLength", 200, "messageReviewHandler", "uri", LAMBDA, "tags", "env", "dev",
                            "loggingConfigurationIdentifiers", log));
    COPY(room, doc, "arn");
    COPY(room_id, doc, "id");
    CHECK(STARTS_WITH(room, "arn:aws:ivschat:" REGION ":" ACCOUNT ":room/"));
    CHECK_STREQ(h_str(doc, "messageReviewHandler.fallbackResult"), "ALLOW");
    CHECK(strchr(h_str(doc, "createTime"), 'T') != NULL);
    json_decref(doc);
    doc = CALL_OK(c, CHAT, "GetRoom", json_pack("{s:s}", "identifier", room));
    CHECK_STREQ(h_str(doc, "name"), "lobby");
    CHECK(h_int(doc, "maximumMessageLength") == 200);
    json_decref(doc);
    doc = CALL_OK(c, CHAT, "UpdateRoom", json_pack("{s:s, s:s, s:i}", "identifier", room, "name", "lobby-2",
                                                   "maximumMessageLength", 500));
    CHECK_STREQ(h_str(doc, "name"), "lobby-2");
    CHECK(h_int(doc, "maximumMessageRatePerSecond") == 5);
    json_decref(doc);
    doc = CALL_OK(c, CHAT, "ListRooms", json_pack("{s:s}", "loggingConfigurationIdentifier", log));
    CHECK(h_len(doc, "rooms") == 1);
    json_decref(doc);

    /* a chat token for a viewer */
    doc = CALL_OK(c, CHAT, "CreateChatToken",
                  json_pack("{s:s, s:s, s:[s], s:i, s:{s:s}}", "roomIdentifier", room, "userId", "viewer-1",
                            "capabilities", "SEND_MESSAGE", "sessionDurationInMinutes", 30, "attributes",
                            "displayName", "Viewer"));
    CHECK(strlen(h_str(doc, "token")) > 32);
    CHECK(strchr(h_str(doc, "sessionExpirationTime"), 'T') != NULL);
    json_decref(doc);
    EXPECT_ERROR(c, CHAT, "CreateChatToken",
                 json_pack("{s:s, s:s, s:i}", "roomIdentifier", room, "userId", "u", "sessionDurationInMinutes", 181),
                 IVS_E_VALIDATION, "ParamValidationError");

    /* messaging actions, as ivs-local records them */
    doc = CALL_OK(c, CHAT, "SendEvent", json_pack("{s:s, s:s, s:{s:s}}", "roomIdentifier", room, "eventName", "app:poll",
                                                  "attributes", "question", "Tea?"));
    char event_id[64];
    COPY(event_id, doc, "id");
    json_decref(doc);
    CALL_DROP(c, CHAT, "DeleteMessage", json_pack("{s:s, s:s, s:s}", "roomIdentifier", room, "id", "AbCdEfGhIjKl",
                                                  "reason", "spam"));
    CALL_DROP(c, CHAT, "DisconnectUser", json_pack("{s:s, s:s, s:s}", "roomIdentifier", room, "userId", "troll",
                                                   "reason", "rude"));
    char route[512];
    snprintf(route, sizeof route, "chat/actions?roomArn=%s", room);
    json_t *actions = h_control_ok("GET", route, NULL);
    CHECK(h_len(actions, "actions") == 3);
    CHECK_STREQ(h_str(actions, "actions.0.action"), "SendEvent");
    CHECK_STREQ(h_str(actions, "actions.0.id"), event_id);
    CHECK_STREQ(h_str(actions, "actions.0.attributes.question"), "Tea?");
    CHECK_STREQ(h_str(actions, "actions.1.messageId"), "AbCdEfGhIjKl");
    CHECK_STREQ(h_str(actions, "actions.2.userId"), "troll");
    json_decref(actions);

    /* tags */
    CALL_DROP(c, CHAT, "TagResource", json_pack("{s:s, s:{s:s, s:s}}", "resourceArn", room, "tags", "b", "2", "c", "3"));
    CALL_DROP(c, CHAT, "UntagResource", json_pack("{s:s, s:[s]}", "resourceArn", room, "tagKeys", "c"));
    doc = CALL_OK(c, CHAT, "ListTagsForResource", json_pack("{s:s}", "resourceArn", room));
    CHECK(json_object_size(h_get(doc, "tags")) == 2);
    CHECK_STREQ(h_str(doc, "tags.env"), "dev");
    CHECK_STREQ(h_str(doc, "tags.b"), "2");
    json_decref(doc);

    /* deleting: not found afterwards, with the error's extra members in fields */
    CALL_DROP(c, CHAT, "DeleteRoom", json_pack("{s:s}", "identifier", room));
    json_t *err = h_call(c, CHAT, "GetRoom", json_pack("{s:s}", "identifier", room), IVS_E_SERVICE, __FILE__, __LINE__);
    CHECK_ERROR_JSON(err, IVS_E_SERVICE, "ResourceNotFoundException");
    CHECK(h_int(err, "error.httpStatus") == 404);
    CHECK_STREQ(h_str(err, "error.fields.resourceId"), room_id);
    CHECK_STREQ(h_str(err, "error.fields.resourceType"), "ROOM");
    json_decref(err);
    CALL_DROP(c, CHAT, "DeleteLoggingConfiguration", json_pack("{s:s}", "identifier", log));
    EXPECT_SERVICE_ERROR(c, CHAT, "GetLoggingConfiguration", json_pack("{s:s}", "identifier", log),
                         "ResourceNotFoundException");
    EXPECT_SERVICE_ERROR(c, CHAT, "SendEvent", json_pack("{s:s, s:s}", "roomIdentifier", room, "eventName", "e"),
                         "ResourceNotFoundException");
}

int main(void) {
    ivs_client *c = h_client(NULL);
    logging_configurations_and_rooms(c);
    h_check_coverage(CHAT);
    ivs_client_free(c);
    return h_finish();
}
