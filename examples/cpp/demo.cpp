// demo.cpp: a tour of libivs from C++ (ivs.hpp) against ivs-local, the local emulator.
//
// It creates a low-latency channel, a Real-Time stage and a chat room at once (calls in flight,
// std::future), lists them with paginate, shows what errors look like (ivs::Error), cancels a call
// in flight, and deletes everything again with callbacks.
//
//   ivs-cpp-demo http://127.0.0.1:4566        (or set IVS_LOCAL_URL)
//
// JSON is nlohmann::json here (ivs.hpp has overloads for it when <nlohmann/json.hpp> is installed);
// every call also takes and returns plain JSON text.
#include <ivs.hpp>

#if !IVS_HPP_NLOHMANN_JSON
#error "this example reads JSON with nlohmann::json (Debian: nlohmann-json3-dev)"
#endif

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

using nlohmann::json;

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : std::getenv("IVS_LOCAL_URL");
    if (!url) {
        std::fprintf(stderr, "usage: %s IVS_LOCAL_URL (e.g. http://127.0.0.1:4566)\n", argv[0]);
        return 2;
    }
    try {
        ivs::Client client(json{{"region", "us-west-2"},
                                {"endpointUrl", url},
                                {"credentials", {{"accessKeyId", "test"}, {"secretAccessKey", "test"}}}});
        std::printf("libivs %s, ivs-local at %s\n", ivs::version(), url);

        // Three calls in flight at once, one per service; get() waits for each.
        auto channel = client.call_async("ivs", "CreateChannel", {{"name", "demo"}, {"latencyMode", "LOW"}});
        auto stage = client.call_async("ivs-realtime", "CreateStage", {{"name", "demo-stage"}});
        auto room = client.call_async("ivschat", "CreateRoom", {{"name", "demo-room"}});
        json ch = channel.get(), st = stage.get(), rm = room.get();
        std::string channel_arn = ch["channel"]["arn"], stage_arn = st["stage"]["arn"], room_arn = rm["arn"];
        std::printf("channel %s\n  ingest   rtmps://%s\n  playback %s\n", channel_arn.c_str(),
                    ch["channel"]["ingestEndpoint"].get<std::string>().c_str(),
                    ch["channel"]["playbackUrl"].get<std::string>().c_str());
        std::printf("stage   %s\nroom    %s\n", stage_arn.c_str(), room_arn.c_str());

        // paginate follows nextToken and joins the pages (here, pages of one item).
        json channels = client.paginate("ivs", "ListChannels", {{"maxResults", 1}});
        json stages = client.paginate("ivs-realtime", "ListStages", {{"maxResults", 1}});
        json rooms = client.paginate("ivschat", "ListRooms", {{"maxResults", 1}});
        std::printf("listed: %zu channel, %zu stage, %zu room\n", channels["channels"].size(),
                    stages["stages"].size(), rooms["rooms"].size());

        // Errors are ivs::Error, with every member of libivs's error JSON.
        try {
            client.call("ivs", "GetChannel", {{"arn", "arn:aws:ivs:us-west-2:123456789012:channel/missing00000"}});
        } catch (const ivs::Error &e) {
            std::printf("GetChannel: %s error %s (HTTP %d, request %s, retryable %s)\n", e.kind().c_str(),
                        e.code().c_str(), e.http_status(), e.request_id().c_str(), e.retryable() ? "yes" : "no");
        }
        try {
            client.call("ivs", "CreateChannel", {{"name", 42}});
        } catch (const ivs::Error &e) {
            for (const ivs::Problem &p : e.problems())
                std::printf("CreateChannel: %s: %s (nothing was sent)\n", p.path.c_str(), p.problem.c_str());
        }

        // A call in flight can be cancelled; its future then throws Status::cancelled.
        ivs::RequestId id = 0;
        auto slow = client.call_async("ivs", "ListChannels", "{}", &id);
        client.cancel(id);
        try {
            slow.get();
            std::printf("ListChannels finished before the cancel reached it\n");
        } catch (const ivs::Error &e) {
            std::printf("ListChannels: %s\n", e.status() == ivs::Status::cancelled ? "cancelled" : e.what());
        }

        // Clean up with callbacks: they run on the client's I/O thread, once each.
        std::atomic<int> left{3};
        auto done = [&left](ivs::Status s, std::string_view text) {
            if (s != ivs::Status::ok) std::fprintf(stderr, "delete failed: %.*s\n", int(text.size()), text.data());
            left--;
        };
        client.call_async("ivs", "DeleteChannel", json{{"arn", channel_arn}}, done);
        client.call_async("ivs-realtime", "DeleteStage", json{{"arn", stage_arn}}, done);
        client.call_async("ivschat", "DeleteRoom", json{{"identifier", room_arn}}, done);
        for (int i = 0; i < 1000 && left > 0; i++) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (left != 0) return 1;
        std::printf("deleted the channel, the stage and the room\nDone.\n");
        return 0;
    } catch (const ivs::Error &e) {
        std::fprintf(stderr, "%s\n", e.json().c_str());
        return 1;
    }
}
