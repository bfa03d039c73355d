/*
 * ivs::Error against ivs-local: a service error with its HTTP status, request id and fields; validation
 * problems; invalid arguments (unknown service or operation, malformed JSON, NUL bytes that cannot
 * cross the C ABI); a bad configuration; throttling after retries and a refused connection (retryable,
 * attempts); the non-throwing overloads reporting the same; an empty client; Error as a value (copies,
 * what(), std::exception); and Error read from text that is not libivs's error JSON, which must never
 * crash.
 */
#include "harness.hpp"

#include <string>
#include <type_traits>

static_assert(std::is_base_of_v<std::runtime_error, ivs::Error>);
static_assert(std::is_nothrow_copy_constructible_v<ivs::Error>);
static_assert(std::is_nothrow_copy_assignable_v<ivs::Error>);

static const std::string missing = "arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234";

/* Calls and returns the Error it throws (REQUIRE that it throws one). */
template <class F> static ivs::Error thrown(F &&f) {
    try {
        f();
    } catch (const ivs::Error &e) {
        return e;
    }
    h::check(false, __FILE__, __LINE__, "no ivs::Error was thrown");
    h::abort_test();
}

static void service_error(const ivs::Client &c) {
    ivs::Error e = thrown([&] { c.call("ivs", "GetChannel", R"({"arn": ")" + missing + R"("})"); });
    CHECK_EQ(e.status(), ivs::Status::service);
    CHECK_EQ(e.kind(), "service");
    CHECK_EQ(e.code(), "ResourceNotFoundException");
    CHECK(e.message().find(missing) != std::string::npos);
    CHECK_EQ(e.http_status(), 404);
    CHECK(!e.request_id().empty());
    CHECK(!e.retryable());
    CHECK_EQ(e.attempts(), 1);
    CHECK(e.problems().empty());
    h::Doc fields(e.fields());
    CHECK(fields.str("exceptionMessage").find("not found") != std::string::npos);
    // the whole error JSON, with the response's metadata beside "error"
    h::Doc whole(e.json());
    CHECK_EQ(whole.str("error.code"), "ResourceNotFoundException");
    CHECK_EQ(whole.str("ResponseMetadata.RequestId"), e.request_id());
    CHECK_EQ(whole.integer("ResponseMetadata.HTTPStatusCode"), 404);
    CHECK_EQ(std::string(e.what()), "ResourceNotFoundException: " + e.message());

    // what ivs-local received: one request, whose id the error carries
    h::Doc log(h::control("GET", "requests?operation=GetChannel"));
    CHECK_EQ(log.len("requests"), 1);
    CHECK_EQ(log.str("requests.0.requestId"), e.request_id());

    // a conflict carries the service's code too
    std::string arn = h::Doc(c.call("ivs", "CreateChannel", "{}")).str("channel.arn");
    e = thrown([&] { c.call("ivs", "CreateStreamKey", R"({"channelArn": ")" + arn + R"("})"); });
    CHECK_EQ(e.code(), "ServiceQuotaExceededException");
    CHECK_EQ(e.http_status(), 402);
}

static void validation_error(const ivs::Client &c) {
    long before = h::received("CreateChannel");
    ivs::Error e = thrown([&] { c.call("ivs", "CreateChannel", R"({"name": 42, "tags": {"k": 7}, "bogus": 1})"); });
    CHECK_EQ(e.status(), ivs::Status::validation);
    CHECK_EQ(e.kind(), "validation");
    CHECK_EQ(e.code(), "ParamValidationError");
    CHECK_EQ(e.http_status(), 0);
    CHECK(e.request_id().empty());
    CHECK_EQ(e.attempts(), 0);
    REQUIRE(e.problems().size() == 3);
    bool name = false, tag = false, unknown = false;
    for (const ivs::Problem &p : e.problems()) {
        name |= p.path == "name" && p.problem.find("Invalid type") != std::string::npos;
        tag |= p.path == "tags.k";
        unknown |= p.path == "bogus";
    }
    CHECK(name && tag && unknown);
    CHECK_EQ(h::Doc(e.fields()).len("problems"), 3);
    CHECK_EQ(h::received("CreateChannel"), before); // nothing was sent

    e = thrown([&] { c.call("ivs-realtime", "GetStage"); });
    REQUIRE(e.problems().size() == 1);
    CHECK_EQ(e.problems()[0].path, "arn");
    CHECK_EQ(e.problems()[0].problem, "Missing required parameter");
}

static void invalid_arguments(const ivs::Client &c) {
    struct Case {
        std::string service, operation, input, code;
    };
    const Case cases[] = {
        {"nope", "ListChannels", "{}", "UnknownService"},
        {"ivs", "NoSuchOperation", "{}", "UnknownOperation"},
        {"ivs", "ListChannels", "{not json", "MalformedInput"},
        {"ivs", "ListChannels", "[]", ""},
        {std::string("ivs\0x", 5), "ListChannels", "{}", "InvalidArgument"},
        {"ivs", std::string("ListChannels\0", 13), "{}", "InvalidArgument"},
        {"ivs", "ListChannels", std::string("{}\0{\"maxResults\": 1}", 20), "InvalidArgument"},
    };
    for (const Case &k : cases) {
        ivs::Error e = thrown([&] { c.call(k.service, k.operation, k.input); });
        CHECK_EQ(e.status(), ivs::Status::invalid_argument);
        CHECK_EQ(e.kind(), "invalid_argument");
        if (!k.code.empty()) CHECK_EQ(e.code(), k.code);
        CHECK_EQ(e.attempts(), 0);
        CHECK(h::Doc(e.json()).ok());
        std::string out;
        CHECK_EQ(c.paginate(k.service, k.operation, k.input, out), ivs::Status::invalid_argument);
        CHECK_EQ(h::Doc(out).str("error.kind"), "invalid_argument");
    }
    // a NUL byte is named in the message
    ivs::Error e = thrown([&] { c.call("ivs", "ListChannels", std::string_view("{}\0", 3)); });
    CHECK_EQ(e.message(), "input_json contains a NUL byte");
    CHECK_EQ(h::received("ListChannels"), 0);
}

static void config_errors() {
    ivs::Error e = thrown([] { ivs::Client bad(R"({"region": "us-west-2", "bogus": 1})"); });
    CHECK_EQ(e.status(), ivs::Status::config);
    CHECK_EQ(e.code(), "InvalidConfiguration");
    CHECK(e.message().find("bogus") != std::string::npos);
    e = thrown([] { ivs::Client bad("[1, 2]"); });
    CHECK_EQ(e.status(), ivs::Status::invalid_argument);
    e = thrown([] { ivs::Client bad(R"({"region": "us-west-2", "endpointUrl": "http://user:pw@127.0.0.1:1"})"); });
    CHECK_EQ(e.status(), ivs::Status::config);
    CHECK(e.message().find("pw") == std::string::npos); // no secret in the message

    // the non-throwing form
    ivs::Client client;
    std::string error;
    CHECK_EQ(ivs::Client::create(R"({"maxAttempts": "three"})", client, &error), ivs::Status::config);
    CHECK(!client);
    CHECK_EQ(ivs::Error(ivs::Status::config, error).code(), "InvalidConfiguration");
    CHECK_EQ(ivs::Client::create(std::string("{}\0", 3), client, &error), ivs::Status::invalid_argument);
    CHECK_EQ(h::Doc(error).str("error.message"), "config_json contains a NUL byte");
    CHECK_EQ(ivs::Client::create(h::config(), client, &error), ivs::Status::ok);
    CHECK(client);
    CHECK(error.empty());
}

static void retries_then_error() {
    // throttled on every attempt: the last error, retryable, with the attempts made
    ivs::Client c(h::config(R"("maxAttempts": 3, "retryMode": "standard")"));
    h::fault(R"({"operation": "ListRooms", "count": 3, "status": 429, "code": "ThrottlingException"})");
    ivs::Error e = thrown([&] { c.call("ivschat", "ListRooms"); });
    CHECK_EQ(e.code(), "ThrottlingException");
    CHECK_EQ(e.http_status(), 429);
    CHECK(e.retryable());
    CHECK_EQ(e.attempts(), 3);
    CHECK_EQ(h::received("ListRooms"), 3);
    // throttled once: the retry succeeds
    h::fault(R"({"operation": "ListRooms", "count": 1, "status": 429, "code": "ThrottlingException"})");
    CHECK_EQ(h::Doc(c.call("ivschat", "ListRooms")).integer("ResponseMetadata.RetryAttempts"), 1);

    // nobody listening: a network error after maxAttempts
    ivs::Client closed(R"({"region": "us-west-2", "endpointUrl": "http://127.0.0.1:1", "maxAttempts": 2,
                           "credentials": {"accessKeyId": "test", "secretAccessKey": "test"}})");
    e = thrown([&] { closed.call("ivs", "ListChannels"); });
    CHECK_EQ(e.status(), ivs::Status::network);
    CHECK_EQ(e.kind(), "network");
    CHECK_EQ(e.code(), "EndpointConnectionError");
    CHECK(e.retryable());
    CHECK_EQ(e.attempts(), 2);
    CHECK_EQ(e.http_status(), 0);
}

static void non_throwing_errors(const ivs::Client &c) {
    std::string out;
    ivs::Status st = c.call("ivs", "GetChannel", R"({"arn": ")" + missing + R"("})", out);
    CHECK_EQ(st, ivs::Status::service);
    ivs::Error e(st, out);
    CHECK_EQ(e.code(), "ResourceNotFoundException");
    CHECK_EQ(e.http_status(), 404);
    CHECK_EQ(c.call("ivs", "GetChannel", "{}", out), ivs::Status::validation);
    CHECK_EQ(h::Doc(out).str("error.fields.problems.0.path"), "arn");
}

static void empty_client() {
    ivs::Client empty;
    CHECK(!empty);
    CHECK(empty.get() == nullptr);
    ivs::Error e = thrown([&] { empty.call("ivs", "ListChannels"); });
    CHECK_EQ(e.status(), ivs::Status::invalid_argument);
    CHECK(e.message().find("client") != std::string::npos);
    std::string out;
    CHECK_EQ(empty.config(out), ivs::Status::invalid_argument);
    CHECK_EQ(empty.cancel(1), ivs::Status::invalid_argument);
    CHECK_EQ(empty.fd(), -1);
    CHECK_EQ(empty.dispatch(0), 0);
    // moved from: empty too
    ivs::Client a(h::config());
    ivs::Client b(std::move(a));
    CHECK(!a && b);
    CHECK_EQ(a.call("ivs", "ListChannels", "{}", out), ivs::Status::invalid_argument);
    CHECK_EQ(b.call("ivs", "ListChannels", "{}", out), ivs::Status::ok);
}

static void error_as_value(const ivs::Client &c) {
    ivs::Error e = thrown([&] { c.call("ivs", "GetChannel", R"({"arn": ")" + missing + R"("})"); });
    ivs::Error copy = e; // shares the record
    CHECK_EQ(copy.code(), e.code());
    CHECK(&copy.code() == &e.code());
    CHECK_EQ(std::string(copy.what()), std::string(e.what()));
    try {
        throw copy;
    } catch (const std::exception &any) {
        CHECK_EQ(std::string(any.what()), std::string(e.what()));
    }
    try {
        c.call("ivs", "GetChannel", "{}");
    } catch (const std::runtime_error &any) {
        CHECK(std::string(any.what()).rfind("ParamValidationError: ", 0) == 0);
    }
}

/* Error reads libivs's error JSON; anything else becomes an InternalError that keeps the text. None of
 * these may crash, loop or read out of bounds (the suite runs under ASan-free builds too, so the
 * results are checked, not just survived). */
static void error_from_any_text() {
    const std::string bad[] = {"", "null", "{", "{\"error\": 5}", "[]", std::string(100000, '['),
                               "{\"error\": {\"code\": \"X\", \"message\": \"\\ud800\"", "\"\\u12\"",
                               "{\"error\": {\"code\": 1}} trailing", std::string("{\"a\":\"\0\"}", 9)};
    for (const std::string &text : bad) {
        ivs::Error e(ivs::Status::internal, text);
        CHECK_EQ(e.code(), "InternalError");
        CHECK_EQ(e.status(), ivs::Status::internal);
        CHECK_EQ(e.json(), text);
        CHECK_EQ(e.fields(), "{}");
    }
    // members of the wrong type are left empty, not guessed
    ivs::Error odd(ivs::Status::service,
                   R"({"error": {"kind": "service", "code": 7, "message": null, "httpStatus": "404",
                                 "requestId": [], "retryable": "yes", "attempts": 1.5, "fields": []}})");
    CHECK_EQ(odd.code(), "");
    CHECK_EQ(odd.message(), "");
    CHECK_EQ(odd.http_status(), 0);
    CHECK_EQ(odd.request_id(), "");
    CHECK(!odd.retryable());
    CHECK_EQ(odd.attempts(), 0);
    CHECK_EQ(odd.fields(), "{}");
    // escapes decode to UTF-8: é, U+1F600 from a surrogate pair, a lone surrogate as U+FFFD, controls
    ivs::Error esc(ivs::Status::service,
                   R"({"error": {"code": "C", "message": "caf\u00e9 \ud83d\ude00 \udc00 \"q\" \\ \/ \t\n", "fields": {"problems": [{"path": "a.b", "problem": "p"}, 3]}}})");
    CHECK_EQ(esc.message(), "caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd \"q\" \\ / \t\n");
    REQUIRE(esc.problems().size() == 2);
    CHECK_EQ(esc.problems()[0].path, "a.b");
    CHECK_EQ(esc.problems()[1].path, ""); // not an object: an empty problem, not a crash
    CHECK_EQ(esc.fields(), R"({"problems": [{"path": "a.b", "problem": "p"}, 3]})");
}

#if IVS_HPP_NLOHMANN_JSON
static void nlohmann_errors(const ivs::Client &c) {
    using nlohmann::json;
    ivs::Error e = thrown([&] { c.call("ivs", "GetChannel", json{{"arn", missing}}); });
    CHECK_EQ(e.code(), "ResourceNotFoundException");
    CHECK(e.fields_json()["exceptionMessage"].is_string());
    e = thrown([&] { c.call("ivs", "CreateChannel", json{{"name", 1}}); });
    CHECK_EQ(e.fields_json()["problems"][0]["path"].get<std::string>(), "name");
    // a string that is not UTF-8 cannot be JSON text: invalid_argument, nothing sent
    e = thrown([&] { c.call("ivs", "CreateChannel", json{{"name", "bad \xff byte"}}); });
    CHECK_EQ(e.status(), ivs::Status::invalid_argument);
    CHECK(e.message().find("UTF-8") != std::string::npos);
    e = thrown([&] { c.paginate_async("ivs", "ListChannels", json{{"x", "\xc3"}}).get(); });
    CHECK_EQ(e.status(), ivs::Status::invalid_argument);
    json out;
    CHECK_EQ(c.call("ivs", "CreateChannel", json{{"name", "\xfe"}}, out), ivs::Status::invalid_argument);
    CHECK_EQ(out["error"]["kind"].get<std::string>(), "invalid_argument");
    CHECK_EQ(c.call("ivs", "GetChannel", json{{"arn", missing}}, out), ivs::Status::service);
    CHECK_EQ(out["error"]["httpStatus"].get<int>(), 404);
    CHECK(out.contains("ResponseMetadata"));
    // a bad configuration as JSON
    e = thrown([] { ivs::Client bad(json{{"retryMode", "sometimes"}}); });
    CHECK_EQ(e.status(), ivs::Status::config);
}
#endif

int main() {
    ivs::Client c(h::config());
    service_error(c);
    h::reset();
    validation_error(c);
    h::reset();
    invalid_arguments(c);
    config_errors();
    h::reset();
    retries_then_error();
    non_throwing_errors(c);
    empty_client();
    error_as_value(c);
    error_from_any_text();
#if IVS_HPP_NLOHMANN_JSON
    nlohmann_errors(c);
#endif
    return h::finish();
}
