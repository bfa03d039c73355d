/*
 * ivs::Client as an object: RAII, movable and not copyable (checked at compile time), every way to
 * make one (text of each type, create() without exceptions, an adopted ivs_client, nlohmann::json),
 * move construction and assignment freeing what they replace, release(), config(), version() and
 * describe().
 */
#include "harness.hpp"

#include <string>
#include <type_traits>

static_assert(!std::is_copy_constructible_v<ivs::Client>);
static_assert(!std::is_copy_assignable_v<ivs::Client>);
static_assert(std::is_nothrow_move_constructible_v<ivs::Client>);
static_assert(std::is_nothrow_move_assignable_v<ivs::Client>);
static_assert(std::is_nothrow_default_constructible_v<ivs::Client>);
static_assert(!std::is_convertible_v<std::string, ivs::Client>); // explicit
static_assert(static_cast<int>(ivs::Status::cancelled) == IVS_E_CANCELLED);
static_assert(std::is_same_v<ivs::RequestId, ivs_request_id>);

static bool works(const ivs::Client &c) {
    std::string out;
    return c.call("ivs", "ListChannels", "{}", out) == ivs::Status::ok && h::Doc(out).has("channels");
}

static void making() {
    std::string text = h::config();
    std::string_view view = text;
    const char *pointer = text.c_str();
    ivs::Client a(text), b(view), c(pointer), d(h::config().c_str());
    CHECK(works(a) && works(b) && works(c) && works(d));

    ivs::Client e;
    CHECK_EQ(ivs::Client::create(view, e), ivs::Status::ok);
    CHECK(works(e));

    ivs_client *raw = nullptr;
    char *error = nullptr;
    REQUIRE(ivs_client_new(text.c_str(), &raw, &error) == IVS_OK);
    ivs::Client adopted(raw);
    CHECK(adopted.get() == raw);
    CHECK(works(adopted));
    ivs_client *back = adopted.release();
    CHECK(back == raw && !adopted);
    ivs_client_free(back);

    // defaults from the environment: region and credentials as the AWS SDKs find them
    setenv("AWS_REGION", "eu-west-1", 1);
    ivs::Client env("{}");
    CHECK_EQ(h::Doc(env.config()).str("region"), "eu-west-1");
#if IVS_HPP_NLOHMANN_JSON
    ivs::Client j(nlohmann::json::parse(text));
    CHECK(works(j));
    ivs::Client k(nlohmann::json{{"region", "us-west-2"}, {"endpointUrl", h::url()}, {"maxAttempts", 1},
                                 {"credentials", {{"accessKeyId", "test"}, {"secretAccessKey", "test"}}}});
    CHECK(works(k));
#endif
}

static void moving() {
    ivs::Client a(h::config(R"("userAgentSuffix": "first")"));
    ivs::Client b(h::config(R"("userAgentSuffix": "second")"));
    ivs_client *first = a.get();
    ivs::Client c(std::move(a));
    CHECK(c.get() == first && !a);
    b = std::move(c); // frees b's own client; b now holds the first
    CHECK(b.get() == first && !c);
    CHECK(h::Doc(b.config()).str("userAgent").find("first") != std::string::npos);
    ivs::Client &same = b;
    b = std::move(same); // self-move keeps it
    CHECK(b.get() == first);
    CHECK(works(b));
    a = ivs::Client(h::config());
    CHECK(works(a));
}

static void introspection(const ivs::Client &c) {
    h::Doc config(c.config());
    CHECK_EQ(config.str("region"), "us-west-2");
    CHECK_EQ(config.str("endpoints.ivs"), h::url());
    CHECK_EQ(config.str("endpoints.ivschat"), h::url());
    CHECK_EQ(config.integer("maxAttempts"), 1);
    CHECK(c.config().find("\"test\"") == std::string::npos); // never the secret
    std::string out;
    CHECK_EQ(c.config(out), ivs::Status::ok);
    CHECK_EQ(h::Doc(out).str("region"), "us-west-2");

    CHECK_EQ(std::string(ivs::version()), std::string(ivs_version()));
    h::Doc ivs_ops(ivs::describe("ivs"));
    CHECK(ivs_ops.has("services.ivs.operations.CreateChannel"));
    CHECK(!ivs_ops.has("services.ivschat"));
    h::Doc all(ivs::describe());
    CHECK(all.has("services.ivs-realtime.operations.CreateStage") && all.has("partitions"));
    CHECK(ivs::describe("nope").empty());
    CHECK(ivs::describe(std::string("ivs\0", 4)).empty());
    CHECK_EQ(std::string(ivs::to_string(ivs::Status::network)), "network");
}

int main() {
    making();
    moving();
    introspection(ivs::Client(h::config()));
    return h::finish();
}
