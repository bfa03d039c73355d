/*
 * ivs.hpp: the C++17 interface of libivs, header-only, over the C ABI of ivs.h.
 *
 *   ivs::Client client(R"({"region": "us-west-2"})");                 // throws ivs::Error
 *   std::string out = client.call("ivs", "CreateChannel", R"({"name": "studio-a"})");
 *   std::future<std::string> f = client.call_async("ivs", "ListChannels", "{}");
 *
 * Everything is JSON text, as in ivs.h: std::string_view (or const char *, std::string) in,
 * std::string out. Failures throw ivs::Error, which carries every member of the error JSON; each
 * throwing call has an overload that returns an ivs::Status instead and never throws ivs::Error, for
 * code built without exceptions (-fno-exceptions hides the throwing ones). When <nlohmann/json.hpp>
 * is available, every call also has an overload taking and returning nlohmann::json (define
 * IVS_HPP_NO_NLOHMANN_JSON to leave them out).
 *
 * Threading is ivs.h's: a Client may be used by many threads at once (its methods are const). The
 * callbacks of calls in flight run on the client's I/O thread (or in Client::dispatch with the
 * configuration "dispatch": "manual"); they must not throw (an exception leaving one calls
 * std::terminate, as it would leave a std::thread) and must not destroy their own Client.
 *
 * Chat messaging: ivs::ChatRoom, one WebSocket connection to an IVS Chat room, with an event handler
 * (the same threading rules, and what closing from inside it does: see the class).
 *
 * Installed beside ivs.h; with CMake: find_package(ivs) and target_link_libraries(app PRIVATE ivs::cpp).
 */
#ifndef IVS_HPP
#define IVS_HPP

#include "ivs.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define IVS_HPP_EXCEPTIONS 1
#include <exception>
#include <future>
#else
#define IVS_HPP_EXCEPTIONS 0
#endif

#if !defined(IVS_HPP_NO_NLOHMANN_JSON) && defined(__has_include)
#if __has_include(<nlohmann/json.hpp>)
#include <nlohmann/json.hpp>
#define IVS_HPP_NLOHMANN_JSON 1
#endif
#endif
#ifndef IVS_HPP_NLOHMANN_JSON
#define IVS_HPP_NLOHMANN_JSON 0
#endif

namespace ivs {

/* The status of a call: ivs_status as a scoped enumeration (the same values). */
enum class Status : int {
    ok = IVS_OK,
    invalid_argument = IVS_E_INVALID_ARGUMENT,
    validation = IVS_E_VALIDATION,
    config = IVS_E_CONFIG,
    credentials = IVS_E_CREDENTIALS,
    network = IVS_E_NETWORK,
    service = IVS_E_SERVICE,
    internal = IVS_E_INTERNAL,
    cancelled = IVS_E_CANCELLED,
};

/* The name of a status as the error JSON's "kind" spells it ("ok" for Status::ok). */
inline const char *to_string(Status status) noexcept {
    switch (status) {
    case Status::ok: return "ok";
    case Status::invalid_argument: return "invalid_argument";
    case Status::validation: return "validation";
    case Status::config: return "config";
    case Status::credentials: return "credentials";
    case Status::network: return "network";
    case Status::service: return "service";
    case Status::internal: return "internal";
    case Status::cancelled: return "cancelled";
    }
    return "unknown";
}

/* Identifies a call in flight for Client::cancel. Never 0. */
using RequestId = ivs_request_id;

/* The library version, e.g. "0.1.0". */
inline const char *version() noexcept { return ivs_version(); }

namespace detail {

/* A small JSON reader for the error JSON (the header must not need a JSON library). It reads what
 * libivs writes, and refuses anything else without crashing: bounded nesting, checked escapes. */
struct JsonValue {
    enum class Type { null, boolean, number, string, array, object };
    Type type = Type::null;
    bool boolean = false;
    bool integral = false;      // a number without fraction or exponent that fits int64_t
    std::int64_t integer = 0;
    std::string text;           // a string's decoded value
    std::string_view raw;       // the value's source text
    std::vector<std::string> keys;
    std::vector<JsonValue> values; // array items, or object values in the order of keys

    const JsonValue *get(std::string_view key) const noexcept {
        if (type != Type::object) return nullptr;
        for (std::size_t i = 0; i < keys.size(); i++)
            if (keys[i] == key) return &values[i];
        return nullptr;
    }
};

class JsonReader {
public:
    explicit JsonReader(std::string_view text) noexcept : p_(text.data()), end_(text.data() + text.size()) {}

    /* Parses one JSON value that is the whole text. */
    bool parse(JsonValue &out) {
        if (!value(out, 0)) return false;
        space();
        return p_ == end_;
    }

private:
    static constexpr int max_depth = 128;
    const char *p_;
    const char *end_;

    void space() noexcept {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) p_++;
    }
    bool literal(std::string_view word) noexcept {
        if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
            return false;
        p_ += word.size();
        return true;
    }

    bool value(JsonValue &v, int depth) {
        space();
        if (p_ == end_ || depth > max_depth) return false;
        const char *start = p_;
        bool ok = false;
        switch (*p_) {
        case '{': ok = object(v, depth); break;
        case '[': ok = array(v, depth); break;
        case '"': v.type = JsonValue::Type::string; ok = string(v.text); break;
        case 't': v.type = JsonValue::Type::boolean; v.boolean = true; ok = literal("true"); break;
        case 'f': v.type = JsonValue::Type::boolean; ok = literal("false"); break;
        case 'n': v.type = JsonValue::Type::null; ok = literal("null"); break;
        default: ok = number(v); break;
        }
        if (ok) v.raw = std::string_view(start, static_cast<std::size_t>(p_ - start));
        return ok;
    }

    bool object(JsonValue &v, int depth) {
        v.type = JsonValue::Type::object;
        p_++;
        space();
        if (p_ < end_ && *p_ == '}') { p_++; return true; }
        for (;;) {
            space();
            std::string key;
            if (p_ == end_ || *p_ != '"' || !string(key)) return false;
            space();
            if (p_ == end_ || *p_ != ':') return false;
            p_++;
            JsonValue member;
            if (!value(member, depth + 1)) return false;
            v.keys.push_back(std::move(key));
            v.values.push_back(std::move(member));
            space();
            if (p_ == end_) return false;
            if (*p_ == '}') { p_++; return true; }
            if (*p_ != ',') return false;
            p_++;
        }
    }

    bool array(JsonValue &v, int depth) {
        v.type = JsonValue::Type::array;
        p_++;
        space();
        if (p_ < end_ && *p_ == ']') { p_++; return true; }
        for (;;) {
            JsonValue item;
            if (!value(item, depth + 1)) return false;
            v.values.push_back(std::move(item));
            space();
            if (p_ == end_) return false;
            if (*p_ == ']') { p_++; return true; }
            if (*p_ != ',') return false;
            p_++;
        }
    }

    static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

    bool number(JsonValue &v) noexcept {
        v.type = JsonValue::Type::number;
        bool negative = p_ < end_ && *p_ == '-';
        if (negative) p_++;
        if (p_ == end_ || !is_digit(*p_)) return false;
        std::uint64_t magnitude = 0;
        bool fits = true;
        if (*p_ == '0') {
            p_++;
        } else {
            for (; p_ < end_ && is_digit(*p_); p_++) {
                auto digit = static_cast<std::uint64_t>(*p_ - '0');
                if (magnitude > (UINT64_C(9223372036854775807) - digit) / 10) fits = false;
                else magnitude = magnitude * 10 + digit;
            }
        }
        bool fraction = false;
        if (p_ < end_ && *p_ == '.') {
            fraction = true;
            p_++;
            if (p_ == end_ || !is_digit(*p_)) return false;
            while (p_ < end_ && is_digit(*p_)) p_++;
        }
        if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
            fraction = true;
            p_++;
            if (p_ < end_ && (*p_ == '+' || *p_ == '-')) p_++;
            if (p_ == end_ || !is_digit(*p_)) return false;
            while (p_ < end_ && is_digit(*p_)) p_++;
        }
        v.integral = fits && !fraction;
        if (v.integral) v.integer = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
        return true;
    }

    bool hex4(unsigned &out) noexcept {
        if (end_ - p_ < 4) return false;
        out = 0;
        for (int i = 0; i < 4; i++, p_++) {
            char c = *p_;
            unsigned d;
            if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
            else return false;
            out = out * 16 + d;
        }
        return true;
    }

    static void utf8(std::string &out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool string(std::string &out) {
        p_++; // the opening quote
        while (p_ < end_) {
            char c = *p_++;
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return false;
            if (c != '\\') { out += c; continue; }
            if (p_ == end_) return false;
            switch (*p_++) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp;
                if (!hex4(cp)) return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    // a high surrogate: with a low one it is one code point, alone it is U+FFFD
                    const char *save = p_;
                    unsigned low = 0;
                    bool pair = end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u';
                    if (pair) {
                        p_ += 2;
                        pair = hex4(low) && low >= 0xDC00 && low <= 0xDFFF;
                    }
                    if (pair) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else {
                        p_ = save;
                        cp = 0xFFFD;
                    }
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    cp = 0xFFFD;
                }
                utf8(out, cp);
                break;
            }
            default: return false;
            }
        }
        return false;
    }
};

/* A string argument for the C ABI: NUL-terminated, copied only when it has to be. A string with a
 * NUL byte inside cannot cross the C ABI unchanged, and is refused rather than cut short. */
class CText {
public:
    CText(const char *s) noexcept : ptr_(s) {}
    CText(const std::string &s) : ptr_(s.c_str()), nul_(s.find('\0') != std::string::npos) {}
    CText(std::string_view s) : copy_(s), nul_(s.find('\0') != std::string_view::npos) { ptr_ = copy_.c_str(); }
    CText(const CText &) = delete;
    CText &operator=(const CText &) = delete;

    const char *get() const noexcept { return ptr_; }
    bool has_nul() const noexcept { return nul_; }

private:
    std::string copy_;
    const char *ptr_ = nullptr;
    bool nul_ = false;
};

template <class T> inline constexpr bool is_std_function_v = false;
template <class R, class... A> inline constexpr bool is_std_function_v<std::function<R(A...)>> = true;

/* What a text argument becomes for CText: a const char * stays one (string literals, arrays), a
 * std::string lends its buffer, anything else is viewed and copied. */
template <class T> decltype(auto) c_text_source(const T &v) {
    if constexpr (std::is_same_v<T, std::string>) return static_cast<const std::string &>(v);
    else if constexpr (std::is_convertible_v<const T &, const char *>) return static_cast<const char *>(v);
    else return std::string_view(v);
}

#if IVS_HPP_NLOHMANN_JSON
template <class T> inline constexpr bool is_nlohmann_json_v =
    std::is_same_v<T, nlohmann::json> || std::is_same_v<T, nlohmann::ordered_json>;
#else
template <class T> inline constexpr bool is_nlohmann_json_v = false;
#endif

/* Text: what the JSON-text overloads accept (anything that is a std::string_view, but not a
 * nlohmann::json, which has its own overloads). Overloading on a template parameter, not on
 * std::string_view itself, keeps "{}" from being ambiguous between the two. */
template <class T> inline constexpr bool is_text_v =
    std::is_convertible_v<const T &, std::string_view> && !is_nlohmann_json_v<std::decay_t<T>>;
template <class T> using if_text = std::enable_if_t<is_text_v<T>, int>;

/* Callback: what the callback overloads accept (invocable as done(Status, std::string_view)). */
template <class F> using if_callback =
    std::enable_if_t<std::is_invocable_v<std::decay_t<F> &, Status, std::string_view>, int>;

/* Whether a callback is an empty std::function or a null function pointer (anything else is callable). */
template <class F> bool is_empty_callable(const F &f) noexcept {
    if constexpr (std::is_pointer_v<F>) return f == nullptr;
    else if constexpr (is_std_function_v<F>) return !f;
    else return false;
}

/* Takes a string libivs returned, releasing it with ivs_free. */
inline std::string take(char *s) {
    struct Free { void operator()(char *p) const noexcept { ivs_free(p); } };
    std::unique_ptr<char, Free> owned(s);
    return owned ? std::string(owned.get()) : std::string();
}

/* The error JSON of an argument the C ABI cannot take (a NUL byte inside); the message names which. */
inline std::string nul_error(const char *what) {
    return std::string(R"({"error":{"kind":"invalid_argument","code":"InvalidArgument","message":")") + what +
           R"( contains a NUL byte","httpStatus":null,"requestId":null,"retryable":false,"attempts":0,"fields":{}}})";
}

/* The error of a call on an empty Client that libivs refuses outright (calls in flight). */
inline constexpr const char *empty_client_error =
    R"({"error":{"kind":"invalid_argument","code":"InvalidArgument","message":"client must not be NULL","httpStatus":null,"requestId":null,"retryable":false,"attempts":0,"fields":{}}})";

} // namespace detail

/* One problem of a validation error (fields.problems of the error JSON). */
struct Problem {
    std::string path;    // e.g. "tags.myKey"
    std::string problem; // e.g. "Missing required parameter"
};

/*
 * A failed call: the status and every member of the error JSON of ivs.h,
 *   {"error": {"kind", "code", "message", "httpStatus", "requestId", "retryable", "attempts", "fields"}}.
 * Thrown by the throwing calls; built by hand from a status and the error JSON text the non-throwing
 * overloads return (Error(status, text)). Copies share one immutable record (copying never throws).
 * what() is "code: message".
 */
class Error : public std::runtime_error {
public:
    Error(Status status, std::string error_json) : Error(parse(status, std::move(error_json))) {}

    Status status() const noexcept { return data_->status; }
    /* The "kind" member, e.g. "service"; the name of status(). */
    const std::string &kind() const noexcept { return data_->kind; }
    /* The service's error code ("ResourceNotFoundException") or libivs's ("ParamValidationError"). */
    const std::string &code() const noexcept { return data_->code; }
    const std::string &message() const noexcept { return data_->message; }
    /* The HTTP status of the service's answer; 0 when no response came (validation, network, ...). */
    int http_status() const noexcept { return data_->http_status; }
    /* The service's request id; empty when no response came. */
    const std::string &request_id() const noexcept { return data_->request_id; }
    /* Whether the failure was of a kind retries are for (throttling, 5xx, network), after the retries. */
    bool retryable() const noexcept { return data_->retryable; }
    /* HTTP attempts made (0 when nothing was sent). */
    int attempts() const noexcept { return data_->attempts; }
    /* The "fields" member as JSON text: the service error's other members, or "problems". */
    const std::string &fields() const noexcept { return data_->fields; }
    /* fields.problems of a validation error: every problem with its path. */
    const std::vector<Problem> &problems() const noexcept { return data_->problems; }
    /* The whole error JSON as libivs returned it (with "ResponseMetadata" when the service answered). */
    const std::string &json() const noexcept { return data_->json; }
#if IVS_HPP_NLOHMANN_JSON
    /* fields() parsed (an empty object if it is not JSON). */
    nlohmann::json fields_json() const {
        nlohmann::json j = nlohmann::json::parse(data_->fields, nullptr, false);
        return j.is_discarded() ? nlohmann::json::object() : j;
    }
#endif

private:
    struct Data {
        Status status = Status::internal;
        std::string kind, code, message, request_id, fields = "{}", json;
        int http_status = 0;
        int attempts = 0;
        bool retryable = false;
        std::vector<Problem> problems;
    };
    std::shared_ptr<const Data> data_;

    Error(std::shared_ptr<const Data> data)
        : std::runtime_error(data->code.empty() ? data->message : data->code + ": " + data->message),
          data_(std::move(data)) {}

    static int to_int(const detail::JsonValue *v) noexcept {
        if (!v || v->type != detail::JsonValue::Type::number || !v->integral) return 0;
        if (v->integer < 0 || v->integer > 0x7fffffff) return 0;
        return static_cast<int>(v->integer);
    }
    static std::string to_text(const detail::JsonValue *v) {
        return v && v->type == detail::JsonValue::Type::string ? v->text : std::string();
    }

    static std::shared_ptr<const Data> parse(Status status, std::string text) {
        auto d = std::make_shared<Data>();
        d->status = status;
        d->kind = to_string(status);
        d->json = std::move(text);
        detail::JsonValue root;
        const detail::JsonValue *e = nullptr;
        if (detail::JsonReader(d->json).parse(root)) e = root.get("error");
        if (!e || e->type != detail::JsonValue::Type::object) {
            // Not the error JSON (libivs always sends one): keep the text as the message.
            d->code = "InternalError";
            d->message = d->json.empty() ? std::string("no error JSON") : d->json;
            return d;
        }
        d->code = to_text(e->get("code"));
        d->message = to_text(e->get("message"));
        d->request_id = to_text(e->get("requestId"));
        d->http_status = to_int(e->get("httpStatus"));
        d->attempts = to_int(e->get("attempts"));
        const detail::JsonValue *r = e->get("retryable");
        d->retryable = r && r->type == detail::JsonValue::Type::boolean && r->boolean;
        if (const detail::JsonValue *f = e->get("fields"); f && f->type == detail::JsonValue::Type::object) {
            d->fields = std::string(f->raw);
            if (const detail::JsonValue *ps = f->get("problems"); ps && ps->type == detail::JsonValue::Type::array)
                for (const detail::JsonValue &p : ps->values)
                    d->problems.push_back(Problem{to_text(p.get("path")), to_text(p.get("problem"))});
        }
        return d;
    }
};

/*
 * A libivs client (ivs_client): configuration, credentials and kept-alive connections for all three
 * services. RAII: the destructor frees it, cancelling the calls in flight first (their callbacks run
 * with Status::cancelled before it returns). Movable, not copyable; a moved-from or default-made
 * Client is empty, and its calls fail with Status::invalid_argument.
 */
class Client {
public:
    /* done of call_async / paginate_async: the status and the output or error JSON, which is valid only
     * during the call (copy it to keep it). Runs exactly once, on the client's I/O thread (or in
     * dispatch() with "dispatch": "manual"); must not throw. Any callable of this signature is taken,
     * move-only ones too (a lambda owning a std::promise): it is moved to the heap and destroyed after
     * it ran, on the thread that ran it. */
    using Callback = std::function<void(Status status, std::string_view json)>;

    /* An empty client. */
    Client() noexcept = default;

#if IVS_HPP_EXCEPTIONS
    /* A client from a configuration JSON object (ivs.h, ivs_client_new: "{}" takes everything from the
     * environment and ~/.aws). Throws Error (Status::config, Status::invalid_argument). */
    template <class Text, detail::if_text<Text> = 0> explicit Client(const Text &config_json) {
        std::string error;
        Status st = create(config_json, *this, &error);
        if (st != Status::ok) throw Error(st, std::move(error));
    }
#if IVS_HPP_NLOHMANN_JSON
    explicit Client(const nlohmann::json &config) : Client(dump(config)) {}
#endif
#endif

    /* The non-throwing constructor: on Status::ok, out holds the new client; otherwise out is left
     * empty and *error_json (if error_json is not null) is the error JSON. */
    template <class Text, detail::if_text<Text> = 0>
    static Status create(const Text &config_json, Client &out, std::string *error_json = nullptr) {
        detail::CText cfg(detail::c_text_source(config_json));
        out = Client();
        if (cfg.has_nul()) {
            if (error_json) *error_json = detail::nul_error("config_json");
            return Status::invalid_argument;
        }
        ivs_client *handle = nullptr;
        char *error = nullptr;
        auto st = static_cast<Status>(ivs_client_new(cfg.get(), &handle, &error));
        std::string text = detail::take(error);
        if (error_json) *error_json = std::move(text);
        out.handle_ = handle;
        return st;
    }

    /* Takes ownership of a client made with ivs_client_new. */
    explicit Client(ivs_client *adopt) noexcept : handle_(adopt) {}

    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;
    Client(Client &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    Client &operator=(Client &&other) noexcept {
        if (this != &other) {
            ivs_client_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    ~Client() { ivs_client_free(handle_); }

    /* The ivs_client, for the C functions (ivs_ivs_create_channel, ...); still owned by this Client. */
    ivs_client *get() const noexcept { return handle_; }
    /* Gives up ownership: the caller frees the handle with ivs_client_free. */
    ivs_client *release() noexcept { return std::exchange(handle_, nullptr); }
    explicit operator bool() const noexcept { return handle_ != nullptr; }

    /* ---- blocking calls ---------------------------------------------------------------------------
     * call: one operation (ivs_call): service "ivs", "ivs-realtime" or "ivschat", operation
     * "CreateChannel" or "create_channel", input a JSON object ("{}" when left out). paginate: every page
     * of a List operation, result lists joined (ivs_paginate). Both block until the call completes. */

#if IVS_HPP_EXCEPTIONS
    /* Returns the output JSON; throws Error. */
    template <class Text, detail::if_text<Text> = 0>
    std::string call(std::string_view service, std::string_view operation, const Text &input) const {
        return or_throw(invoke(ivs_call, service, operation, detail::c_text_source(input)));
    }
    std::string call(std::string_view service, std::string_view operation) const { return call(service, operation, "{}"); }
    template <class Text, detail::if_text<Text> = 0>
    std::string paginate(std::string_view service, std::string_view operation, const Text &input) const {
        return or_throw(invoke(ivs_paginate, service, operation, detail::c_text_source(input)));
    }
    std::string paginate(std::string_view service, std::string_view operation) const { return paginate(service, operation, "{}"); }
#endif

    /* Non-throwing: returns the status; out is the output JSON on Status::ok, else the error JSON
     * (Error(status, out) reads it). */
    template <class Text, detail::if_text<Text> = 0>
    Status call(std::string_view service, std::string_view operation, const Text &input, std::string &out) const {
        return store(invoke(ivs_call, service, operation, detail::c_text_source(input)), out);
    }
    template <class Text, detail::if_text<Text> = 0>
    Status paginate(std::string_view service, std::string_view operation, const Text &input, std::string &out) const {
        return store(invoke(ivs_paginate, service, operation, detail::c_text_source(input)), out);
    }

    /* ---- calls in flight ----------------------------------------------------------------------------
     * Start a call and return at once (ivs_call_async, ivs_paginate_async). */

    /* done runs exactly once with the result (see Callback). Returns the call's id for cancel(); 0 when
     * the call could not start (an empty client), in which case done has already run, here, with
     * Status::invalid_argument. */
    template <class Text, class Done, detail::if_text<Text> = 0, detail::if_callback<Done> = 0>
    RequestId call_async(std::string_view service, std::string_view operation, const Text &input, Done &&done) const {
        return start(ivs_call_async, service, operation, detail::c_text_source(input), std::forward<Done>(done));
    }
    template <class Text, class Done, detail::if_text<Text> = 0, detail::if_callback<Done> = 0>
    RequestId paginate_async(std::string_view service, std::string_view operation, const Text &input,
                             Done &&done) const {
        return start(ivs_paginate_async, service, operation, detail::c_text_source(input), std::forward<Done>(done));
    }

#if IVS_HPP_EXCEPTIONS
    /* A future of the output JSON; its get() throws Error on failure (Status::cancelled after cancel()).
     * *id (when id is not null) is the call's id for cancel(). */
    template <class Text, detail::if_text<Text> = 0>
    std::future<std::string> call_async(std::string_view service, std::string_view operation, const Text &input,
                                        RequestId *id = nullptr) const {
        return start_future(ivs_call_async, service, operation, detail::c_text_source(input), id);
    }
    template <class Text, detail::if_text<Text> = 0>
    std::future<std::string> paginate_async(std::string_view service, std::string_view operation, const Text &input,
                                            RequestId *id = nullptr) const {
        return start_future(ivs_paginate_async, service, operation, detail::c_text_source(input), id);
    }
#endif

    /* Cancels a call in flight: its callback then runs with Status::cancelled, unless it already ran.
     * Unknown and finished ids are ignored. */
    Status cancel(RequestId id) const noexcept { return static_cast<Status>(ivs_cancel(handle_, id)); }

    /* With "dispatch": "manual": the descriptor that is readable while callbacks wait (-1 otherwise),
     * and the call that runs them on this thread (waiting up to timeout_ms; negative: until one comes).
     * dispatch returns how many ran. */
    int fd() const noexcept { return ivs_client_fd(handle_); }
    int dispatch(int timeout_ms = 0) const noexcept { return ivs_client_dispatch(handle_, timeout_ms); }

    /* ---- the client itself ------------------------------------------------------------------------ */

#if IVS_HPP_EXCEPTIONS
    /* The configuration the client resolved, as JSON (ivs_client_config; never a secret). */
    std::string config() const {
        std::string out;
        Status st = config(out);
        if (st != Status::ok) throw Error(st, std::move(out));
        return out;
    }
#endif
    Status config(std::string &out) const {
        char *text = nullptr;
        auto st = static_cast<Status>(ivs_client_config(handle_, &text));
        out = detail::take(text);
        return st;
    }

#if IVS_HPP_NLOHMANN_JSON
    /* ---- nlohmann::json overloads: the same calls, JSON values in and out -------------------------- */
#if IVS_HPP_EXCEPTIONS
    nlohmann::json call(std::string_view service, std::string_view operation, const nlohmann::json &input) const {
        return nlohmann::json::parse(call(service, operation, dump(input)));
    }
    nlohmann::json paginate(std::string_view service, std::string_view operation, const nlohmann::json &input) const {
        return nlohmann::json::parse(paginate(service, operation, dump(input)));
    }
    std::future<nlohmann::json> call_async(std::string_view service, std::string_view operation,
                                           const nlohmann::json &input, RequestId *id = nullptr) const {
        return start_json_future(ivs_call_async, service, operation, input, id);
    }
    std::future<nlohmann::json> paginate_async(std::string_view service, std::string_view operation,
                                               const nlohmann::json &input, RequestId *id = nullptr) const {
        return start_json_future(ivs_paginate_async, service, operation, input, id);
    }
#endif
    /* Non-throwing: out is the output, or the error JSON. */
    Status call(std::string_view service, std::string_view operation, const nlohmann::json &input,
                nlohmann::json &out) const {
        return store_json(invoke_json(ivs_call, service, operation, input), out);
    }
    Status paginate(std::string_view service, std::string_view operation, const nlohmann::json &input,
                    nlohmann::json &out) const {
        return store_json(invoke_json(ivs_paginate, service, operation, input), out);
    }
    template <class Done, detail::if_callback<Done> = 0>
    RequestId call_async(std::string_view service, std::string_view operation, const nlohmann::json &input,
                         Done &&done) const {
        return start_json(ivs_call_async, service, operation, input, std::forward<Done>(done));
    }
    template <class Done, detail::if_callback<Done> = 0>
    RequestId paginate_async(std::string_view service, std::string_view operation, const nlohmann::json &input,
                             Done &&done) const {
        return start_json(ivs_paginate_async, service, operation, input, std::forward<Done>(done));
    }
#endif

private:
    friend class ChatRoom; // its nlohmann::json overloads write JSON as these do

    ivs_client *handle_ = nullptr;

    using BlockingFn = ivs_status (*)(ivs_client *, const char *, const char *, const char *, char **);
    using AsyncFn = ivs_status (*)(ivs_client *, const char *, const char *, const char *, ivs_done_fn, void *,
                                   ivs_request_id *);

    struct Result {
        Status status;
        std::string json;
    };

    /* The argument that cannot cross the C ABI, or nullptr. */
    static const char *refused(const detail::CText &service, const detail::CText &operation, const detail::CText &input) noexcept {
        if (service.has_nul()) return "service";
        if (operation.has_nul()) return "operation";
        if (input.has_nul()) return "input_json";
        return nullptr;
    }

    template <class Source>
    Result invoke(BlockingFn fn, std::string_view service, std::string_view operation, const Source &source) const {
        detail::CText svc(service), op(operation), in(source);
        if (const char *bad = refused(svc, op, in)) return {Status::invalid_argument, detail::nul_error(bad)};
        char *out = nullptr;
        auto st = static_cast<Status>(fn(handle_, svc.get(), op.get(), in.get(), &out));
        return {st, detail::take(out)};
    }

    static Status store(Result r, std::string &out) {
        out = std::move(r.json);
        return r.status;
    }

#if IVS_HPP_EXCEPTIONS
    static std::string or_throw(Result r) {
        if (r.status != Status::ok) throw Error(r.status, std::move(r.json));
        return std::move(r.json);
    }
#endif

    /* The ivs_done_fn of a callable of type F, which userdata points to (owned). */
    template <class F> static void run_callback(ivs_status status, const char *json, void *userdata) noexcept {
        std::unique_ptr<F> done(static_cast<F *>(userdata));
        (*done)(static_cast<Status>(status), json ? std::string_view(json) : std::string_view());
    }

    template <class Source, class Done>
    RequestId start(AsyncFn fn, std::string_view service, std::string_view operation, const Source &source,
                    Done &&done) const {
        using F = std::decay_t<Done>;
        if (detail::is_empty_callable(done)) return 0; // nothing to call back: nothing started
        detail::CText svc(service), op(operation), in(source);
        if (const char *bad = refused(svc, op, in)) {
            // As libivs does for arguments it refuses: the callback reports it, once (here, not later).
            std::string error = detail::nul_error(bad);
            done(Status::invalid_argument, error);
            return 0;
        }
        auto box = std::make_unique<F>(std::forward<Done>(done));
        ivs_request_id id = 0;
        if (fn(handle_, svc.get(), op.get(), in.get(), run_callback<F>, box.get(), &id) != IVS_OK) {
            // Not accepted (an empty client): libivs will never call back.
            (*box)(Status::invalid_argument, detail::empty_client_error);
            return 0;
        }
        box.release(); // run_callback owns it now
        return id;
    }

#if IVS_HPP_EXCEPTIONS
    template <class T> struct PromiseBox {
        std::promise<T> promise;
    };

    static void fulfil(std::promise<std::string> &p, std::string text) { p.set_value(std::move(text)); }
#if IVS_HPP_NLOHMANN_JSON
    static void fulfil(std::promise<nlohmann::json> &p, std::string text) { p.set_value(nlohmann::json::parse(text)); }
#endif

    /* The callback of a future: copies the text out of libivs's buffer before returning. */
    template <class T> static void run_promise(ivs_status status, const char *json, void *userdata) noexcept {
        std::unique_ptr<PromiseBox<T>> box(static_cast<PromiseBox<T> *>(userdata));
        try {
            std::string text = json ? std::string(json) : std::string();
            if (status == IVS_OK) fulfil(box->promise, std::move(text));
            else box->promise.set_exception(std::make_exception_ptr(Error(static_cast<Status>(status), std::move(text))));
        } catch (...) {
            try { box->promise.set_exception(std::current_exception()); } catch (...) {} // already satisfied
        }
    }

    template <class T, class Source>
    std::future<T> start_promise(AsyncFn fn, std::string_view service, std::string_view operation,
                                 const Source &source, RequestId *id) const {
        if (id) *id = 0;
        detail::CText svc(service), op(operation), in(source);
        auto box = std::make_unique<PromiseBox<T>>();
        std::future<T> future = box->promise.get_future();
        if (const char *bad = refused(svc, op, in)) {
            box->promise.set_exception(std::make_exception_ptr(Error(Status::invalid_argument, detail::nul_error(bad))));
            return future;
        }
        ivs_request_id started = 0;
        auto st = static_cast<Status>(fn(handle_, svc.get(), op.get(), in.get(), run_promise<T>, box.get(), &started));
        if (st != Status::ok) {
            // Not accepted (an empty client): libivs will never call back.
            box->promise.set_exception(std::make_exception_ptr(Error(st, detail::empty_client_error)));
            return future;
        }
        box.release(); // run_promise owns it now
        if (id) *id = started;
        return future;
    }

    template <class Source>
    std::future<std::string> start_future(AsyncFn fn, std::string_view service, std::string_view operation,
                                          const Source &source, RequestId *id) const {
        return start_promise<std::string>(fn, service, operation, source, id);
    }
#endif

#if IVS_HPP_NLOHMANN_JSON
    /* nlohmann::json::dump refuses strings that are not UTF-8: with exceptions, that is an ivs::Error
     * (Status::invalid_argument) as libivs reports it for text; without, the bytes become U+FFFD. */
    static bool dump(const nlohmann::json &input, std::string &out, std::string &error) {
#if IVS_HPP_EXCEPTIONS
        try {
            out = input.dump();
            return true;
        } catch (const nlohmann::json::type_error &e) {
            error = std::string(R"({"error":{"kind":"invalid_argument","code":"MalformedInput","message":"input is not valid UTF-8: )") +
                    (e.id == 316 ? "a string has invalid UTF-8" : "it cannot be written as JSON") +
                    R"(","httpStatus":null,"requestId":null,"retryable":false,"attempts":0,"fields":{}}})";
            return false;
        }
#else
        (void)error;
        out = input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return true;
#endif
    }
#if IVS_HPP_EXCEPTIONS
    static std::string dump(const nlohmann::json &input) {
        std::string out, error;
        if (!dump(input, out, error)) throw Error(Status::invalid_argument, std::move(error));
        return out;
    }
#endif

    Result invoke_json(BlockingFn fn, std::string_view service, std::string_view operation,
                       const nlohmann::json &input) const {
        std::string text, error;
        if (!dump(input, text, error)) return {Status::invalid_argument, std::move(error)};
        return invoke(fn, service, operation, text);
    }

    static Status store_json(Result r, nlohmann::json &out) {
        out = nlohmann::json::parse(r.json, nullptr, false);
        return r.status;
    }

    template <class Done>
    RequestId start_json(AsyncFn fn, std::string_view service, std::string_view operation,
                         const nlohmann::json &input, Done &&done) const {
        if (detail::is_empty_callable(done)) return 0;
        std::string text, error;
        if (!dump(input, text, error)) {
            done(Status::invalid_argument, error);
            return 0;
        }
        return start(fn, service, operation, text, std::forward<Done>(done));
    }

#if IVS_HPP_EXCEPTIONS
    std::future<nlohmann::json> start_json_future(AsyncFn fn, std::string_view service, std::string_view operation,
                                                  const nlohmann::json &input, RequestId *id) const {
        std::string text, error;
        if (!dump(input, text, error)) {
            if (id) *id = 0;
            std::promise<nlohmann::json> p;
            p.set_exception(std::make_exception_ptr(Error(Status::invalid_argument, std::move(error))));
            return p.get_future();
        }
        return start_promise<nlohmann::json>(fn, service, operation, text, id);
    }
#endif
#endif
};

/* ================================================================================================
 * Chat messaging: ivs::ChatRoom, one WebSocket connection to an IVS Chat room (ivs_chat_* of ivs.h;
 * docs/chat.md has the overview, ivs.h every option and event).
 * ================================================================================================ */

/* Hands a chat a token when it needs one (the "tokenNeeded" event): the token, or CreateChatToken's
 * output as JSON. An empty string gives none now: answer later with ChatRoom::set_token. */
using TokenProvider = std::function<std::string()>;

/*
 * How a ChatRoom connects: ivs_chat_connect's options (ivs.h). `json` may hold any of them; the
 * members below are shorthands added to it (a key must not be set both ways). Tokens come one of
 * three ways, as in ivs.h: createToken (room, user_id, ...: libivs mints a token with CreateChatToken
 * for every connect and reconnect), a token for the first connect, or the token_provider.
 */
struct ChatOptions {
    std::string json = "{}"; // ivs_chat_connect's options_json: any of its keys

    // createToken, when any of these is set: a CreateChatToken input
    std::string room;                              // roomIdentifier: the room's ARN or id
    std::string user_id;                           // userId
    std::vector<std::string> capabilities;         // "SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"
    std::map<std::string, std::string> attributes; // the user's attributes, shown with its messages
    int session_duration_minutes = 0;              // 1-180; 0: the service's default

    std::string token;            // a token for the first connect, or CreateChatToken's output as JSON
    TokenProvider token_provider; // called at every "tokenNeeded" (see ChatRoom)

    std::string url;                // ws:// or wss://; default wss://edge.ivschat.<region>.amazonaws.com
    int maximum_message_length = 0; // the room's limit (1-500) for checking Content; 0: libivs's default
    bool reconnect = true;          // false: the first disconnect ends the chat
};

namespace detail {

/* s as a JSON string: quotes, backslashes and control characters escaped, other bytes as they are
 * (libivs refuses text that is not UTF-8). */
inline std::string json_quote(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

/* The members of a JSON object, written in order. */
class JsonMembers {
public:
    void raw(std::string_view key, std::string_view json) {
        if (!text_.empty()) text_ += ", ";
        text_ += json_quote(key);
        text_ += ": ";
        text_ += json;
    }
    void str(std::string_view key, std::string_view value) { raw(key, json_quote(value)); }
    void strings(std::string_view key, const std::map<std::string, std::string> &values) {
        JsonMembers m;
        for (const auto &kv : values) m.str(kv.first, kv.second);
        raw(key, m.object());
    }
    const std::string &text() const noexcept { return text_; }
    std::string object() const { return "{" + text_ + "}"; }

private:
    std::string text_;
};

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

/* object (JSON text; empty counts as {}) with members added. Text that is not an object is left as it
 * is, for libivs to refuse. */
inline std::string add_members(std::string_view object, const std::string &members) {
    std::string_view t = trim(object);
    if (t.empty()) return "{" + members + "}";
    if (members.empty() || t.size() < 2 || t.front() != '{' || t.back() != '}') return std::string(object);
    std::string_view inner = trim(t.substr(1, t.size() - 2));
    return "{" + std::string(inner) + (inner.empty() ? "" : ", ") + members + "}";
}

/* ivs_chat_connect's options_json of a ChatOptions. */
inline std::string chat_options_json(const ChatOptions &o) {
    JsonMembers m;
    if (!o.room.empty() || !o.user_id.empty() || !o.capabilities.empty() || !o.attributes.empty() ||
        o.session_duration_minutes != 0) {
        JsonMembers input;
        if (!o.room.empty()) input.str("roomIdentifier", o.room);
        if (!o.user_id.empty()) input.str("userId", o.user_id);
        if (!o.capabilities.empty()) {
            std::string list;
            for (const std::string &c : o.capabilities) list += (list.empty() ? "" : ", ") + json_quote(c);
            input.raw("capabilities", "[" + list + "]");
        }
        if (!o.attributes.empty()) input.strings("attributes", o.attributes);
        if (o.session_duration_minutes != 0) input.raw("sessionDurationInMinutes", std::to_string(o.session_duration_minutes));
        m.raw("createToken", input.object());
    }
    if (!o.token.empty()) {
        if (trim(o.token).substr(0, 1) == "{") m.raw("token", o.token); // CreateChatToken's output
        else m.str("token", o.token);
    }
    if (!o.url.empty()) m.str("url", o.url);
    if (o.maximum_message_length != 0) m.raw("maximumMessageLength", std::to_string(o.maximum_message_length));
    if (!o.reconnect) m.raw("reconnect", "false");
    return add_members(o.json, m.text());
}

/* What the binding needs to know of an event: whether it is the connection's own, its State, and
 * whether it is the last. The service's events are not parsed. */
struct ChatEventFacts {
    bool connection = false;
    bool final = false;
    std::string state;
};

inline ChatEventFacts chat_event_facts(std::string_view text) {
    ChatEventFacts f;
    if (text.find("\"CONNECTION\"") == std::string_view::npos) return f;
    JsonValue root;
    if (!JsonReader(text).parse(root)) return f;
    const JsonValue *type = root.get("Type");
    if (!type || type->type != JsonValue::Type::string || type->text != "CONNECTION") return f;
    f.connection = true;
    if (const JsonValue *s = root.get("State"); s && s->type == JsonValue::Type::string) f.state = s->text;
    const JsonValue *again = root.get("Reconnecting");
    f.final = f.state == "disconnected" && !(again && again->type == JsonValue::Type::boolean && again->boolean);
    return f;
}

/* A chat's event handler, whatever callable it is. */
class ChatHandler {
public:
    virtual ~ChatHandler() = default;
    virtual void operator()(std::string_view event_json) = 0;
};

template <class F> class ChatTextHandler final : public ChatHandler {
public:
    template <class G> explicit ChatTextHandler(G &&g) : f_(std::forward<G>(g)) {}
    void operator()(std::string_view event_json) override {
        if constexpr (std::is_invocable_v<F &, std::string_view>) f_(event_json);
        else f_(std::string(event_json));
    }

private:
    F f_;
};

/* The parameter type of a callable with one parameter and one operator() (a lambda, std::function) or
 * of a function pointer; void for anything else (a generic lambda). */
template <class M> struct method_parameter { using type = void; };
template <class C, class R, class A> struct method_parameter<R (C::*)(A)> { using type = A; };
template <class C, class R, class A> struct method_parameter<R (C::*)(A) const> { using type = A; };
template <class C, class R, class A> struct method_parameter<R (C::*)(A) noexcept> { using type = A; };
template <class C, class R, class A> struct method_parameter<R (C::*)(A) const noexcept> { using type = A; };
template <class F, class = void> struct handler_parameter { using type = void; };
template <class F>
struct handler_parameter<F, std::void_t<decltype(&F::operator())>> : method_parameter<decltype(&F::operator())> {};
template <class R, class A> struct handler_parameter<R (*)(A), void> { using type = A; };
template <class R, class A> struct handler_parameter<R (*)(A) noexcept, void> { using type = A; };
template <class F>
using handler_parameter_t = std::remove_cv_t<std::remove_reference_t<typename handler_parameter<F>::type>>;

/* A handler whose parameter is a nlohmann::json gets each event parsed; any other, the text. (Both
 * json and std::string_view convert to each other, so what a handler can be called with cannot tell.) */
template <class F> inline constexpr bool is_json_handler_v = is_nlohmann_json_v<handler_parameter_t<F>>;

#if IVS_HPP_NLOHMANN_JSON
template <class F> class ChatJsonHandler final : public ChatHandler {
public:
    template <class G> explicit ChatJsonHandler(G &&g) : f_(std::forward<G>(g)) {}
    void operator()(std::string_view event_json) override {
        f_(handler_parameter_t<F>::parse(event_json, nullptr, false)); // libivs's events are always JSON
    }

private:
    F f_;
};
#endif

template <class H> using if_chat_handler =
    std::enable_if_t<is_json_handler_v<std::decay_t<H>> || std::is_invocable_v<std::decay_t<H> &, std::string_view> ||
                         std::is_invocable_v<std::decay_t<H> &, const std::string &>,
                     int>;

template <class H> std::unique_ptr<ChatHandler> make_chat_handler(H &&h) {
    using F = std::decay_t<H>;
#if IVS_HPP_NLOHMANN_JSON
    if constexpr (is_json_handler_v<F>) return std::make_unique<ChatJsonHandler<F>>(std::forward<H>(h));
    else
#endif
        return std::make_unique<ChatTextHandler<F>>(std::forward<H>(h));
}

/*
 * What a ChatRoom and libivs's calls of its handler share. libivs holds one reference from
 * ivs_chat_connect to the final event (its userdata), the ChatRoom the other; so the handler lives as
 * long as either may use it, whichever thread ends last.
 */
struct ChatState {
    // The chat and what is handed to it; sends hold it shared, close and tokens exclusively.
    std::shared_mutex chat_mu;
    ivs_chat *chat = nullptr;  // null before ivs_chat_connect returned and after close()
    bool closed = false;       // close() began
    std::string pending_token; // a token given before ivs_chat_connect returned

    // The handler's calls and what the events said.
    std::mutex mu;
    std::condition_variable cv;
    int running = 0;       // handler calls under way
    bool detached = false; // the ChatRoom is gone: the handler is not called any more
    bool ended = false;    // the final event ran
    bool connected = false;

    std::unique_ptr<ChatHandler> handler;
    TokenProvider provider;
};

/* The handler calls under way on this thread, innermost first: a ChatRoom destroyed from inside its
 * own handler must not wait for that call to end. */
struct ChatFrame {
    const ChatState *state;
    const ChatFrame *outer;
};
inline thread_local const ChatFrame *chat_frames = nullptr;

/* ivs_chat_set_token, or kept for the moment ivs_chat_connect returns the chat. */
inline Status give_chat_token(ChatState &s, const char *token) {
    std::unique_lock<std::shared_mutex> g(s.chat_mu);
    if (s.closed) return Status::invalid_argument;
    if (s.chat) return static_cast<Status>(ivs_chat_set_token(s.chat, token));
    s.pending_token = token;
    return Status::ok;
}

/* The ivs_chat_event_fn of every ChatRoom; userdata is libivs's std::shared_ptr<ChatState>. */
inline void run_chat_event(const char *json, void *userdata) noexcept {
    auto *share = static_cast<std::shared_ptr<ChatState> *>(userdata);
    ChatState &s = **share;
    std::string_view text = json ? std::string_view(json) : std::string_view();
    ChatEventFacts facts = chat_event_facts(text);
    bool call;
    {
        std::lock_guard<std::mutex> g(s.mu);
        if (facts.connection) s.connected = facts.state == "connected";
        call = !s.detached;
        if (call) s.running++;
        s.cv.notify_all();
    }
    if (call) {
        ChatFrame frame{&s, chat_frames};
        chat_frames = &frame;
        if (facts.state == "tokenNeeded" && s.provider) {
            std::string token = s.provider();
            if (!token.empty()) give_chat_token(s, token.c_str());
        }
        (*s.handler)(text);
        chat_frames = frame.outer;
    }
    {
        std::lock_guard<std::mutex> g(s.mu);
        if (call) s.running--;
        if (facts.final) s.ended = true;
        s.cv.notify_all();
    }
    if (facts.final) delete share; // libivs never calls again for this chat
}

inline constexpr const char *chat_closed_error =
    R"({"error":{"kind":"invalid_argument","code":"ChatClosed","message":"the chat is closed","httpStatus":null,"requestId":null,"retryable":false,"attempts":0,"fields":{}}})";
inline constexpr const char *chat_not_connected_error =
    R"({"error":{"kind":"network","code":"ChatNotConnected","message":"the chat is not connected: wait for its connected event","httpStatus":null,"requestId":null,"retryable":true,"attempts":0,"fields":{}}})";

} // namespace detail

/*
 * One connection to one IVS Chat room (ivs_chat): RAII over ivs_chat_connect, ivs_chat_send,
 * ivs_chat_set_token and ivs_chat_close.
 *
 *   ivs::ChatOptions options;
 *   options.room = room_arn;
 *   options.user_id = "overlay";
 *   options.capabilities = {"SEND_MESSAGE"};
 *   ivs::ChatRoom room(client, options, [](std::string_view event) { std::puts(std::string(event).c_str()); });
 *   room.wait_connected(std::chrono::seconds(10));
 *   std::string request_id = room.send(ivs::chat_action::send_message("hello", {{"color", "red"}}));
 *
 * The handler receives every event, the service's ("MESSAGE", "EVENT", "ERROR") and the connection's
 * own ("Type": "CONNECTION": connecting, tokenNeeded, connected, disconnected), ending with a
 * "disconnected" whose "Reconnecting" is false, after which it is never called again. It is any
 * callable taking the event's JSON text (std::string_view, valid during the call, or std::string) or,
 * with nlohmann::json, a callable whose parameter is a nlohmann::json, which gets the event parsed. It
 * runs where ivs.h says: on the client's I/O thread, one event at a time (keep it short: the thread
 * serves every call and chat of the client), or in Client::dispatch with "dispatch": "manual". It must
 * not throw (an exception leaving it calls std::terminate) and must not destroy the room's Client. It
 * may call send, set_token and close on its room, and destroy its room: then the destructor returns at
 * once and the final event still comes.
 *
 * token_provider runs at every "tokenNeeded" event, on the handler's thread, just before the handler
 * sees that event; what it returns goes to set_token. It blocks the I/O thread while it runs (a
 * blocking client.call of CreateChatToken included): for a slow source, return "" and call set_token
 * when the token comes.
 *
 * Closing: close() (and the destructor, and move-assignment over an open room) ends the chat, after
 * writing the requests already sent. With thread dispatch it returns once the final event has run,
 * unless it is called on the client's I/O thread (from a handler or a callback of the same client),
 * where it returns at once and the final event follows. With manual dispatch it returns at once: the
 * final event runs in a later Client::dispatch. close() leaves the handler attached, so the final event
 * still reaches it; the destructor detaches it: once the destructor returns the handler is never called
 * again (it waits for a call running on another thread, and not for the one it may be called from).
 * The handler itself is destroyed after its last call, by whichever thread ends last.
 *
 * A room may outlive its Client: destroying the Client ends the chat (the final event's Reason is
 * clientClosed) and its sends fail. Movable, not copyable; a moved-from or default-made room is empty
 * (its sends fail with ChatClosed). send, set_token and close may be called from any thread at once;
 * the destructor and move-assignment must not run while another thread uses the same room.
 */
class ChatRoom {
public:
    /* A handler as a std::function; any callable of that signature is taken, move-only ones too. */
    using Handler = std::function<void(std::string_view event_json)>;

    /* An empty room. */
    ChatRoom() noexcept = default;

#if IVS_HPP_EXCEPTIONS
    /* Connects (ivs_chat_connect) and returns at once; the connection is made on the client's I/O
     * thread and reported through the handler. Throws Error for what ivs_chat_connect refuses (bad
     * options: Status::config; a createToken input the model refuses: Status::validation; an empty
     * client or handler: Status::invalid_argument). The handler may already run before this returns. */
    template <class H, detail::if_chat_handler<H> = 0>
    ChatRoom(const Client &client, const ChatOptions &options, H &&handler) {
        std::string error;
        Status st = connect(client, options, std::forward<H>(handler), *this, &error);
        if (st != Status::ok) throw Error(st, std::move(error));
    }
    /* options_json: ivs_chat_connect's options (ivs.h). */
    template <class Text, class H, detail::if_text<Text> = 0, detail::if_chat_handler<H> = 0>
    ChatRoom(const Client &client, const Text &options_json, H &&handler)
        : ChatRoom(client, options_from(options_json), std::forward<H>(handler)) {}
#if IVS_HPP_NLOHMANN_JSON
    template <class H, detail::if_chat_handler<H> = 0>
    ChatRoom(const Client &client, const nlohmann::json &options, H &&handler)
        : ChatRoom(client, options_from(Client::dump(options)), std::forward<H>(handler)) {}
#endif
#endif

    /* The non-throwing constructor: connects into out, which is set before the connection starts, so
     * a handler that refers to out (a room declared first) can use it from the first event on. On
     * Status::ok out holds the chat; otherwise out is empty and *error_json (if error_json is not null)
     * is the error JSON. */
    template <class H, detail::if_chat_handler<H> = 0>
    static Status connect(const Client &client, const ChatOptions &options, H &&handler, ChatRoom &out,
                          std::string *error_json = nullptr) {
        out = ChatRoom();
        if (error_json) error_json->clear();
        auto fail = [&](Status st, std::string text) {
            if (error_json) *error_json = std::move(text);
            return st;
        };
        if (detail::is_empty_callable(handler))
            return fail(Status::invalid_argument, invalid_argument_error("the event handler is empty"));
        std::string text = detail::chat_options_json(options);
        detail::CText c_options(text);
        if (c_options.has_nul()) return fail(Status::invalid_argument, detail::nul_error("options_json"));

        auto state = std::make_shared<detail::ChatState>();
        state->handler = detail::make_chat_handler(std::forward<H>(handler));
        state->provider = options.token_provider;
        out.state_ = state;
        auto *share = new std::shared_ptr<detail::ChatState>(state); // libivs's, until the final event
        ivs_chat *chat = nullptr;
        char *error = nullptr;
        auto st = static_cast<Status>(
            ivs_chat_connect(client.get(), c_options.get(), detail::run_chat_event, share, &chat, &error));
        std::string error_text = detail::take(error);
        if (st != Status::ok) { // the handler never runs
            delete share;
            out.state_.reset();
            return fail(st, std::move(error_text));
        }
        bool close_now = false;
        {
            std::unique_lock<std::shared_mutex> g(state->chat_mu);
            close_now = state->closed; // the handler closed the room already
            if (!close_now) {
                state->chat = chat;
                if (!state->pending_token.empty()) ivs_chat_set_token(chat, state->pending_token.c_str());
                state->pending_token.clear();
            }
        }
        if (close_now) ivs_chat_close(chat);
        return Status::ok;
    }
    template <class Text, class H, detail::if_text<Text> = 0, detail::if_chat_handler<H> = 0>
    static Status connect(const Client &client, const Text &options_json, H &&handler, ChatRoom &out,
                          std::string *error_json = nullptr) {
        return connect(client, options_from(options_json), std::forward<H>(handler), out, error_json);
    }
#if IVS_HPP_NLOHMANN_JSON
    template <class H, detail::if_chat_handler<H> = 0>
    static Status connect(const Client &client, const nlohmann::json &options, H &&handler, ChatRoom &out,
                          std::string *error_json = nullptr) {
        std::string text, error;
        if (!Client::dump(options, text, error)) {
            out = ChatRoom();
            if (error_json) *error_json = std::move(error);
            return Status::invalid_argument;
        }
        return connect(client, options_from(text), std::forward<H>(handler), out, error_json);
    }
#endif

    ChatRoom(const ChatRoom &) = delete;
    ChatRoom &operator=(const ChatRoom &) = delete;
    ChatRoom(ChatRoom &&other) noexcept : state_(std::move(other.state_)) {}
    ChatRoom &operator=(ChatRoom &&other) noexcept {
        if (this != &other) {
            release();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    ~ChatRoom() { release(); }

    /* ---- sending ---------------------------------------------------------------------------------
     * One Chat Messaging API action (ivs_chat_send): {"Action": "SEND_MESSAGE", "Content", "Attributes"},
     * DELETE_MESSAGE {"Id", "Reason"}, DISCONNECT_USER {"UserId", "Reason"} (chat_action:: writes
     * them), checked here and queued. What only the service can judge (capabilities, rate, review)
     * comes back as an "ERROR" event with the request's RequestId. Refused while the chat is not
     * connected (Status::network, ChatNotConnected, retryable) and after close (ChatClosed). */

#if IVS_HPP_EXCEPTIONS
    /* Returns the request's RequestId; throws Error. */
    template <class Text, detail::if_text<Text> = 0> std::string send(const Text &request_json) const {
        std::string out;
        Status st = send(request_json, out);
        if (st != Status::ok) throw Error(st, std::move(out));
        return out;
    }
#endif
    /* Non-throwing: out is the RequestId on Status::ok, else the error JSON. */
    template <class Text, detail::if_text<Text> = 0> Status send(const Text &request_json, std::string &out) const {
        detail::CText request(detail::c_text_source(request_json));
        if (request.has_nul()) {
            out = detail::nul_error("request_json");
            return Status::invalid_argument;
        }
        return send_text(request.get(), out);
    }
#if IVS_HPP_NLOHMANN_JSON
#if IVS_HPP_EXCEPTIONS
    std::string send(const nlohmann::json &request) const { return send(Client::dump(request)); }
#endif
    Status send(const nlohmann::json &request, std::string &out) const {
        std::string text, error;
        if (!Client::dump(request, text, error)) {
            out = std::move(error);
            return Status::invalid_argument;
        }
        return send(text, out);
    }
#endif

    /* Hands over a token for the next connect (ivs_chat_set_token): the token, or CreateChatToken's
     * output as JSON. Answers "tokenNeeded"; given earlier, it waits for the next connect.
     * Status::invalid_argument for a token libivs refuses, or a closed or empty room. */
    template <class Text, detail::if_text<Text> = 0> Status set_token(const Text &token) const {
        detail::CText t(detail::c_text_source(token));
        if (!state_ || t.has_nul()) return Status::invalid_argument;
        return detail::give_chat_token(*state_, t.get());
    }
#if IVS_HPP_NLOHMANN_JSON
    /* CreateChatToken's output as it came from Client::call, or the token as a JSON string. */
    Status set_token(const nlohmann::json &token) const {
        if (token.is_string()) return set_token(token.get_ref<const std::string &>());
        std::string text, error;
        if (!Client::dump(token, text, error)) return Status::invalid_argument;
        return set_token(text);
    }
#endif

    /* ---- the connection --------------------------------------------------------------------------- */

    /* Ends the chat (see the class's comment: when it returns, and from which threads). Idempotent;
     * the room stays non-empty, so ended() and wait_ended() can still be asked. */
    void close() noexcept {
        if (!state_) return;
        ivs_chat *chat = nullptr;
        {
            std::unique_lock<std::shared_mutex> g(state_->chat_mu);
            state_->closed = true;
            state_->pending_token.clear();
            chat = std::exchange(state_->chat, nullptr);
        }
        ivs_chat_close(chat); // NULL-safe; when connect() has not stored it yet, connect() closes it
    }

    /* Whether the room holds a chat that close() has not ended (it may be connecting or reconnecting). */
    explicit operator bool() const noexcept {
        if (!state_) return false;
        std::shared_lock<std::shared_mutex> g(state_->chat_mu);
        return !state_->closed;
    }
    /* Whether the last connection event said "connected". */
    bool connected() const noexcept {
        if (!state_) return false;
        std::lock_guard<std::mutex> g(state_->mu);
        return state_->connected;
    }
    /* Whether the final event ran (true for an empty room). */
    bool ended() const noexcept {
        if (!state_) return true;
        std::lock_guard<std::mutex> g(state_->mu);
        return state_->ended;
    }
    /* Waits up to timeout for the chat to be connected (true) or ended (false). Not from the handler's
     * thread in thread dispatch (it would hold up the very events it waits for), and with manual
     * dispatch only while another thread dispatches. */
    template <class Rep, class Period> bool wait_connected(const std::chrono::duration<Rep, Period> &timeout) const {
        if (!state_) return false;
        std::unique_lock<std::mutex> g(state_->mu);
        state_->cv.wait_for(g, timeout, [this] { return state_->connected || state_->ended; });
        return state_->connected;
    }
    /* Waits up to timeout for the final event to have run; whether it has. Same caveats. */
    template <class Rep, class Period> bool wait_ended(const std::chrono::duration<Rep, Period> &timeout) const {
        if (!state_) return true;
        std::unique_lock<std::mutex> g(state_->mu);
        return state_->cv.wait_for(g, timeout, [this] { return state_->ended; });
    }

private:
    std::shared_ptr<detail::ChatState> state_;

    template <class Text> static ChatOptions options_from(const Text &options_json) {
        ChatOptions o;
        o.json = std::string(std::string_view(options_json));
        return o;
    }

    static std::string invalid_argument_error(const char *message) {
        return std::string(R"({"error":{"kind":"invalid_argument","code":"InvalidArgument","message":")") + message +
               R"(","httpStatus":null,"requestId":null,"retryable":false,"attempts":0,"fields":{}}})";
    }

    Status send_text(const char *request, std::string &out) const {
        if (!state_) {
            out = detail::chat_closed_error;
            return Status::invalid_argument;
        }
        char *text = nullptr;
        ivs_status st;
        {
            std::shared_lock<std::shared_mutex> g(state_->chat_mu);
            if (!state_->chat) {
                bool closed = state_->closed;
                out = closed ? detail::chat_closed_error : detail::chat_not_connected_error;
                return closed ? Status::invalid_argument : Status::network;
            }
            st = ivs_chat_send(state_->chat, request, &text);
        }
        std::string json = detail::take(text);
        if (st != IVS_OK) {
            out = std::move(json);
            return static_cast<Status>(st);
        }
        detail::JsonValue root;
        const detail::JsonValue *id = detail::JsonReader(json).parse(root) ? root.get("RequestId") : nullptr;
        out = id && id->type == detail::JsonValue::Type::string ? id->text : std::string();
        return Status::ok;
    }

    /* The destructor's part: close, detach the handler, and let go of the state. */
    void release() noexcept {
        if (!state_) return;
        close();
        {
            std::unique_lock<std::mutex> g(state_->mu);
            state_->detached = true;
            int here = 0; // calls of this handler under way on this thread (we are inside them)
            for (const detail::ChatFrame *f = detail::chat_frames; f; f = f->outer) here += f->state == state_.get();
            state_->cv.wait(g, [&] { return state_->running <= here; });
        }
        state_.reset();
    }
};

/* The requests of the Chat Messaging API as JSON text, for ChatRoom::send. */
namespace chat_action {

inline std::string send_message(std::string_view content, const std::map<std::string, std::string> &attributes = {}) {
    detail::JsonMembers m;
    m.str("Action", "SEND_MESSAGE");
    m.str("Content", content);
    if (!attributes.empty()) m.strings("Attributes", attributes);
    return m.object();
}

/* id: the message's Id (a "MESSAGE" event's). */
inline std::string delete_message(std::string_view id, std::string_view reason = {}) {
    detail::JsonMembers m;
    m.str("Action", "DELETE_MESSAGE");
    m.str("Id", id);
    if (!reason.empty()) m.str("Reason", reason);
    return m.object();
}

inline std::string disconnect_user(std::string_view user_id, std::string_view reason = {}) {
    detail::JsonMembers m;
    m.str("Action", "DISCONNECT_USER");
    m.str("UserId", user_id);
    if (!reason.empty()) m.str("Reason", reason);
    return m.object();
}

} // namespace chat_action

/* What libivs knows of one service ("ivs", "ivs-realtime", "ivschat"), or of all (empty), as JSON
 * (ivs_describe); empty for an unknown service. */
inline std::string describe(std::string_view service = {}) {
    if (service.empty()) return detail::take(ivs_describe(nullptr));
    detail::CText name(service);
    return name.has_nul() ? std::string() : detail::take(ivs_describe(name.get()));
}

} // namespace ivs

#endif /* IVS_HPP */
