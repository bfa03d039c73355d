/*
 * ivs::ChatRoom against ivs-local's chat messaging over real WebSockets: rooms connected with
 * createToken (ChatOptions and options JSON), two rooms exchanging messages with attributes, the
 * RequestId that send returns on the events; DELETE_MESSAGE and DISCONNECT_USER with their events and
 * the disconnected user's final event; the token provider (a blocking CreateChatToken call on the I/O
 * thread) and set_token; a server-side drop and the reconnect with a fresh token; close with 200
 * messages in flight; errors (capability refused as an ERROR event, local validation, not connected,
 * closed, bad options, empty handler or client); and the lifetime rules: close and destroy from inside
 * the handler (no deadlock; the handler is destroyed after the final event), a room destroyed while
 * events flow (its handler never called after), manual dispatch (close returns with the final event
 * queued), a room that outlives its Client, moves, a handler that refers to its own room.
 */
#include "harness.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

/* ---- a room's events, as its handler saw them ----------------------------------------------------- */

using Match = std::initializer_list<std::pair<const char *, const char *>>;

/* Whether event (JSON text) has every path = value of match: strings compare as text, integers and
 * booleans by their JSON spelling. */
static bool matches(std::string_view event, Match match) {
    h::Doc d(event);
    for (const auto &m : match) {
        json_t *v = d.get(m.first);
        std::string text;
        if (json_is_string(v)) text = json_string_value(v);
        else if (json_is_integer(v)) text = std::to_string(json_integer_value(v));
        else if (json_is_boolean(v)) text = json_is_true(v) ? "true" : "false";
        else return false;
        if (text != m.second) return false;
    }
    return true;
}

class Events {
public:
    /* The handler: records the event, counts finals and anything after one. */
    void add(std::string_view event) {
        std::lock_guard<std::mutex> g(mu_);
        if (finals_ > 0) after_final_++;
        if (matches(event, {{"Type", "CONNECTION"}, {"State", "disconnected"}, {"Reconnecting", "false"}})) finals_++;
        list_.emplace_back(event);
        thread_ = std::this_thread::get_id();
        cv_.notify_all();
    }
    auto handler() {
        return [this](std::string_view event) { add(event); };
    }

    /* The first event from *from on that matches, waiting up to limit; *from moves past it. "" on timeout. */
    std::string wait(std::size_t &from, Match match, std::chrono::milliseconds limit = 10s) {
        std::unique_lock<std::mutex> g(mu_);
        std::string found;
        cv_.wait_for(g, limit, [&] {
            for (; from < list_.size(); from++) {
                if (matches(list_[from], match)) {
                    found = list_[from++];
                    return true;
                }
            }
            return false;
        });
        return found;
    }
    std::string wait(Match match, std::chrono::milliseconds limit = 10s) {
        std::size_t from = 0;
        return wait(from, match, limit);
    }
    int count(Match match) {
        std::lock_guard<std::mutex> g(mu_);
        int n = 0;
        for (const std::string &e : list_) n += matches(e, match);
        return n;
    }
    std::size_t size() {
        std::lock_guard<std::mutex> g(mu_);
        return list_.size();
    }
    int finals() {
        std::lock_guard<std::mutex> g(mu_);
        return finals_;
    }
    int after_final() {
        std::lock_guard<std::mutex> g(mu_);
        return after_final_;
    }
    std::thread::id thread() {
        std::lock_guard<std::mutex> g(mu_);
        return thread_;
    }
    std::vector<std::string> all() {
        std::lock_guard<std::mutex> g(mu_);
        return list_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::string> list_;
    int finals_ = 0, after_final_ = 0;
    std::thread::id thread_;
};

/* ---- ivs-local ---------------------------------------------------------------------------------------- */

static std::string ws_url() { return "ws" + h::url().substr(4); }

static std::string make_room(const ivs::Client &c, int rate = 100) {
    std::string out = c.call("ivschat", "CreateRoom",
                             R"({"name": "cpp-chat", "maximumMessageRatePerSecond": )" + std::to_string(rate) + "}");
    return h::Doc(out).str("arn");
}

static void no_rate_limit(const std::string &room) {
    h::control("POST", "chat/rate-limit", R"({"roomArn": ")" + room + R"(", "enforce": false})");
}

/* A token made by ivs-local's control API (CreateChatToken's output). */
static std::string local_token(const std::string &room, const std::string &user) {
    return h::control("POST", "chat/tokens",
                      R"({"roomArn": ")" + room + R"(", "userId": ")" + user + R"(", "capabilities": ["SEND_MESSAGE"]})");
}

static ivs::ChatOptions options_for(const std::string &room, const std::string &user,
                                    std::vector<std::string> capabilities = {"SEND_MESSAGE"}) {
    ivs::ChatOptions o;
    o.room = room;
    o.user_id = user;
    o.capabilities = std::move(capabilities);
    o.url = ws_url();
    o.json = R"({"reconnect": {"initialDelayMs": 50}})";
    return o;
}

/* ---- tests ---------------------------------------------------------------------------------------------- */

static void two_rooms_exchange(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    Events ea, eb;
    ivs::ChatOptions oa = options_for(room, "alice");
    oa.attributes = {{"display", "Alice"}};
    ivs::ChatRoom alice(c, oa, ea.handler());
    // the same with options JSON, as ivs.h spells them
    ivs::ChatRoom bob(c,
                      R"({"createToken": {"roomIdentifier": ")" + room +
                          R"(", "userId": "bob", "capabilities": ["SEND_MESSAGE"]}, "url": ")" + ws_url() + R"("})",
                      eb.handler());
    CHECK(alice && bob);
    REQUIRE(alice.wait_connected(10s));
    REQUIRE(bob.wait_connected(10s));
    CHECK(alice.connected() && !alice.ended());
    CHECK(!ea.wait({{"State", "connecting"}, {"Attempt", "1"}}).empty());
    CHECK(!ea.wait({{"State", "connected"}, {"Attempt", "1"}}).empty());
    CHECK(ea.thread() != std::this_thread::get_id()); // the client's I/O thread

    std::string r1 = alice.send(ivs::chat_action::send_message("héllo \"bob\"", {{"color", "red"}, {"emoji", "✓"}}));
    CHECK_EQ(r1.size(), 36u); // a UUID
    std::string m = eb.wait({{"Type", "MESSAGE"}, {"RequestId", r1.c_str()}});
    REQUIRE(!m.empty());
    h::Doc msg(m);
    CHECK_EQ(msg.str("Content"), "héllo \"bob\"");
    CHECK_EQ(msg.str("Attributes.color"), "red");
    CHECK_EQ(msg.str("Attributes.emoji"), "✓");
    CHECK_EQ(msg.str("Sender.UserId"), "alice");
    CHECK_EQ(msg.str("Sender.Attributes.display"), "Alice");
    CHECK(!ea.wait({{"Type", "MESSAGE"}, {"RequestId", r1.c_str()}}).empty()); // the sender gets its own

    // bob answers with a request id of his own, through the non-throwing overload
    std::string id;
    CHECK_EQ(bob.send(R"({"Action": "SEND_MESSAGE", "Content": "hi alice", "RequestId": "bob-1"})", id), ivs::Status::ok);
    CHECK_EQ(id, "bob-1");
    CHECK(!ea.wait({{"Type", "MESSAGE"}, {"RequestId", "bob-1"}, {"Sender.UserId", "bob"}}).empty());

    // many messages from both at once, from other threads: all arrive
    no_rate_limit(room);
    std::thread ta([&] {
        for (int i = 0; i < 50; i++) alice.send(ivs::chat_action::send_message("a" + std::to_string(i)));
    });
    std::thread tb([&] {
        for (int i = 0; i < 50; i++) bob.send(ivs::chat_action::send_message("b" + std::to_string(i)));
    });
    ta.join();
    tb.join();
    CHECK(!ea.wait({{"Content", "b49"}}).empty());
    CHECK(!eb.wait({{"Content", "a49"}}).empty());
    CHECK(!eb.wait({{"Content", "b49"}}).empty());
    CHECK_EQ(eb.count({{"Type", "MESSAGE"}}), 102);

    alice.close();
    // thread dispatch, closed off the I/O thread: the final event has run when close returns
    CHECK(alice.ended());
    CHECK_EQ(ea.finals(), 1);
    CHECK_EQ(ea.count({{"State", "disconnected"}, {"Reason", "clientClosed"}, {"Reconnecting", "false"}}), 1);
    alice.close(); // idempotent
    CHECK(!alice && alice.ended());
    std::string out;
    CHECK_EQ(alice.send(ivs::chat_action::send_message("late"), out), ivs::Status::invalid_argument);
    CHECK_EQ(ivs::Error(ivs::Status::invalid_argument, out).code(), "ChatClosed");
    CHECK_EQ(ea.after_final(), 0);
}

#if IVS_HPP_NLOHMANN_JSON
static void nlohmann_rooms(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    std::mutex mu;
    std::vector<nlohmann::json> got;
    std::condition_variable cv;
    // a handler whose parameter is a nlohmann::json gets each event parsed
    ivs::ChatRoom r(c,
                    nlohmann::json{{"createToken", {{"roomIdentifier", room}, {"userId", "nl"}, {"capabilities", {"SEND_MESSAGE"}}}},
                                   {"url", ws_url()}},
                    [&](const nlohmann::json &event) {
                        std::lock_guard<std::mutex> g(mu);
                        got.push_back(event);
                        cv.notify_all();
                    });
    REQUIRE(r.wait_connected(10s));
    std::string id = r.send({{"Action", "SEND_MESSAGE"}, {"Content", "from json"}, {"Attributes", {{"k", "v"}}}});
    std::unique_lock<std::mutex> g(mu);
    bool seen = cv.wait_for(g, 10s, [&] {
        for (const nlohmann::json &e : got)
            if (e.value("RequestId", "") == id) return true;
        return false;
    });
    CHECK(seen);
    for (const nlohmann::json &e : got) {
        if (e.value("RequestId", "") != id) continue;
        CHECK_EQ(e["Content"].get<std::string>(), "from json");
        CHECK_EQ(e["Attributes"]["k"].get<std::string>(), "v");
    }
    g.unlock();
    // bytes that are not UTF-8 are an ivs::Error before anything is sent
    try {
        r.send({{"Action", "SEND_MESSAGE"}, {"Content", "bad \xff"}});
        FAIL("no ivs::Error for a string that is not UTF-8");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.status(), ivs::Status::invalid_argument);
    }
    // a by-value nlohmann::json parameter is parsed too; a generic lambda gets the text
    std::atomic<int> parsed{0}, texts{0};
    {
        ivs::ChatRoom byvalue(c, R"({"token": "AQICAHforged", "reconnect": false, "url": ")" + ws_url() + R"("})",
                              [&](nlohmann::json e) { parsed += e.is_object(); });
        ivs::ChatRoom generic(c, R"({"token": "AQICAHforged", "reconnect": false, "url": ")" + ws_url() + R"("})",
                              [&](auto text) { texts += std::string_view(text).substr(0, 1) == "{"; });
        CHECK(byvalue.wait_ended(10s) && generic.wait_ended(10s));
    }
    CHECK(parsed >= 2 && texts >= 2);
}
#endif

static void delete_and_disconnect(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    Events ea, em;
    ivs::ChatRoom alice(c, options_for(room, "alice"), ea.handler());
    ivs::ChatRoom mod(c, options_for(room, "mod", {"DELETE_MESSAGE", "DISCONNECT_USER"}), em.handler());
    REQUIRE(alice.wait_connected(10s) && mod.wait_connected(10s));

    std::string r1 = alice.send(ivs::chat_action::send_message("spam"));
    std::string m = em.wait({{"Type", "MESSAGE"}, {"RequestId", r1.c_str()}});
    REQUIRE(!m.empty());
    std::string message_id = h::Doc(m).str("Id");

    // capability: alice may not delete; the ERROR event carries the request's id, to alice only
    std::string r2 = alice.send(ivs::chat_action::delete_message(message_id));
    std::string e = ea.wait({{"Type", "ERROR"}, {"RequestId", r2.c_str()}});
    CHECK(!e.empty() && h::Doc(e).integer("ErrorCode") == 403);
    CHECK_EQ(em.count({{"Type", "ERROR"}}), 0);

    // DELETE_MESSAGE: aws:DELETE_MESSAGE to everyone
    std::string r3 = mod.send(ivs::chat_action::delete_message(message_id, "no spam"));
    e = ea.wait({{"Type", "EVENT"}, {"EventName", "aws:DELETE_MESSAGE"}, {"RequestId", r3.c_str()}});
    CHECK(!e.empty() && h::Doc(e).str("Attributes.MessageId") == message_id && h::Doc(e).str("Attributes.Reason") == "no spam");
    CHECK(!em.wait({{"EventName", "aws:DELETE_MESSAGE"}}).empty());

    // DISCONNECT_USER: the event to everyone, then alice's connection is closed by the server: her final event
    std::string r4 = mod.send(ivs::chat_action::disconnect_user("alice", "bye"));
    CHECK(!em.wait({{"EventName", "aws:DISCONNECT_USER"}, {"RequestId", r4.c_str()}, {"Attributes.UserId", "alice"}}).empty());
    CHECK(!ea.wait({{"EventName", "aws:DISCONNECT_USER"}}).empty());
    CHECK(alice.wait_ended(10s));
    e = ea.wait({{"State", "disconnected"}});
    CHECK(!e.empty() && h::Doc(e).str("Reason") == "serverClosed" && h::Doc(e).integer("Code") == 1000);
    CHECK(!alice.connected());
    // the chat ended by itself: sends are not connected (network), not closed
    try {
        alice.send(ivs::chat_action::send_message("after"));
        FAIL("send after the end did not throw");
    } catch (const ivs::Error &err) {
        CHECK_EQ(err.status(), ivs::Status::network);
        CHECK_EQ(err.code(), "ChatNotConnected");
        CHECK(err.retryable());
    }
    CHECK(static_cast<bool>(alice)); // not closed yet: close() still releases it
    alice.close();
    CHECK_EQ(ea.finals(), 1);
    CHECK_EQ(ea.after_final(), 0);
}

/* The token provider: called at every tokenNeeded, on the I/O thread, here with a blocking
 * CreateChatToken call; a server-side drop reconnects with a second token. */
static void token_provider_and_reconnect(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    Events ev;
    std::atomic<int> provided{0};
    std::thread::id provider_thread;
    ivs::ChatOptions o;
    o.url = ws_url();
    o.json = R"({"reconnect": {"initialDelayMs": 50}})";
    o.token_provider = [&] {
        provider_thread = std::this_thread::get_id();
        provided++;
        std::string out;
        ivs::Status st = c.call("ivschat", "CreateChatToken",
                                R"({"roomIdentifier": ")" + room + R"(", "userId": "prov", "capabilities": ["SEND_MESSAGE"]})", out);
        return st == ivs::Status::ok ? out : std::string(); // CreateChatToken's whole output
    };
    ivs::ChatRoom r(c, o, ev.handler());
    REQUIRE(r.wait_connected(10s));
    std::size_t from = 0;
    CHECK(!ev.wait(from, {{"State", "tokenNeeded"}}).empty());
    CHECK(!ev.wait(from, {{"State", "connected"}, {"Attempt", "1"}}).empty());
    CHECK_EQ(provided.load(), 1);
    CHECK(provider_thread == ev.thread());
    CHECK(provider_thread != std::this_thread::get_id());

    // ivs-local drops the connection (no close frame): network, reconnecting, a second token
    h::control("POST", "chat/connections/drop", R"({"userId": "prov", "mode": "reset"})");
    std::string e = ev.wait(from, {{"State", "disconnected"}});
    CHECK(!e.empty() && h::Doc(e).str("Reason") == "network" && matches(e, {{"Reconnecting", "true"}}));
    CHECK(!ev.wait(from, {{"State", "connecting"}, {"Attempt", "2"}}).empty());
    CHECK(!ev.wait(from, {{"State", "tokenNeeded"}}).empty());
    CHECK(!ev.wait(from, {{"State", "connected"}, {"Attempt", "2"}}).empty());
    CHECK_EQ(provided.load(), 2);
    CHECK_EQ(h::received("CreateChatToken"), 2);
    std::string id = r.send(ivs::chat_action::send_message("back"));
    CHECK(!ev.wait(from, {{"Type", "MESSAGE"}, {"RequestId", id.c_str()}}).empty());

    // a close frame with 1012 (service restart) is transient too
    h::control("POST", "chat/connections/drop", R"({"userId": "prov", "mode": "close", "code": 1012})");
    e = ev.wait(from, {{"State", "disconnected"}});
    CHECK(!e.empty() && h::Doc(e).str("Reason") == "serverClosed" && h::Doc(e).integer("Code") == 1012);
    CHECK(!ev.wait(from, {{"State", "connected"}, {"Attempt", "3"}}).empty());
    CHECK_EQ(provided.load(), 3);
    r.close();
    CHECK_EQ(ev.finals(), 1);
}

/* No provider: tokenNeeded waits; sends are refused until set_token brings a connection. A provider
 * that answers "" leaves it to set_token too. */
static void set_token_by_hand(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    Events ev;
    ivs::ChatRoom r(c, R"({"url": ")" + ws_url() + R"(", "reconnect": false})", ev.handler());
    CHECK(!ev.wait({{"State", "tokenNeeded"}}).empty());
    std::string out;
    CHECK_EQ(r.send(ivs::chat_action::send_message("too early"), out), ivs::Status::network);
    CHECK_EQ(ivs::Error(ivs::Status::network, out).code(), "ChatNotConnected");
    CHECK_EQ(r.set_token("has space"), ivs::Status::invalid_argument);
    CHECK_EQ(r.set_token(std::string("nul\0inside", 10)), ivs::Status::invalid_argument);
    CHECK_EQ(r.set_token(local_token(room, "hand")), ivs::Status::ok); // CreateChatToken's output as JSON
    CHECK(r.wait_connected(10s));
    CHECK(!r.send(ivs::chat_action::send_message("now")).empty());
    r.close();
    CHECK_EQ(r.set_token("abc"), ivs::Status::invalid_argument); // closed

    Events ev2;
    std::atomic<int> asked{0};
    ivs::ChatOptions o;
    o.url = ws_url();
    o.token_provider = [&] {
        asked++;
        return std::string();
    };
    ivs::ChatRoom later(c, o, ev2.handler());
    CHECK(!ev2.wait({{"State", "tokenNeeded"}}).empty());
    CHECK_EQ(asked.load(), 1);
    std::this_thread::sleep_for(100ms);
    CHECK(!later.connected());
    CHECK_EQ(later.set_token(h::Doc(local_token(room, "later")).str("token")), ivs::Status::ok); // the token alone
    CHECK(later.wait_connected(10s));
}

/* close() with 200 messages queued: all are written before the close frame; the listener gets them all. */
static void close_in_flight(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    no_rate_limit(room);
    Events ew, el;
    ivs::ChatRoom writer(c, options_for(room, "w"), ew.handler());
    ivs::ChatRoom listener(c, options_for(room, "l", {}), el.handler());
    REQUIRE(writer.wait_connected(10s) && listener.wait_connected(10s));
    const int n = 200;
    for (int i = 0; i < n; i++) writer.send(ivs::chat_action::send_message("m" + std::to_string(i)));
    writer.close();
    CHECK(writer.ended());
    std::string e = ew.wait({{"State", "disconnected"}}, 100ms);
    CHECK(!e.empty() && h::Doc(e).str("Reason") == "clientClosed" && !h::Doc(e).has("UnsentRequestIds"));
    CHECK(!el.wait({{"Type", "MESSAGE"}, {"Content", ("m" + std::to_string(n - 1)).c_str()}}).empty());
    CHECK_EQ(el.count({{"Type", "MESSAGE"}}), n);
    // in order
    int k = 0;
    bool ordered = true;
    for (const std::string &event : el.all()) {
        std::string content = h::Doc(event).str("Content");
        if (!content.empty()) ordered &= content == "m" + std::to_string(k++);
    }
    CHECK(ordered);
}

static void errors(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    Events ev;
    auto handler = ev.handler();

    // options libivs refuses: config; a createToken input the model refuses: validation
    try {
        ivs::ChatRoom bad(c, R"({"nope": 1})", handler);
        FAIL("unknown option accepted");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.status(), ivs::Status::config);
        CHECK(e.message().find("nope") != std::string::npos);
    }
    ivs::ChatOptions o;
    o.user_id = "no-room"; // createToken without roomIdentifier
    try {
        ivs::ChatRoom bad(c, o, handler);
        FAIL("createToken without roomIdentifier accepted");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.status(), ivs::Status::validation);
        CHECK(!e.problems().empty());
    }
    // the shorthands and json together: a key set both ways is refused
    o = options_for(room, "dup");
    o.json = R"({"url": "ws://127.0.0.1:1"})";
    ivs::ChatRoom out;
    std::string error;
    CHECK(ivs::ChatRoom::connect(c, o, handler, out, &error) != ivs::Status::ok);
    CHECK(!out && !error.empty());
    // not JSON
    CHECK_EQ(ivs::ChatRoom::connect(c, "{\"url\": ", handler, out, &error), ivs::Status::invalid_argument);
    CHECK_EQ(ivs::ChatRoom::connect(c, std::string("{}\0x", 4), handler, out, &error), ivs::Status::invalid_argument);
    CHECK(error.find("NUL") != std::string::npos);
    // an empty handler or client
    CHECK_EQ(ivs::ChatRoom::connect(c, options_for(room, "x"), ivs::ChatRoom::Handler(), out, &error),
             ivs::Status::invalid_argument);
    void (*null_fn)(std::string_view) = nullptr;
    CHECK_EQ(ivs::ChatRoom::connect(c, options_for(room, "x"), null_fn, out, &error), ivs::Status::invalid_argument);
    ivs::Client empty;
    CHECK_EQ(ivs::ChatRoom::connect(empty, options_for(room, "x"), handler, out, &error), ivs::Status::invalid_argument);
    CHECK_EQ(ivs::Error(ivs::Status::invalid_argument, error).code(), "InvalidArgument");
    // a token is never quoted in an error
    CHECK_EQ(ivs::ChatRoom::connect(c, R"({"token": "SECRET/TOKEN="})", handler, out, &error), ivs::Status::config);
    CHECK(error.find("SECRET") == std::string::npos);
    CHECK_EQ(ev.size(), 0u); // no handler ran for any of these

    // what send checks itself: every problem at once
    ivs::ChatRoom r(c, options_for(room, "err"), handler);
    REQUIRE(r.wait_connected(10s));
    try {
        r.send(R"({"Action": "SEND_MESSAGE", "Content": 5, "Extra": 1})");
        FAIL("an invalid request was sent");
    } catch (const ivs::Error &e) {
        CHECK_EQ(e.status(), ivs::Status::validation);
        CHECK_EQ(e.code(), "ParamValidationError");
        CHECK_EQ(e.problems().size(), 2u);
    }
    std::string text;
    CHECK_EQ(r.send(R"({"Action": "SHOUT"})", text), ivs::Status::validation);
    CHECK_EQ(r.send("[1]", text), ivs::Status::invalid_argument);
    std::string with_nul = R"({"Action": "SEND_MESSAGE", "Content": "aXb"})";
    with_nul[with_nul.find('X')] = '\0';
    CHECK_EQ(r.send(with_nul, text), ivs::Status::invalid_argument);
    CHECK(text.find("request_json") != std::string::npos);
    // the service's own refusals arrive as ERROR events: no capability for DISCONNECT_USER
    std::string id = r.send(ivs::chat_action::disconnect_user("someone"));
    std::string e = ev.wait({{"Type", "ERROR"}, {"RequestId", id.c_str()}});
    CHECK(!e.empty() && h::Doc(e).integer("ErrorCode") == 403);
    // an empty room
    ivs::ChatRoom none;
    CHECK(!none && none.ended() && !none.connected() && !none.wait_connected(1ms));
    CHECK_EQ(none.send("{}", text), ivs::Status::invalid_argument);
    CHECK_EQ(ivs::Error(ivs::Status::invalid_argument, text).code(), "ChatClosed");
    CHECK_EQ(none.set_token("abc"), ivs::Status::invalid_argument);
    none.close();
}

/* Destroyed and closed from inside its own handler, on the I/O thread: nothing deadlocks; after the
 * destructor the handler is not called, and it is destroyed once the final event has come. */
static void from_inside_the_handler(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);

    // the destructor, from the handler
    std::unique_ptr<ivs::ChatRoom> owned;
    std::mutex mu;
    std::atomic<int> calls{0}, calls_after{0};
    std::atomic<bool> destroyed{false};
    auto alive = std::make_shared<int>(0);
    std::weak_ptr<int> watch = alive;
    {
        std::lock_guard<std::mutex> g(mu);
        owned = std::make_unique<ivs::ChatRoom>(c, options_for(room, "self"), [&, alive](std::string_view event) {
            calls++;
            if (destroyed) calls_after++;
            if (matches(event, {{"State", "connected"}})) {
                std::unique_ptr<ivs::ChatRoom> self;
                {
                    std::lock_guard<std::mutex> inner(mu);
                    self = std::move(owned);
                }
                self.reset(); // ~ChatRoom on the I/O thread, inside its own handler
                destroyed = true;
            }
        });
    }
    alive.reset();
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!watch.expired() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    CHECK(destroyed.load());
    CHECK(watch.expired()); // the handler went with the final event
    CHECK_EQ(calls_after.load(), 0);
    CHECK_EQ(calls.load(), 2); // connecting, connected; not the final event after the destructor

    // close(), from the handler: returns at once, and the final event still reaches the handler
    Events ev;
    ivs::ChatRoom room2;
    std::atomic<bool> closed_inside{false};
    auto closer = [&](std::string_view event) {
        ev.add(event);
        if (matches(event, {{"State", "connected"}})) {
            room2.close();
            closed_inside = true;
        }
    };
    REQUIRE(ivs::ChatRoom::connect(c, options_for(room, "closer"), closer, room2) == ivs::Status::ok);
    CHECK(room2.wait_ended(10s));
    CHECK(closed_inside.load());
    CHECK(!ev.wait({{"State", "disconnected"}, {"Reason", "clientClosed"}}).empty());
    CHECK_EQ(ev.finals(), 1);

    // a handler that refers to its own room (connected into it) sends from the I/O thread
    Events ev3;
    ivs::ChatRoom echo;
    std::string sent_id;
    std::mutex id_mu;
    auto greeter = [&](std::string_view event) {
        ev3.add(event);
        if (matches(event, {{"State", "connected"}})) {
            std::string id = echo.send(ivs::chat_action::send_message("hello from the handler"));
            std::lock_guard<std::mutex> g(id_mu);
            sent_id = id;
        }
    };
    REQUIRE(ivs::ChatRoom::connect(c, options_for(room, "echo"), greeter, echo) == ivs::Status::ok);
    CHECK(!ev3.wait({{"Type", "MESSAGE"}, {"Content", "hello from the handler"}}).empty());
    std::lock_guard<std::mutex> g(id_mu);
    CHECK(!sent_id.empty() && ev3.count({{"RequestId", sent_id.c_str()}}) == 1);
}

/* A room destroyed on another thread while its events flow: once the destructor returned, its
 * handler is never called again. */
static void destroyed_while_events_flow(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    no_rate_limit(room);
    Events ew;
    ivs::ChatRoom writer(c, options_for(room, "w2"), ew.handler());
    REQUIRE(writer.wait_connected(10s));
    std::atomic<bool> stop{false};
    std::thread pump([&] {
        for (int i = 0; i < 2000 && !stop; i++) {
            std::string ignored;
            writer.send(ivs::chat_action::send_message("flow" + std::to_string(i)), ignored);
            std::this_thread::sleep_for(1ms);
        }
    });
    for (int round = 0; round < 5; round++) {
        std::atomic<int> after{0};
        std::atomic<bool> gone{false};
        std::atomic<int> seen{0};
        auto r = std::make_unique<ivs::ChatRoom>(c, options_for(room, "reader" + std::to_string(round), {}),
                                                 [&](std::string_view) {
                                                     seen++;
                                                     if (gone) after++;
                                                 });
        CHECK(r->wait_connected(10s));
        for (int i = 0; i < 100 && seen < 5; i++) std::this_thread::sleep_for(5ms);
        r.reset();
        gone = true;
        std::this_thread::sleep_for(20ms);
        CHECK_EQ(after.load(), 0);
        CHECK(seen.load() >= 3);
    }
    stop = true;
    pump.join();
}

/* Manual dispatch: events wait for Client::dispatch; close() returns at once with the final event
 * queued; a destroyed room's handler is not called by later dispatches, and goes with them. */
static void manual_dispatch() {
    h::reset();
    ivs::Client m(h::config(R"("dispatch": "manual")"));
    std::string room = make_room(m);
    Events ev;
    ivs::ChatRoom r(m, options_for(room, "manual"), ev.handler());
    auto pump = [&](auto done) {
        for (int i = 0; i < 500 && !done(); i++) m.dispatch(20);
    };
    pump([&] { return r.connected(); });
    CHECK(r.connected());
    CHECK(ev.thread() == std::this_thread::get_id()); // in dispatch, on this thread
    std::string id = r.send(ivs::chat_action::send_message("manual"));
    pump([&] { return ev.count({{"RequestId", id.c_str()}}) == 1; });
    CHECK_EQ(ev.count({{"RequestId", id.c_str()}}), 1);

    r.close(); // returns with the final event queued, not run
    CHECK(!r.ended());
    CHECK_EQ(ev.finals(), 0);
    pump([&] { return r.ended(); });
    CHECK(r.ended());
    CHECK_EQ(ev.finals(), 1);

    // destroyed before its final event is dispatched: the handler never sees it, and is destroyed
    // when dispatch runs that event
    std::atomic<int> calls{0};
    auto alive = std::make_shared<int>(0);
    std::weak_ptr<int> watch = alive;
    auto r2 = std::make_unique<ivs::ChatRoom>(m, options_for(room, "manual2"), [&calls, alive](std::string_view) { calls++; });
    alive.reset();
    pump([&] { return r2->connected(); });
    int before = calls.load();
    r2.reset();
    CHECK(!watch.expired()); // the final event still holds it
    for (int i = 0; i < 50 && !watch.expired(); i++) m.dispatch(20);
    CHECK(watch.expired());
    CHECK_EQ(calls.load(), before);

    // a room whose Client is destroyed with its final event never dispatched: freed with the client
    // (the sanitizer build checks for leaks)
    auto alive3 = std::make_shared<int>(0);
    std::weak_ptr<int> watch3 = alive3;
    {
        ivs::Client m2(h::config(R"("dispatch": "manual")"));
        ivs::ChatRoom r3(m2, options_for(room, "manual3"), [alive3](std::string_view) {});
        alive3.reset();
        for (int i = 0; i < 100 && !r3.connected(); i++) m2.dispatch(20);
        CHECK(r3.connected());
    }
    CHECK(watch3.expired());
}

/* A room outlives its Client: destroying the client ends the chat (clientClosed), sends fail after. */
static void outlives_client() {
    h::reset();
    Events ev;
    ivs::ChatRoom r;
    {
        ivs::Client own(h::config());
        std::string room = make_room(own);
        r = ivs::ChatRoom(own, options_for(room, "orphan"), ev.handler());
        REQUIRE(r.wait_connected(10s));
    }
    CHECK(r.ended());
    CHECK_EQ(ev.count({{"State", "disconnected"}, {"Reason", "clientClosed"}}), 1);
    std::string out;
    CHECK_EQ(r.send(ivs::chat_action::send_message("orphaned"), out), ivs::Status::network);
    r.close();
    CHECK_EQ(ev.finals(), 1);
}

/* Moves: the chat follows the room; the moved-from room is empty; assigning over an open room closes it. */
static void moves(const ivs::Client &c) {
    h::reset();
    std::string room = make_room(c);
    Events e1, e2;
    ivs::ChatRoom a(c, options_for(room, "m1"), e1.handler());
    ivs::ChatRoom b(std::move(a));
    CHECK(!a && b);
    REQUIRE(b.wait_connected(10s));
    std::string out;
    CHECK_EQ(a.send(ivs::chat_action::send_message("x"), out), ivs::Status::invalid_argument); // NOLINT(bugprone-use-after-move)
    CHECK(!b.send(ivs::chat_action::send_message("moved")).empty());
    ivs::ChatRoom other(c, options_for(room, "m2"), e2.handler());
    REQUIRE(other.wait_connected(10s));
    b = std::move(other); // closes m1: its final event has run when the assignment returns
    CHECK_EQ(e1.finals(), 1);
    CHECK_EQ(e1.count({{"Reason", "clientClosed"}}), 1);
    CHECK(b.connected());
    CHECK_EQ(e2.finals(), 0);
    b = ivs::ChatRoom();
    CHECK_EQ(e2.finals(), 1);
    CHECK(!b);
}

int main() {
    ivs::Client c(h::config());
    two_rooms_exchange(c);
#if IVS_HPP_NLOHMANN_JSON
    nlohmann_rooms(c);
#endif
    delete_and_disconnect(c);
    token_provider_and_reconnect(c);
    set_token_by_hand(c);
    close_in_flight(c);
    errors(c);
    from_inside_the_handler(c);
    destroyed_while_events_flow(c);
    moves(c);
    manual_dispatch();
    outlives_client();
    return h::finish();
}
