/*
 * ivs.hpp against ivs-local, one application's worth of calls in each of the three services: JSON text
 * in (string literals, std::string, std::string_view, const char *) and out, paginate joining pages,
 * snake_case operation names, the C handle beside the C++ object; and the same through nlohmann::json
 * where the variant has it.
 */
#include "harness.hpp"

#include <string>
#include <string_view>

static std::string arn_of(const std::string &output, const char *path) { return h::Doc(output).str(path); }

static void ivs_low_latency(const ivs::Client &c) {
    std::string out = c.call("ivs", "CreateChannel", R"({"name": "studio-a", "latencyMode": "LOW"})");
    h::Doc created(out);
    std::string arn = created.str("channel.arn");
    CHECK(arn.rfind("arn:aws:ivs:us-west-2:123456789012:channel/", 0) == 0);
    CHECK_EQ(created.str("channel.latencyMode"), "LOW");
    CHECK(created.str("streamKey.value").rfind("sk_us-west-2_", 0) == 0);
    CHECK_EQ(created.integer("ResponseMetadata.HTTPStatusCode"), 200);
    CHECK(!created.str("ResponseMetadata.RequestId").empty());

    // every text type the overloads take
    std::string input = R"({"arn": ")" + arn + R"("})";
    std::string_view view = input;
    const char *pointer = input.c_str();
    CHECK_EQ(h::Doc(c.call("ivs", "GetChannel", input)).str("channel.name"), "studio-a");
    CHECK_EQ(h::Doc(c.call("ivs", "GetChannel", view)).str("channel.name"), "studio-a");
    CHECK_EQ(h::Doc(c.call("ivs", "GetChannel", pointer)).str("channel.name"), "studio-a");
    CHECK_EQ(h::Doc(c.call("ivs", "get_channel", input)).str("channel.arn"), arn); // boto3's name

    out = c.call("ivs", "UpdateChannel", R"({"arn": ")" + arn + R"(", "name": "studio-b", "type": "BASIC"})");
    CHECK_EQ(h::Doc(out).str("channel.name"), "studio-b");
    CHECK_EQ(h::Doc(out).str("channel.type"), "BASIC");
    c.call("ivs", "TagResource", R"({"resourceArn": ")" + arn + R"(", "tags": {"team": "video"}})");
    CHECK_EQ(h::Doc(c.call("ivs", "ListTagsForResource", R"({"resourceArn": ")" + arn + R"("})")).str("tags.team"), "video");
    CHECK_EQ(h::Doc(c.call("ivs", "ListStreamKeys", R"({"channelArn": ")" + arn + R"("})")).len("streamKeys"), 1);

    // five channels in pages of two: paginate joins them, call returns the first page and its token
    for (int i = 0; i < 4; i++) c.call("ivs", "CreateChannel", R"({"name": "more-)" + std::to_string(i) + R"("})");
    h::Doc all(c.paginate("ivs", "ListChannels", R"({"maxResults": 2})"));
    CHECK_EQ(all.len("channels"), 5);
    CHECK(!all.has("nextToken"));
    h::Doc first(c.call("ivs", "ListChannels", R"({"maxResults": 2})"));
    CHECK_EQ(first.len("channels"), 2);
    CHECK(!first.str("nextToken").empty());
    CHECK_EQ(h::Doc(c.paginate("ivs", "ListChannels")).len("channels"), 5); // no input: "{}"

    // the C functions take the same handle
    char *text = nullptr;
    CHECK(ivs_ivs_delete_channel(c.get(), input.c_str(), &text) == IVS_OK);
    ivs_free(text);
    CHECK_EQ(h::Doc(c.paginate("ivs", "ListChannels")).len("channels"), 4);
}

static void ivs_realtime(const ivs::Client &c) {
    std::string arn = arn_of(c.call("ivs-realtime", "CreateStage", R"({"name": "stage-a"})"), "stage.arn");
    CHECK(arn.rfind("arn:aws:ivs:us-west-2:123456789012:stage/", 0) == 0);
    h::Doc stage(c.call("ivs-realtime", "GetStage", R"({"arn": ")" + arn + R"("})"));
    CHECK_EQ(stage.str("stage.name"), "stage-a");
    CHECK(!stage.str("stage.endpoints.whip").empty());
    h::Doc token(c.call("ivs-realtime", "CreateParticipantToken",
                        R"({"stageArn": ")" + arn + R"(", "userId": "alice", "capabilities": ["PUBLISH"]})"));
    CHECK_EQ(token.str("participantToken.userId"), "alice");
    CHECK(!token.str("participantToken.token").empty());
    for (int i = 0; i < 2; i++) c.call("ivs-realtime", "CreateStage", R"({"name": "more-)" + std::to_string(i) + R"("})");
    CHECK_EQ(h::Doc(c.paginate("ivs-realtime", "ListStages", R"({"maxResults": 1})")).len("stages"), 3);
    c.call("ivs-realtime", "DeleteStage", R"({"arn": ")" + arn + R"("})");
    CHECK_EQ(h::Doc(c.paginate("ivs-realtime", "list_stages")).len("stages"), 2);
}

static void ivschat(const ivs::Client &c) {
    h::Doc room(c.call("ivschat", "CreateRoom", R"({"name": "lobby", "maximumMessageLength": 200})"));
    std::string arn = room.str("arn");
    CHECK(arn.rfind("arn:aws:ivschat:us-west-2:123456789012:room/", 0) == 0);
    std::string id = R"({"identifier": ")" + arn + R"("})";
    CHECK_EQ(h::Doc(c.call("ivschat", "GetRoom", id)).integer("maximumMessageLength"), 200);
    CHECK_EQ(h::Doc(c.call("ivschat", "UpdateRoom", R"({"identifier": ")" + arn + R"(", "name": "hall"})")).str("name"), "hall");
    h::Doc token(c.call("ivschat", "CreateChatToken",
                        R"({"roomIdentifier": ")" + arn + R"(", "userId": "bob", "capabilities": ["SEND_MESSAGE"]})"));
    CHECK(!token.str("token").empty());
    CHECK(!token.str("tokenExpirationTime").empty());
    c.call("ivschat", "SendEvent", R"({"roomIdentifier": ")" + arn + R"(", "eventName": "poll"})");
    CHECK_EQ(h::Doc(h::control("GET", "chat/actions?action=SendEvent&roomArn=" + arn)).len("actions"), 1);
    CHECK_EQ(h::Doc(c.paginate("ivschat", "ListRooms", R"({"maxResults": 1})")).len("rooms"), 1);
    c.call("ivschat", "DeleteRoom", id);
    CHECK_EQ(h::Doc(c.paginate("ivschat", "ListRooms")).len("rooms"), 0);
}

/* The non-throwing overloads on success: the status and the same output. */
static void non_throwing(const ivs::Client &c) {
    std::string out;
    CHECK_EQ(c.call("ivschat", "CreateRoom", R"({"name": "quiet"})", out), ivs::Status::ok);
    CHECK(h::Doc(out).str("arn").rfind("arn:aws:ivschat:", 0) == 0);
    CHECK_EQ(c.paginate("ivschat", "ListRooms", "{}", out), ivs::Status::ok);
    CHECK_EQ(h::Doc(out).len("rooms"), 1);
}

#if IVS_HPP_NLOHMANN_JSON
static void with_nlohmann(const ivs::Client &c) {
    using nlohmann::json;
    json channel = c.call("ivs", "CreateChannel", {{"name", "json-a"}, {"latencyMode", "NORMAL"}});
    std::string arn = channel["channel"]["arn"];
    CHECK_EQ(channel["channel"]["latencyMode"].get<std::string>(), "NORMAL");
    CHECK_EQ(channel["ResponseMetadata"]["HTTPStatusCode"].get<int>(), 200);
    json got = c.call("ivs", "GetChannel", json{{"arn", arn}});
    CHECK_EQ(got["channel"]["name"].get<std::string>(), "json-a");

    json stage = c.call("ivs-realtime", "CreateStage", {{"name", "json-stage"}, {"tags", {{"k", "v"}}}});
    CHECK_EQ(stage["stage"]["tags"]["k"].get<std::string>(), "v");
    json room = c.call("ivschat", "CreateRoom", {{"name", "json-room"}});
    CHECK(room["arn"].get<std::string>().rfind("arn:aws:ivschat:", 0) == 0);

    // nlohmann's ordered_json goes the same way, and paginate joins pages
    for (int i = 0; i < 2; i++) c.call("ivschat", "CreateRoom", nlohmann::json{{"name", "r" + std::to_string(i)}});
    json rooms = c.paginate("ivschat", "ListRooms", {{"maxResults", 1}});
    CHECK_EQ(rooms["rooms"].size(), 3u);
    CHECK(!rooms.contains("nextToken"));

    json out;
    CHECK_EQ(c.call("ivs", "ListChannels", json::object(), out), ivs::Status::ok);
    CHECK(out["channels"].is_array());
    CHECK_EQ(c.paginate("ivs-realtime", "ListStages", json::object(), out), ivs::Status::ok);
    CHECK_EQ(out["stages"].size(), 1u);

    // a JSON value and its text give the same request
    json from_text = json::parse(c.call("ivs", "GetChannel", R"({"arn": ")" + arn + R"("})"));
    CHECK_EQ(from_text["channel"], got["channel"]);
}
#endif

int main() {
    ivs::Client c(h::config());
    REQUIRE(c);
    ivs_low_latency(c);
    ivs_realtime(c);
    ivschat(c);
    h::reset();
    non_throwing(c);
#if IVS_HPP_NLOHMANN_JSON
    h::reset();
    with_nlohmann(c);
    std::printf("with nlohmann::json\n");
#else
    std::printf("without nlohmann::json\n");
#endif
    return h::finish();
}
