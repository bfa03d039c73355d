/*
 * The C++ test harness: checks that count failures and go on, a client configuration for the
 * ivs-local named by env IVS_LOCAL_URL (run-with-ivs-local.sh starts one per test program), JSON read
 * with jansson (independent of the header under test, and of nlohmann::json, which some variants hide),
 * and the ivs-local control API (/_local/...) over libcurl.
 *
 * A test is a program: int main() { ...; return h::finish(); }.
 */
#ifndef IVS_TEST_CPP_HARNESS_HPP
#define IVS_TEST_CPP_HARNESS_HPP

#include "ivs.hpp"

// The variant CMake built must be the one the header chose (nlohmann::json found, or hidden).
#if defined(IVS_TEST_EXPECT_NLOHMANN) && IVS_TEST_EXPECT_NLOHMANN != IVS_HPP_NLOHMANN_JSON
#error "ivs.hpp did not make the nlohmann::json choice this variant expects"
#endif

#include <curl/curl.h>
#include <jansson.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

namespace h {

inline std::atomic<int> checks{0}, failures{0};

inline void check(bool ok, const char *file, int line, const std::string &what) {
    checks++;
    if (!ok) {
        failures++;
        std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what.c_str());
    }
}
[[noreturn]] inline void abort_test() {
    std::fprintf(stderr, "test aborted after %d failures\n", failures.load());
    std::exit(1);
}
inline int finish() {
    std::printf("%d checks, %d failed\n", checks.load(), failures.load());
    return failures == 0 ? 0 : 1;
}

#define CHECK(cond) h::check(static_cast<bool>(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(a, b)                                                                                        \
    do {                                                                                                      \
        const auto a_ = (a);                                                                                  \
        const auto b_ = (b);                                                                                  \
        h::check(a_ == b_, __FILE__, __LINE__, std::string(#a " == " #b ": got ") + h::show(a_) + ", want " + h::show(b_)); \
    } while (0)
#define FAIL(what) h::check(false, __FILE__, __LINE__, what)
#define REQUIRE(cond)                                                                                         \
    do {                                                                                                      \
        if (!(cond)) {                                                                                        \
            h::check(false, __FILE__, __LINE__, "required: " #cond);                                          \
            h::abort_test();                                                                                  \
        }                                                                                                     \
    } while (0)

inline std::string show(std::string_view s) { return "\"" + std::string(s.substr(0, 400)) + "\""; }
inline std::string show(const std::string &s) { return show(std::string_view(s)); }
inline std::string show(const char *s) { return s ? show(std::string_view(s)) : std::string("null"); }
inline std::string show(ivs::Status s) { return ivs::to_string(s); }
inline std::string show(bool b) { return b ? "true" : "false"; }
#if IVS_HPP_NLOHMANN_JSON
inline std::string show(const nlohmann::json &j) { return j.dump(); }
#endif
template <class T> std::string show(const T &v) {
    if constexpr (std::is_arithmetic_v<T>) return std::to_string(v);
    else return "(a value)";
}

inline std::string url() {
    const char *u = std::getenv("IVS_LOCAL_URL");
    REQUIRE(u != nullptr && *u != '\0');
    return u;
}

/* A client configuration for ivs-local (region us-west-2, credentials test/test, maxAttempts 1), with
 * extra members ("\"maxAttempts\": 3") added after those (a later duplicate key is refused by libivs,
 * so extra must not repeat one). */
inline std::string config(std::string_view extra = {}) {
    std::string c = R"({"region": "us-west-2", "endpointUrl": ")" + url() +
                    R"(", "credentials": {"accessKeyId": "test", "secretAccessKey": "test"})";
    if (extra.find("maxAttempts") == std::string_view::npos) c += R"(, "maxAttempts": 1)";
    if (!extra.empty()) c += ", " + std::string(extra);
    return c + "}";
}

/* A parsed JSON document (jansson), read by dotted paths ("channel.arn", "channels.0.name"). */
class Doc {
public:
    explicit Doc(std::string_view text) {
        json_error_t e;
        root_ = json_loadb(text.data(), text.size(), 0, &e);
        if (!root_) std::fprintf(stderr, "not JSON (%s): %.300s\n", e.text, std::string(text).c_str());
    }
    Doc(const Doc &) = delete;
    Doc &operator=(const Doc &) = delete;
    ~Doc() { json_decref(root_); }

    bool ok() const { return root_ != nullptr; }
    json_t *get(std::string_view path) const {
        json_t *cur = root_;
        while (cur && !path.empty()) {
            std::size_t dot = path.find('.');
            std::string part(path.substr(0, dot));
            path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
            if (json_is_array(cur)) cur = json_array_get(cur, std::strtoul(part.c_str(), nullptr, 10));
            else cur = json_object_get(cur, part.c_str());
        }
        return cur;
    }
    bool has(std::string_view path) const { return get(path) != nullptr; }
    std::string str(std::string_view path) const {
        const char *s = json_string_value(get(path));
        return s ? s : "";
    }
    long long integer(std::string_view path) const {
        json_t *v = get(path);
        return json_is_integer(v) ? json_integer_value(v) : -1;
    }
    long len(std::string_view path) const {
        json_t *v = get(path);
        if (json_is_array(v)) return static_cast<long>(json_array_size(v));
        if (json_is_object(v)) return static_cast<long>(json_object_size(v));
        return -1;
    }

private:
    json_t *root_ = nullptr;
};

/* ---- the ivs-local control API ----------------------------------------------------------------- */

inline std::size_t collect(char *data, std::size_t size, std::size_t n, void *userdata) {
    static_cast<std::string *>(userdata)->append(data, size * n);
    return size * n;
}

/* method /_local/route with a JSON body; returns the answer's text and requires a 2xx status. */
inline std::string control(const char *method, const std::string &route, const std::string &body = "{}") {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CURL *c = curl_easy_init();
    REQUIRE(c != nullptr);
    std::string target = url() + "/_local/" + route, answer;
    curl_slist *headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, target.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (std::string_view(method) == "GET") curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    else curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    REQUIRE(rc == CURLE_OK);
    check(status >= 200 && status < 300, __FILE__, __LINE__, "control " + route + " answered " + std::to_string(status) + ": " + answer);
    return answer;
}

inline void reset() { control("POST", "reset"); }
/* Adds a fault (docs/ivs-local.md): {"operation", "count", "action", ...}. */
inline void fault(const std::string &body) { control("POST", "faults", body); }
/* How many requests for operation ivs-local received. */
inline long received(const std::string &operation) {
    return Doc(control("GET", "requests?operation=" + operation)).len("requests");
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace h

#endif
