// chat_bot.cpp: a moderation bot for an IVS Chat room, in C++ (ivs::ChatRoom), against ivs-local.
//
// The bot joins with a token provider (CreateChatToken through its client, before every connect),
// deletes the messages that contain a banned word and disconnects their sender at the second one. It
// acts from its event handler, on the client's I/O thread, so it is connected into a room declared
// first (ivs::ChatRoom::connect), which the handler refers to. A visitor (createToken: libivs mints
// its tokens) talks in the same room so that there is something to moderate.
//
//   ivs-cpp-chat-bot http://127.0.0.1:4566        (or set IVS_LOCAL_URL)
#include <ivs.hpp>

#if !IVS_HPP_NLOHMANN_JSON
#error "this example reads JSON with nlohmann::json (Debian: nlohmann-json3-dev)"
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

using nlohmann::json;
using namespace std::chrono_literals;

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : std::getenv("IVS_LOCAL_URL");
    if (!url) {
        std::fprintf(stderr, "usage: %s IVS_LOCAL_URL (e.g. http://127.0.0.1:4566)\n", argv[0]);
        return 2;
    }
    const std::string ws = "ws" + std::string(url).substr(4); // ivs-local serves chat at its base URL
    try {
        ivs::Client client(json{{"region", "us-west-2"},
                                {"endpointUrl", url},
                                {"credentials", {{"accessKeyId", "test"}, {"secretAccessKey", "test"}}}});
        std::string room = client.call("ivschat", "CreateRoom", {{"name", "moderated"}})["arn"];

        // The bot. Its handler runs on the I/O thread, one event at a time: strikes needs no lock.
        ivs::ChatRoom bot;
        std::map<std::string, int> strikes;
        ivs::ChatOptions options;
        options.url = ws;
        options.token_provider = [&client, room] {
            json token = client.call("ivschat", "CreateChatToken",
                                     {{"roomIdentifier", room},
                                      {"userId", "moderator"},
                                      {"capabilities", {"DELETE_MESSAGE", "DISCONNECT_USER"}}});
            return token.dump(); // CreateChatToken's output: libivs reads token and expirations
        };
        auto moderate = [&](const json &event) {
            if (event["Type"] == "CONNECTION") {
                std::printf("bot: [%s]\n", event["State"].get<std::string>().c_str());
                return;
            }
            if (event["Type"] == "ERROR") {
                std::printf("bot: refused: %s\n", event["ErrorMessage"].get<std::string>().c_str());
                return;
            }
            if (event["Type"] != "MESSAGE") return;
            std::string user = event["Sender"]["UserId"], content = event["Content"];
            if (content.find("darn") == std::string::npos) return;
            std::string out;
            if (bot.send(ivs::chat_action::delete_message(event["Id"].get<std::string>(), "language"), out) != ivs::Status::ok)
                std::printf("bot: %s\n", ivs::Error(ivs::Status::network, out).what());
            if (++strikes[user] == 2) bot.send(ivs::chat_action::disconnect_user(user, "language, twice"), out);
            std::printf("bot: deleted \"%s\" by %s (strike %d)\n", content.c_str(), user.c_str(), strikes[user]);
        };
        std::string error;
        if (ivs::ChatRoom::connect(client, options, moderate, bot, &error) != ivs::Status::ok) {
            std::fprintf(stderr, "bot: %s\n", error.c_str());
            return 1;
        }

        // The visitor, with a handler of its own that sees what the bot does.
        ivs::ChatOptions visitor_options;
        visitor_options.room = room;
        visitor_options.user_id = "visitor";
        visitor_options.capabilities = {"SEND_MESSAGE"};
        visitor_options.url = ws;
        ivs::ChatRoom visitor(client, visitor_options, [](const json &event) {
            if (event["Type"] == "EVENT")
                std::printf("visitor sees %s (%s)\n", event["EventName"].get<std::string>().c_str(),
                            event["Attributes"]["Reason"].get<std::string>().c_str());
            else if (event["Type"] == "CONNECTION" && event["State"] == "disconnected")
                std::printf("visitor: disconnected (%s)\n", event["Reason"].get<std::string>().c_str());
        });
        if (!bot.wait_connected(10s) || !visitor.wait_connected(10s)) {
            std::fprintf(stderr, "could not connect\n");
            return 1;
        }

        for (const char *text : {"hello everyone", "this is darn good", "darn, the stream froze"}) {
            visitor.send(ivs::chat_action::send_message(text));
            std::this_thread::sleep_for(200ms); // one at a time, so the output reads in order
        }
        // the second strike ends the visitor's chat: the server closes it
        if (!visitor.wait_ended(10s)) {
            std::fprintf(stderr, "the visitor was not disconnected\n");
            return 1;
        }
        bot.close(); // its final event has run when close returns
        client.call("ivschat", "DeleteRoom", {{"identifier", room}});
        std::printf("Done.\n");
        return 0;
    } catch (const ivs::Error &e) {
        std::fprintf(stderr, "%s (%s)\n", e.what(), e.kind().c_str());
        return 1;
    }
}
