/*
 * Calls in flight through ivs.hpp against ivs-local: callbacks run exactly once, on the client's I/O
 * thread, with the text ivs_call gives; futures of the output and of ivs::Error; many calls at once
 * across the three services with faults injected; cancel() at once and mid-call; a Client destroyed
 * with calls in flight (every callback runs, cancelled, before the destructor returns); callbacks that
 * start calls; paginate_async; manual dispatch (poll on fd(), then dispatch()); and an empty client,
 * whose callback runs at once.
 */
#include "harness.hpp"

#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/* Counts callbacks and wakes a waiter. */
class Latch {
public:
    void arrive() {
        std::lock_guard<std::mutex> g(mu_);
        count_++;
        cv_.notify_all();
    }
    bool wait_for(int n, std::chrono::seconds limit) {
        std::unique_lock<std::mutex> g(mu_);
        return cv_.wait_for(g, limit, [&] { return count_ >= n; });
    }
    int count() {
        std::lock_guard<std::mutex> g(mu_);
        return count_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int count_ = 0;
};

struct Outcome {
    std::atomic<int> runs{0};
    ivs::Status status = ivs::Status::internal;
    std::string json;
    std::thread::id thread;
};

static ivs::Client::Callback record(Outcome &o, Latch &latch) {
    return [&o, &latch](ivs::Status st, std::string_view json) {
        if (o.runs++ == 0) {
            o.status = st;
            o.json = std::string(json);
            o.thread = std::this_thread::get_id();
        }
        latch.arrive();
    };
}

static void callbacks(const ivs::Client &c) {
    Latch latch;
    Outcome ok, missing, invalid;
    ivs::RequestId id = c.call_async("ivs", "CreateChannel", R"({"name": "async"})", record(ok, latch));
    CHECK(id != 0);
    c.call_async("ivs", "GetChannel", R"({"arn": "arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234"})",
                 record(missing, latch));
    c.call_async("ivs", "GetChannel", "{}", record(invalid, latch)); // validation arrives through the callback
    REQUIRE(latch.wait_for(3, 30s));
    std::this_thread::sleep_for(50ms); // a second run would show now
    CHECK_EQ(ok.runs.load() + missing.runs.load() + invalid.runs.load(), 3);
    CHECK_EQ(ok.status, ivs::Status::ok);
    CHECK_EQ(h::Doc(ok.json).str("channel.name"), "async");
    CHECK(ok.thread != std::this_thread::get_id()); // the I/O thread
    CHECK_EQ(missing.status, ivs::Status::service);
    CHECK_EQ(ivs::Error(missing.status, missing.json).http_status(), 404);
    CHECK_EQ(invalid.status, ivs::Status::validation);

    // the same text as the blocking call for the same response, apart from the per-response members
    std::string arn = h::Doc(ok.json).str("channel.arn");
    std::string blocking = c.call("ivs", "GetChannel", R"({"arn": ")" + arn + R"("})");
    Outcome again;
    c.call_async("ivs", "GetChannel", R"({"arn": ")" + arn + R"("})", record(again, latch));
    REQUIRE(latch.wait_for(4, 30s));
    CHECK_EQ(h::Doc(again.json).str("channel.arn"), h::Doc(blocking).str("channel.arn"));
    CHECK_EQ(blocking.substr(0, blocking.find("\"ResponseMetadata\"")), again.json.substr(0, again.json.find("\"ResponseMetadata\"")));

    // a callback that owns what it captures (the promise too: set_value may still be returning when
    // get() does)
    auto size = std::make_shared<std::promise<std::size_t>>();
    std::future<std::size_t> listed = size->get_future();
    {
        std::string prefix = "listed ";
        c.paginate_async("ivs", "ListChannels", "{}", [prefix, size](ivs::Status st, std::string_view json) {
            size->set_value(st == ivs::Status::ok ? prefix.size() + json.size() : 0);
        });
    }
    CHECK(listed.get() > 7);
}

static void plain_function(ivs::Status, std::string_view) {}

/* Any callable: a move-only lambda (owning a promise), a function, a std::function. */
static void callables(const ivs::Client &c) {
    std::promise<std::string> p;
    std::future<std::string> f = p.get_future();
    c.call_async("ivs", "ListChannels", "{}", [p = std::move(p)](ivs::Status st, std::string_view json) mutable {
        p.set_value(st == ivs::Status::ok ? std::string(json) : std::string());
    });
    REQUIRE(f.wait_for(30s) == std::future_status::ready);
    CHECK(h::Doc(f.get()).has("channels"));
    CHECK(c.call_async("ivs", "ListChannels", "{}", plain_function) != 0u);
    CHECK(c.call_async("ivs", "ListChannels", "{}", &plain_function) != 0u);
    void (*null_function)(ivs::Status, std::string_view) = nullptr;
    CHECK_EQ(c.call_async("ivs", "ListChannels", "{}", null_function), 0u); // nothing to call: nothing started
    Latch latch;
    Outcome o;
    const ivs::Client::Callback kept = record(o, latch);
    CHECK(c.paginate_async("ivs", "ListChannels", "{}", kept) != 0u); // copied, still usable here
    REQUIRE(latch.wait_for(1, 30s));
    CHECK_EQ(o.status, ivs::Status::ok);
    CHECK(static_cast<bool>(kept));
}

static void futures(const ivs::Client &c) {
    std::future<std::string> created = c.call_async("ivschat", "CreateRoom", R"({"name": "future"})");
    std::string arn = h::Doc(created.get()).str("arn");
    CHECK(arn.rfind("arn:aws:ivschat:", 0) == 0);
    std::future<std::string> missing = c.call_async("ivschat", "GetRoom", R"({"identifier": "arn:aws:ivschat:us-west-2:123456789012:room/abcdABCD1234"})");
    try {
        missing.get();
        FAIL("GetRoom of a missing room did not throw");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.code(), "ResourceNotFoundException");
        CHECK_EQ(e.http_status(), 404);
    }
    // three rooms in pages of one, joined
    for (int i = 0; i < 2; i++) c.call_async("ivschat", "CreateRoom", R"({"name": "more"})").get();
    ivs::RequestId id = 0;
    std::future<std::string> all = c.paginate_async("ivschat", "ListRooms", R"({"maxResults": 1})", &id);
    CHECK(id != 0);
    CHECK_EQ(h::Doc(all.get()).len("rooms"), 3);
    CHECK_EQ(h::received("ListRooms"), 3);
}

/* Many calls in flight from one thread, across the three services, with faults that each cost one
 * retry: every future resolves, and every fault was met once. */
static void many_in_flight() {
    h::reset();
    ivs::Client c(h::config(R"("maxAttempts": 5, "maxConnections": 16)"));
    const int n = 300;
    h::fault(R"({"operation": "ListChannels", "count": 6, "status": 429, "code": "ThrottlingException"})");
    h::fault(R"({"operation": "ListStages", "count": 6, "status": 500, "code": "InternalServerException"})");
    h::fault(R"({"operation": "ListRooms", "count": 3, "action": "drop"})");
    const char *ops[][2] = {{"ivs", "ListChannels"}, {"ivs-realtime", "ListStages"}, {"ivschat", "ListRooms"}};
    std::vector<std::future<std::string>> results;
    auto start = Clock::now();
    for (int i = 0; i < n; i++) results.push_back(c.call_async(ops[i % 3][0], ops[i % 3][1], "{}"));
    long retries = 0;
    int ok = 0;
    for (auto &f : results) {
        try {
            retries += h::Doc(f.get()).integer("ResponseMetadata.RetryAttempts");
            ok++;
        } catch (const ivs::Error &e) {
            std::fprintf(stderr, "failed: %s\n", e.what());
        }
    }
    CHECK_EQ(ok, n);
    CHECK_EQ(retries, 15L);
    CHECK_EQ(h::received("ListChannels") + h::received("ListStages") + h::received("ListRooms"), n + 15L);
    std::printf("%d calls in flight in %.2f s\n", n, h::seconds_since(start));
}

static void cancelling(const ivs::Client &c) {
    h::reset();
    // held 5 s by ivs-local: cancel mid-call, and the future throws Status::cancelled at once
    h::fault(R"({"operation": "ListChannels", "count": 1, "action": "delay", "delayMs": 5000})");
    ivs::RequestId id = 0;
    std::future<std::string> slow = c.call_async("ivs", "ListChannels", "{}", &id);
    REQUIRE(id != 0);
    for (int i = 0; i < 200 && h::received("ListChannels") == 0; i++) std::this_thread::sleep_for(10ms);
    auto start = Clock::now();
    CHECK_EQ(c.cancel(id), ivs::Status::ok);
    try {
        slow.get();
        FAIL("a cancelled call did not throw");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.status(), ivs::Status::cancelled);
        CHECK_EQ(e.kind(), "cancelled");
        CHECK_EQ(e.code(), "Cancelled");
    }
    CHECK(h::seconds_since(start) < 3.0);
    CHECK_EQ(c.cancel(id), ivs::Status::ok); // finished: ignored
    CHECK_EQ(c.cancel(0), ivs::Status::invalid_argument);

    // a callback, cancelled: it runs once, with the cancelled error
    h::fault(R"({"operation": "ListStages", "count": 1, "action": "delay", "delayMs": 5000})");
    Latch latch;
    Outcome o;
    id = c.call_async("ivs-realtime", "ListStages", "{}", record(o, latch));
    c.cancel(id);
    REQUIRE(latch.wait_for(1, 10s));
    CHECK_EQ(o.status, ivs::Status::cancelled);
    CHECK_EQ(ivs::Error(o.status, o.json).code(), "Cancelled");
}

/* ~Client cancels what is in flight and runs every callback owed before it returns. */
static void destroyed_in_flight() {
    h::reset();
    h::fault(R"({"operation": "ListRooms", "count": 25, "action": "delay", "delayMs": 3000})");
    Latch latch;
    std::vector<Outcome> outcomes(20);
    std::vector<std::future<std::string>> futures;
    auto start = Clock::now();
    {
        ivs::Client c(h::config());
        for (auto &o : outcomes) c.call_async("ivschat", "ListRooms", "{}", record(o, latch));
        for (int i = 0; i < 5; i++) futures.push_back(c.call_async("ivschat", "ListRooms", "{}"));
        std::this_thread::sleep_for(100ms);
    }
    CHECK_EQ(latch.count(), 20); // no waiting needed: the destructor ran them
    CHECK(h::seconds_since(start) < 2.5);
    for (auto &o : outcomes) {
        CHECK_EQ(o.runs.load(), 1);
        CHECK_EQ(o.status, ivs::Status::cancelled);
    }
    for (auto &f : futures) {
        CHECK(f.wait_for(0s) == std::future_status::ready);
        try {
            f.get();
            FAIL("a call cancelled by ~Client did not throw");
        } catch (const ivs::Error &e) {
            CHECK_EQ(e.status(), ivs::Status::cancelled);
        }
    }
}

/* A callback starts the next call on the same client: a chain of calls in flight. */
static void chained(const ivs::Client &c) {
    h::reset();
    auto last = std::make_shared<std::promise<std::string>>();
    auto f = last->get_future();
    std::function<void(int)> step = [&](int left) {
        c.call_async("ivs", "CreateChannel", R"({"name": "chain-)" + std::to_string(left) + R"("})",
                     [&step, last, left](ivs::Status st, std::string_view json) {
                         if (st != ivs::Status::ok || left == 1) last->set_value(std::string(json));
                         else step(left - 1);
                     });
    };
    step(5);
    REQUIRE(f.wait_for(30s) == std::future_status::ready);
    CHECK_EQ(h::Doc(f.get()).str("channel.name"), "chain-1");
    CHECK_EQ(h::Doc(c.paginate("ivs", "ListChannels")).len("channels"), 5);
}

/* dispatch "manual": callbacks wait until dispatch() runs them, on the calling thread. */
static void manual_dispatch() {
    ivs::Client c(h::config(R"("dispatch": "manual")"));
    int fd = c.fd();
    REQUIRE(fd >= 0);
    Latch latch;
    Outcome a, b;
    c.call_async("ivs", "ListChannels", "{}", record(a, latch));
    c.paginate_async("ivschat", "ListRooms", "{}", record(b, latch));
    std::future<std::string> f = c.call_async("ivs-realtime", "ListStages", "{}");
    int ran = 0;
    auto start = Clock::now();
    while (ran < 3 && h::seconds_since(start) < 30) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 1000) > 0) ran += c.dispatch(0);
    }
    CHECK_EQ(ran, 3);
    CHECK_EQ(a.status, ivs::Status::ok);
    CHECK(a.thread == std::this_thread::get_id());
    CHECK_EQ(b.status, ivs::Status::ok);
    CHECK(f.wait_for(0s) == std::future_status::ready);
    CHECK(h::Doc(f.get()).has("stages"));
    CHECK_EQ(c.dispatch(0), 0);
}

static void empty_and_refused() {
    ivs::Client empty;
    Outcome o;
    Latch latch;
    CHECK_EQ(empty.call_async("ivs", "ListChannels", "{}", record(o, latch)), 0u);
    CHECK_EQ(latch.count(), 1); // ran already, here
    CHECK_EQ(o.status, ivs::Status::invalid_argument);
    CHECK(o.thread == std::this_thread::get_id());
    ivs::RequestId id = 7;
    auto f = empty.call_async("ivs", "ListChannels", "{}", &id);
    CHECK_EQ(id, 0u);
    try {
        f.get();
        FAIL("did not throw");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.status(), ivs::Status::invalid_argument);
    }
    // an empty std::function: nothing to call, nothing started
    ivs::Client c(h::config());
    CHECK_EQ(c.call_async("ivs", "ListChannels", "{}", ivs::Client::Callback()), 0u);
    // a NUL byte: refused before libivs, through the callback, at once
    Outcome nul;
    CHECK_EQ(c.call_async("ivs", std::string("List\0Channels", 13), "{}", record(nul, latch)), 0u);
    CHECK_EQ(nul.status, ivs::Status::invalid_argument);
    CHECK_EQ(ivs::Error(nul.status, nul.json).message(), "operation contains a NUL byte");
}

#if IVS_HPP_NLOHMANN_JSON
static void nlohmann_async(const ivs::Client &c) {
    using nlohmann::json;
    std::future<json> created = c.call_async("ivs-realtime", "CreateStage", {{"name", "json-async"}});
    json stage = created.get();
    CHECK_EQ(stage["stage"]["name"].get<std::string>(), "json-async");
    std::future<json> all = c.paginate_async("ivs-realtime", "ListStages", {{"maxResults", 1}});
    CHECK(all.get()["stages"].size() >= 1u);
    Latch latch;
    Outcome o;
    c.call_async("ivs-realtime", "GetStage", json{{"arn", stage["stage"]["arn"]}}, record(o, latch));
    REQUIRE(latch.wait_for(1, 30s));
    CHECK_EQ(o.status, ivs::Status::ok);
    try {
        c.call_async("ivs-realtime", "GetStage", json{{"arn", 5}}).get();
        FAIL("did not throw");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.status(), ivs::Status::validation);
    }
}
#endif

int main() {
    ivs::Client c(h::config());
    callbacks(c);
    callables(c);
    futures(c);
    many_in_flight();
    cancelling(c);
    destroyed_in_flight();
    chained(c);
    manual_dispatch();
    empty_and_refused();
#if IVS_HPP_NLOHMANN_JSON
    nlohmann_async(c);
#endif
    return h::finish();
}
