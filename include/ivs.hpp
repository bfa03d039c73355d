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
 * Installed beside ivs.h; with CMake: find_package(ivs) and target_link_libraries(app PRIVATE ivs::cpp).
 */
#ifndef IVS_HPP
#define IVS_HPP

#include "ivs.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
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

/* What libivs knows of one service ("ivs", "ivs-realtime", "ivschat"), or of all (empty), as JSON
 * (ivs_describe); empty for an unknown service. */
inline std::string describe(std::string_view service = {}) {
    if (service.empty()) return detail::take(ivs_describe(nullptr));
    detail::CText name(service);
    return name.has_nul() ? std::string() : detail::take(ivs_describe(name.get()));
}

} // namespace ivs

#endif /* IVS_HPP */
