/*
 * ivs.hpp in a program built with -fno-exceptions: the throwing calls are gone (and must be: the
 * header compiles), and the non-throwing ones do everything against ivs-local: create, call, paginate,
 * errors read with ivs::Error(status, text), calls in flight with callbacks, cancel, manual dispatch,
 * and a chat room (ChatRoom::connect, send with a status, events in dispatch()).
 */
#include "harness.hpp"

#include <poll.h>

#include <atomic>
#include <string>

#if IVS_HPP_EXCEPTIONS
#error "this test is built with -fno-exceptions"
#endif

int main() {
    ivs::Client c;
    std::string error;
    REQUIRE(ivs::Client::create(h::config(R"("dispatch": "manual")"), c, &error) == ivs::Status::ok);

    std::string out;
    CHECK_EQ(c.call("ivs", "CreateChannel", R"({"name": "no-exceptions"})", out), ivs::Status::ok);
    std::string arn = h::Doc(out).str("channel.arn");
    CHECK(!arn.empty());
    CHECK_EQ(c.paginate("ivs", "ListChannels", R"({"maxResults": 1})", out), ivs::Status::ok);
    CHECK_EQ(h::Doc(out).len("channels"), 1);

    ivs::Status st = c.call("ivs", "DeleteChannel", R"({"arn": "arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234"})", out);
    CHECK_EQ(st, ivs::Status::service);
    ivs::Error e(st, out);
    CHECK_EQ(e.code(), "ResourceNotFoundException");
    CHECK_EQ(e.http_status(), 404);
    CHECK(!e.request_id().empty());
    st = c.call("ivs", "GetChannel", "{}", out);
    CHECK_EQ(ivs::Error(st, out).problems().size(), 1u);
    CHECK_EQ(c.config(out), ivs::Status::ok);

    // calls in flight, run by dispatch() on this thread
    int done = 0, cancelled = 0;
    c.call_async("ivs", "GetChannel", R"({"arn": ")" + arn + R"("})", [&](ivs::Status s, std::string_view json) {
        done++;
        CHECK_EQ(s, ivs::Status::ok);
        CHECK_EQ(h::Doc(json).str("channel.name"), "no-exceptions");
    });
    h::fault(R"({"operation": "ListRooms", "count": 1, "action": "delay", "delayMs": 5000})");
    ivs::RequestId id = c.call_async("ivschat", "ListRooms", "{}", [&](ivs::Status s, std::string_view) {
        cancelled += s == ivs::Status::cancelled;
    });
    c.cancel(id);
    for (int i = 0; i < 300 && done + cancelled < 2; i++) {
        pollfd p{c.fd(), POLLIN, 0};
        if (poll(&p, 1, 100) > 0) c.dispatch(0);
    }
    CHECK_EQ(done, 1);
    CHECK_EQ(cancelled, 1);

    // a chat room without exceptions: connect and send return statuses; events run in dispatch()
    {
        std::string created;
        CHECK_EQ(c.call("ivschat", "CreateRoom", R"({"name": "no-exceptions"})", created), ivs::Status::ok);
        std::string room = h::Doc(created).str("arn");
        int connected = 0, messages = 0, finals = 0;
        ivs::ChatRoom chat;
        ivs::ChatOptions o;
        o.room = room;
        o.user_id = "noexc";
        o.capabilities = {"SEND_MESSAGE"};
        o.url = "ws" + h::url().substr(4);
        auto handler = [&](std::string_view event) {
            h::Doc d(event);
            connected += d.str("State") == "connected";
            messages += d.str("Content") == "no exceptions here";
            finals += d.str("State") == "disconnected";
        };
        CHECK_EQ(ivs::ChatRoom::connect(c, R"({"nope": 1})", handler, chat, &error), ivs::Status::config);
        CHECK_EQ(ivs::ChatRoom::connect(c, o, handler, chat, &error), ivs::Status::ok);
        for (int i = 0; i < 300 && connected == 0; i++) c.dispatch(20);
        CHECK_EQ(connected, 1);
        std::string request_id;
        CHECK_EQ(chat.send(ivs::chat_action::send_message("no exceptions here"), request_id), ivs::Status::ok);
        CHECK(!request_id.empty());
        CHECK_EQ(chat.send(R"({"Action": "SHOUT"})", out), ivs::Status::validation);
        for (int i = 0; i < 300 && messages == 0; i++) c.dispatch(20);
        CHECK_EQ(messages, 1);
        chat.close();
        for (int i = 0; i < 300 && !chat.ended(); i++) c.dispatch(20);
        CHECK_EQ(finals, 1);
    }

#if IVS_HPP_NLOHMANN_JSON
    nlohmann::json j;
    CHECK_EQ(c.call("ivs", "GetChannel", nlohmann::json{{"arn", arn}}, j), ivs::Status::ok);
    CHECK_EQ(j["channel"]["name"].get<std::string>(), "no-exceptions");
    // without exceptions, bytes that are not UTF-8 are replaced (U+FFFD) rather than refused
    CHECK_EQ(c.call("ivschat", "CreateRoom", nlohmann::json::object(), j), ivs::Status::ok);
    std::string room = j["arn"];
    CHECK_EQ(c.call("ivschat", "SendEvent",
                    nlohmann::json{{"roomIdentifier", room}, {"eventName", "e"}, {"attributes", {{"note", "x\xff"}}}}, j),
             ivs::Status::ok);
    h::Doc actions(h::control("GET", "chat/actions?roomArn=" + room));
    CHECK_EQ(actions.str("actions.0.attributes.note"), "x\xef\xbf\xbd");
#endif
    return h::finish();
}
