/*
 * ivs.h: the C interface of libivs, a client library for Amazon Interactive Video Service
 * (IVS low-latency streaming, IVS Real-Time stages and IVS Chat).
 *
 * The interface is JSON in, JSON out. A client (ivs_client) holds configuration, credentials and a pool
 * of kept-alive HTTP connections; ivs_call() sends one operation of one service and returns the
 * operation's output as a JSON object, or an error JSON object. Operation and member names are those
 * of the AWS API reference (CreateChannel, latencyMode); boto3's snake_case operation names
 * (create_channel) are accepted too.
 *
 * Conventions that hold for every function below:
 *  - Strings passed in are NUL-terminated UTF-8 and are only read during the call; libivs never keeps
 *    a pointer to them.
 *  - Every char * that libivs returns is owned by the caller and must be released with ivs_free().
 *  - A function that returns ivs_status always sets each out-pointer it is given: to a new string or
 *    handle, or to NULL when there is nothing to return. A NULL out-pointer is allowed where noted and
 *    otherwise yields IVS_E_INVALID_ARGUMENT.
 *  - On failure, *out_json (or *out_error_json) is an error JSON object of this fixed shape:
 *      {"error": {"kind": "service", "code": "ResourceNotFoundException", "message": "...",
 *                 "httpStatus": 404, "requestId": "...", "retryable": false, "attempts": 1,
 *                 "fields": {}}}
 *    kind is one of invalid_argument, validation, config, credentials, network, service, internal and
 *    matches the returned status. For validation errors code is "ParamValidationError" and
 *    fields.problems lists every problem as {"path": "tags.myKey", "problem": "..."}. When the service
 *    answered (an error response), the error JSON also has "ResponseMetadata" beside "error", as a
 *    successful output has it: {"RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"}.
 *    No string in it holds U+0000, so jansson's json_loads with flags 0 reads it: a control character
 *    from outside (a file's section name or value, a process's stderr) is shown as \xHH.
 *  - No input can crash the process: NULL, malformed or deeply nested JSON, wrong types and invalid
 *    UTF-8 are reported as a status and an error JSON.
 *  - Secrets (secret access keys, session tokens, the Authorization header, stream keys, chat and
 *    participant tokens, private keys) never appear in error messages or log lines.
 *
 * Threading: every function may be called from any thread. A client may be shared by many threads at
 * once; calls on one client run concurrently, each on its own pooled connection. A client's
 * connections share one DNS cache and resume each other's TLS sessions, so a connection opened for a
 * new thread costs no DNS lookup and no full TLS handshake.
 */
#ifndef IVS_H
#define IVS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define IVS_API __attribute__((visibility("default")))
#else
#define IVS_API
#endif

/* The ABI version: changes only when the signature of an existing function changes. New functions
 * may be added without changing it. */
#define IVS_ABI_VERSION 1

/* An opaque client handle. Thread-safe. */
typedef struct ivs_client ivs_client;

/* Status codes (fixed values). */
typedef enum ivs_status {
    IVS_OK = 0,
    IVS_E_INVALID_ARGUMENT = 1, /* NULL where required, malformed JSON, unknown service or operation */
    IVS_E_VALIDATION = 2,       /* input does not satisfy the operation's model; nothing was sent */
    IVS_E_CONFIG = 3,           /* bad client configuration */
    IVS_E_CREDENTIALS = 4,      /* no usable credentials */
    IVS_E_NETWORK = 5,          /* DNS, connect, TLS, timeout, reset: after retries */
    IVS_E_SERVICE = 6,          /* the service answered with an error */
    IVS_E_INTERNAL = 7,         /* a bug in libivs or an out-of-memory condition */
    IVS_E_CANCELLED = 8         /* a call in flight was cancelled (ivs_cancel, ivs_client_free) */
} ivs_status;

/* The library version, e.g. "0.1.0". A static string: do not free it. */
IVS_API const char *ivs_version(void);

/*
 * Creates a client.
 *
 * config_json is NULL, "{}" or a JSON object with any of these keys (an unknown key is IVS_E_CONFIG):
 *   region                 "us-west-2"
 *   profile                shared config profile name
 *   credentials            {"accessKeyId": ..., "secretAccessKey": ..., "sessionToken": ...}
 *   endpointUrl            one endpoint for all three services, e.g. "http://127.0.0.1:4566"
 *   endpointUrls           {"ivs": URL, "ivs-realtime": URL, "ivschat": URL}
 *   useFipsEndpoint, useDualstackEndpoint   booleans
 *   retryMode              "standard" (default), "adaptive" or "off"
 *   maxAttempts            total attempts per call, including the first (default 3)
 *   connectTimeoutMs, requestTimeoutMs      milliseconds (defaults 10000 and 60000)
 *   caBundle               path to a PEM CA bundle; verifyTls: boolean (default true)
 *   proxy                  proxy URL for all requests ([scheme://][user:password@]host[:port]; "" for none)
 *   userAgentSuffix        appended to the User-Agent "libivs/<version>"
 *   validation             "on" (default: types, required members, lengths and ranges), "strict" (enums
 *                          and patterns too), "botocore" (what botocore checks: maximums are left to the
 *                          service) or "off"
 *   logLevel               0-5, as ivs_set_log_callback()
 *   maxResponseBytes       largest response body accepted, 1024 to 2^30 (default 16 MiB); a larger
 *                          one is IVS_E_SERVICE "ResponseTooLarge" and is not read further
 *   maxPages               most pages ivs_paginate() fetches, 1 to 10^7 (default 10000)
 *   maxPaginateBytes       most response bytes ivs_paginate() reads in all, 1024 to 2^34 (default 256 MiB)
 *   credentialProcessTimeoutMs  how long a profile's credential_process may run before it (and every
 *                          process it started) is killed, 1 to 3600000 (default 60000)
 *   signatureVersion       "v4" (default) or "unsigned" (no credentials, no signature)
 *   dispatch               where the callbacks of calls in flight run: "thread" (default: the client's
 *                          I/O thread) or "manual" (queued for ivs_client_dispatch; see ivs_client_fd)
 *   maxConnections         most connections calls in flight open to one host, 1 to 100000 (default
 *                          64); further calls wait for one
 * Absent keys follow the AWS conventions (environment variables, then the shared config and
 * credentials files). Credentials are resolved on first use, not here.
 *
 * Settings are checked here, not on the first call: an endpoint URL with user info, a bad port, host
 * or path, a proxy that is not a URL, a CA bundle that is not a readable file of PEM certificates,
 * and a control character in userAgentSuffix or in credentials are IVS_E_CONFIG, whether they come
 * from config_json, the environment (AWS_ENDPOINT_URL*, AWS_CA_BUNDLE, HTTPS_PROXY, ...) or a profile.
 *
 * On IVS_OK, *out_client is a new client to release with ivs_client_free() and *out_error_json is
 * NULL. On failure, *out_client is NULL and *out_error_json holds an error JSON (out_error_json may
 * be NULL if the caller does not want it). Returns IVS_E_INVALID_ARGUMENT if out_client is NULL or
 * config_json is not a JSON object, IVS_E_CONFIG for a bad or missing setting (e.g. no region).
 */
IVS_API ivs_status ivs_client_new(const char *config_json, ivs_client **out_client, char **out_error_json);

/* Releases a client and its connections. NULL-safe. The client must not be in use by another thread.
 * Calls in flight are cancelled first and their callbacks run (with IVS_E_CANCELLED unless they had
 * finished) before this returns: on the I/O thread, or here with manual dispatch. Must not be called
 * from a callback of the same client. */
IVS_API void ivs_client_free(ivs_client *client);

/*
 * The configuration client resolved, as JSON, for bindings and diagnostics; never a secret:
 *   {"region", "profile", "endpoints": {"ivs": URL, "ivs-realtime": URL, "ivschat": URL},
 *    "endpointSources": {SERVICE: the setting it came from, or "the SERVICE endpoint rule set"},
 *    "useFipsEndpoint", "useDualstackEndpoint", "retryMode", "maxAttempts", "connectTimeoutMs",
 *    "requestTimeoutMs", "verifyTls", "caBundle" (path or null), "proxy" (password masked, or null),
 *    "userAgent", "validation", "logLevel", "maxResponseBytes", "maxPages", "maxPaginateBytes",
 *    "credentials": {"providers": [names in the order they are tried], "source": the name of the one
 *                    that served the current credentials, or null until a call resolved them}}
 * Provider names: config, environment, sso, shared-credentials-file, custom-process, config-file,
 * container-role, iam-role (and assume-role / assume-role-with-web-identity where a profile needs STS).
 * On IVS_OK *out_json is the object; IVS_E_INVALID_ARGUMENT for a NULL client or out_json.
 * Thread-safe; does no I/O.
 */
IVS_API ivs_status ivs_client_config(ivs_client *client, char **out_json);

/*
 * The client's current credentials, resolved (or refreshed) as a call would resolve them:
 *   {"accessKeyId", "secretAccessKey", "sessionToken" (or null), "expiration" (ISO 8601, or null),
 *    "source" (the provider's name, as ivs_client_config lists them)}
 * The one function that returns secrets, for bindings that hand a caller its own credentials
 * (boto3's Session.get_credentials); never log its output. IVS_E_CREDENTIALS with the chain's error
 * when there are none. Thread-safe; may block while a credential source is asked (a process, the
 * instance metadata service).
 */
IVS_API ivs_status ivs_client_credentials(ivs_client *client, char **out_json);

/*
 * Calls one operation.
 *
 * service is "ivs", "ivs-realtime" or "ivschat"; operation is an API name ("CreateChannel") or its
 * snake_case form ("create_channel"); input_json is the operation's input as a JSON object (NULL means
 * "{}"). Timestamps in the input may be ISO 8601 strings or epoch seconds; a member set to null counts
 * as absent; duplicate keys are IVS_E_INVALID_ARGUMENT. Idempotency tokens (StartComposition) are
 * filled with a random UUID when absent.
 *
 * On IVS_OK, *out_json is the operation's output members as the model names them, timestamps as
 * ISO 8601 UTC strings, plus "ResponseMetadata": {"RequestId", "HTTPStatusCode", "HTTPHeaders",
 * "RetryAttempts"}. Otherwise *out_json is an error JSON (see the top of this file). The input is
 * validated against the model before anything is sent (IVS_E_VALIDATION); retryable failures are
 * retried per the client's retry mode before IVS_E_NETWORK or IVS_E_SERVICE is returned.
 *
 * What the server sends is checked, never trusted: a timestamp that is not a valid instant of the
 * years 1-9999, a body that is not JSON or a head that is not HTTP (a NUL or CR in a header line) is
 * IVS_E_SERVICE "InvalidResponse", retried only for status 500, 502, 503 or 504; a body over
 * maxResponseBytes, over 1000 header lines or 256 KB of headers is "ResponseTooLarge"; of an error
 * response at most 64 KB is read. HTTPHeaders has header names in lowercase, a repeated header once
 * with its values joined by ", ", and bytes that are not UTF-8 replaced by U+FFFD. Every request on
 * the wire is a counted attempt: libcurl's own resend on a kept-alive connection that turned out dead
 * is refused, so with retryMode "off" one call sends one request.
 *
 * Blocks until the call completes or times out. out_json must not be NULL.
 */
IVS_API ivs_status ivs_call(ivs_client *client, const char *service, const char *operation,
                            const char *input_json, char **out_json);

/*
 * Calls a paginated operation until the last page and returns one output in which each of the
 * paginator's result lists holds the items of every page, in order, and the page token is absent.
 * "ResponseMetadata" is that of the last page. maxResults in the input sets the page size. For an
 * operation that is not paginated this behaves as ivs_call(). Same arguments and ownership as ivs_call.
 * A page token the service repeats is IVS_E_SERVICE "PaginationError"; more than the client's
 * maxPages pages or maxPaginateBytes bytes of responses is IVS_E_SERVICE "PaginationLimitExceeded".
 */
IVS_API ivs_status ivs_paginate(ivs_client *client, const char *service, const char *operation,
                                const char *input_json, char **out_json);

/*
 * Describes the services libivs knows, as JSON, for generating bindings:
 *   {"abiVersion": 1, "version": "...", "services": {"ivs": {"apiVersion", "endpointPrefix",
 *    "signingName", "serviceId", "operations": {"CreateChannel": {"snakeName", "http": {"method",
 *    "requestUri"}, "input": SHAPE_NAME, "output": SHAPE_NAME, "errors": [...], "paginator":
 *    {"inputToken", "outputToken", "limitKey", "resultKeys"} or absent}}, "shapes": {SHAPE_NAME:
 *    {"type", "members": {NAME: {"shape", "required", "location"}}, "member", "key", "value",
 *    "enum", "min", "max", "pattern", "sensitive", "error": {"httpStatus"}}}}},
 *    "partitions": {NAME: {"regions": [...], "dnsSuffix"}}}   (partitions only with service NULL)
 * service is one service name, or NULL for all. Returns NULL for an unknown service. The caller frees
 * the result with ivs_free().
 */
IVS_API char *ivs_describe(const char *service);

/* Frees any string libivs returned. NULL-safe. */
IVS_API void ivs_free(void *p);

/* ------------------------------------------------------------------------------------------------
 * Calls in flight: many calls at once from one thread, for event loops (GLib, libuv, epoll, asyncio).
 * A client runs them on one I/O thread of its own (started on the first call in flight): one curl
 * multi handle, kept-alive connections, retries waiting on timers, never a thread per call.
 * ------------------------------------------------------------------------------------------------ */

/* Identifies a call in flight for ivs_cancel(). Never 0. */
typedef uint64_t ivs_request_id;

/*
 * The callback of a call in flight. status and json are what ivs_call (or ivs_paginate) would have
 * returned for the same response: the output JSON on IVS_OK, an error JSON otherwise (IVS_E_CANCELLED
 * when the call was cancelled). json is owned by libivs and valid only during the callback.
 * userdata is the pointer given with the call.
 */
typedef void (*ivs_done_fn)(ivs_status status, const char *json, void *userdata);

/*
 * Starts a call in flight and returns at once. done runs exactly once, later: on the client's I/O
 * thread, or, with the client config "dispatch": "manual", on the thread that calls
 * ivs_client_dispatch(). Arguments as ivs_call's; input_json is read during this call only.
 *
 * Returns IVS_E_INVALID_ARGUMENT, and done never runs, only when client or done is NULL. Everything
 * else, a NULL or unknown service or operation, malformed input and validation problems included,
 * arrives through done. *out_id (out_id may be NULL) is the call's id, or 0 when the call was refused.
 *
 * Thread-safe: any number of threads may start calls on one client at once, and a callback may start
 * new calls (also blocking ones, which then hold the I/O thread until they return).
 */
IVS_API ivs_status ivs_call_async(ivs_client *client, const char *service, const char *operation,
                                  const char *input_json, ivs_done_fn done, void *userdata,
                                  ivs_request_id *out_id);

/* As ivs_call_async(), joining every page as ivs_paginate() does (pages are fetched one after the other). */
IVS_API ivs_status ivs_paginate_async(ivs_client *client, const char *service, const char *operation,
                                      const char *input_json, ivs_done_fn done, void *userdata,
                                      ivs_request_id *out_id);

/*
 * Cancels a call in flight wherever it stands (waiting for credentials, connecting, mid-response,
 * waiting to retry): its done then runs with IVS_E_CANCELLED, unless it already ran or is running.
 * An id that is unknown or already done is ignored. IVS_E_INVALID_ARGUMENT for a NULL client or id 0.
 */
IVS_API ivs_status ivs_cancel(ivs_client *client, ivs_request_id id);

/*
 * With "dispatch": "manual": a file descriptor that is readable while callbacks wait to be run by
 * ivs_client_dispatch(): watch it in your loop (g_unix_fd_add, uv_poll, epoll). Owned by the client;
 * do not read or close it. -1 in thread mode and for a NULL client.
 */
IVS_API int ivs_client_fd(ivs_client *client);

/*
 * With "dispatch": "manual": runs the callbacks waiting now, on this thread. With none waiting, waits
 * up to timeout_ms for one (0: no wait; negative: until one comes). Returns how many ran (0 in thread
 * mode). Callbacks run outside any lock of libivs and may start new calls.
 */
IVS_API int ivs_client_dispatch(ivs_client *client, int timeout_ms);

/* ------------------------------------------------------------------------------------------------
 * Chat messaging: a WebSocket connection to an IVS Chat room (the IVS Chat Messaging API), for
 * broadcast tools, overlays, moderation bots and game servers. It rides on the client's I/O thread
 * like calls in flight: TLS, the proxy, the CA bundle and verifyTls come from the client's
 * configuration, and events are delivered as the client's "dispatch" setting says.
 * ------------------------------------------------------------------------------------------------ */

/* One connection to one chat room. Opaque; thread-safe. */
typedef struct ivs_chat ivs_chat;

/*
 * Receives every event of a chat: event_json is a JSON object owned by libivs and valid only during
 * the call; userdata is the pointer given to ivs_chat_connect(). Runs on the client's I/O thread, or,
 * with "dispatch": "manual", on the thread that calls ivs_client_dispatch(). It may call ivs_chat_send()
 * and ivs_chat_set_token() (and any ivs_ function but ivs_client_free of this client); keep it short
 * in thread mode, as the I/O thread serves every call and chat of the client.
 *
 * The service's events arrive exactly as the service sent them: "Type" "MESSAGE" (Id, RequestId,
 * Content, Attributes, Sender {UserId, Attributes}, SendTime), "EVENT" (Id, RequestId, EventName,
 * Attributes, SendTime; the service's own are "aws:DELETE_MESSAGE" and "aws:DISCONNECT_USER") and
 * "ERROR" (Id, RequestId, ErrorCode, ErrorMessage): see the Chat Messaging API reference.
 * The connection's own events have "Type": "CONNECTION":
 *   {"State": "connecting", "Attempt": n}                   a connect attempt starts (1, 2, ...)
 *   {"State": "tokenNeeded"}                                 no token left: call ivs_chat_set_token()
 *   {"State": "connected", "Attempt": n, "SessionExpirationTime"?: ISO 8601 (when known)}
 *   {"State": "disconnected", "Reason", "Message", "Reconnecting": bool, "Code"?: close code,
 *    "HttpStatus"?: the status of a refused handshake, "UnsentRequestIds"?: [requests accepted by
 *    ivs_chat_send() and never written], "Error"?: {"kind", "code", "message"} of a failed
 *    CreateChatToken}
 * Reason is one of clientClosed (ivs_chat_close, or ivs_client_free), serverClosed (the server sent a
 * close frame: Code and its reason in Message; e.g. after DisconnectUser), sessionExpired (the close
 * came at the session's end), tokenExpired (the service refused the token: used, expired or invalid),
 * tokenError (CreateChatToken failed), refused (the handshake was answered with another HTTP status),
 * network (connect, TLS, reset, EOF, no answer to keep-alive pings), protocolError (the server broke
 * RFC 6455: Code is the close code sent, Message says what). With "Reconnecting": true another
 * "connecting" follows after a backoff; the last event of every chat is a "disconnected" with
 * "Reconnecting": false, after which the function is never called again for it.
 */
typedef void (*ivs_chat_event_fn)(const char *event_json, void *userdata);

/*
 * Connects to a chat room and returns at once; the connection is made on the client's I/O thread and
 * reported through on_event ("connecting", then "connected" or "disconnected").
 *
 * options_json is a JSON object (an unknown key or a bad value is IVS_E_CONFIG):
 *   token                  the chat token (CreateChatToken's "token"), or CreateChatToken's output
 *                          object {"token", "tokenExpirationTime", "sessionExpirationTime"}; used once
 *   createToken            a CreateChatToken input ({"roomIdentifier", "userId", "capabilities",
 *                          "sessionDurationInMinutes", "attributes"}): libivs calls CreateChatToken
 *                          with client before every connect and reconnect (tokens are single use),
 *                          and reads the room's maximumMessageLength once with GetRoom. Checked
 *                          against the model here (IVS_E_VALIDATION). Excludes token.
 *                          With neither, the first event after "connecting" is "tokenNeeded".
 *   url                    "wss://edge.ivschat.<region>.amazonaws.com" by default; ws:// or wss://
 *                          (ivs-local: its base URL with ws://)
 *   maximumMessageLength   the room's limit, 1-500, for checking Content in ivs_chat_send()
 *   reconnect              false, or {"enabled": true, "maxAttempts": 10 (failed attempts in a row;
 *                          0 never gives up), "initialDelayMs": 500, "maxDelayMs": 30000 (exponential
 *                          backoff, each wait a random time between half and all of it),
 *                          "renewSession": true (connect again with a new token when the session ends)}
 *   pingIntervalMs         keep-alive: a ping after this long without a byte from the server (30000)
 *   pingTimeoutMs          no byte within this long after a ping: the connection is lost (10000)
 *   maxMessageBytes        largest message accepted from the server, 1 KiB-16 MiB (131072); a larger
 *                          one ends the connection (protocolError, Code 1009)
 *   maxQueuedBytes         most bytes of requests waiting to be written (1 MiB); requests wait while
 *                          the socket cannot take more (a server that does not read); an empty queue
 *                          takes any one request, however large
 *   maxPendingEvents       manual dispatch: with this many events not yet run, reading stops until
 *                          half of them ran (10000), so memory stays bounded
 *   handshakeTimeoutMs     connect plus opening handshake (10000); closeTimeoutMs: how long
 *                          ivs_chat_close() waits for the server's close (2000)
 * The WebSocket is RFC 6455 over libcurl's connect-only mode, the token sent as the subprotocol:
 * masked frames, fragmented messages, pings answered, the close handshake; text checked as UTF-8.
 *
 * On IVS_OK, *out_chat is the chat, to end with ivs_chat_close(), and *out_error_json is NULL.
 * Otherwise *out_chat is NULL, on_event is never called, and *out_error_json (out_error_json may be
 * NULL) holds an error JSON: IVS_E_INVALID_ARGUMENT for a NULL client, on_event, out_chat or
 * options_json or malformed JSON; IVS_E_CONFIG for bad options; IVS_E_VALIDATION for a createToken
 * input the model refuses; IVS_E_CANCELLED while the client is being freed. Thread-safe. The chat
 * keeps its client alive; close every chat, before or after ivs_client_free(), which ends the
 * connections of the chats still open (their last event says clientClosed).
 */
IVS_API ivs_status ivs_chat_connect(ivs_client *client, const char *options_json, ivs_chat_event_fn on_event,
                                    void *userdata, ivs_chat **out_chat, char **out_error_json);

/*
 * Sends one Chat Messaging API action, request_json as the service defines it:
 *   {"Action": "SEND_MESSAGE", "Content": "...", "Attributes"?: {string: string}, "RequestId"?}
 *   {"Action": "DELETE_MESSAGE", "Id": message id, "Reason"?, "RequestId"?}
 *   {"Action": "DISCONNECT_USER", "UserId": ..., "Reason"?, "RequestId"?}
 * It is checked here: the action, required members, types, no unknown member, and Content (1 to the
 * room's maximumMessageLength code points when known, else 500). RequestId (a UUID when absent) is
 * returned as {"RequestId": ...} in *out_json (out_json may be NULL). The request is queued and
 * written by the I/O thread; what the service refuses (capabilities, rate, message review, sizes)
 * arrives as an "ERROR" event with this RequestId. Success of SEND_MESSAGE shows as the "MESSAGE"
 * event with it (the sender gets its own messages).
 *
 * Errors, with an error JSON in *out_json: IVS_E_INVALID_ARGUMENT (NULL chat or request, malformed
 * JSON, code ChatClosed after ivs_chat_close began), IVS_E_VALIDATION (ParamValidationError with
 * every problem in fields.problems), IVS_E_NETWORK with code ChatNotConnected (not connected now:
 * nothing is queued while connecting) or ChatSendQueueFull (maxQueuedBytes waiting), both retryable.
 * Thread-safe; requests from one thread are written in order.
 */
IVS_API ivs_status ivs_chat_send(ivs_chat *chat, const char *request_json, char **out_json);

/*
 * Hands over a token for the chat's next connect: the token, or CreateChatToken's output as JSON
 * (then an expired token is not tried, and sessionExpirationTime is known). Answers a "tokenNeeded"
 * event; given earlier, it waits for the next connect. Tokens are single use: give a fresh one each
 * time. IVS_E_INVALID_ARGUMENT for a NULL chat or token, or a token that is empty, over 16 KB or has
 * characters a WebSocket subprotocol cannot carry (the token is never quoted). Thread-safe.
 */
IVS_API ivs_status ivs_chat_set_token(ivs_chat *chat, const char *token);

/*
 * Ends a chat and releases it. NULL-safe. Requests accepted before are written first, then the close
 * handshake runs (bounded by closeTimeoutMs); the last event is a "disconnected" with Reason
 * clientClosed. Returns once that event has run (thread dispatch) or is queued for
 * ivs_client_dispatch() (manual dispatch; userdata must stay valid until it has run). Called from
 * an event function on the client's I/O thread, it returns at once and the event follows later.
 * The chat must not be used after this call, from any thread.
 */
IVS_API void ivs_chat_close(ivs_chat *chat);

/*
 * Log sink. level: 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace. message is valid only during the
 * callback. At debug level every HTTP attempt is logged (method, URL, status, duration, retry
 * decision) with secrets redacted. The callback may be called from any thread, concurrently.
 */
typedef void (*ivs_log_fn)(int level, const char *message, void *userdata);

/*
 * Sets the process-wide log level and sink. fn NULL means stderr. Messages above level are dropped
 * before they are formatted. A client's "logLevel" setting raises the level for that client's calls.
 */
IVS_API void ivs_set_log_callback(int level, ivs_log_fn fn, void *userdata);

/* ------------------------------------------------------------------------------------------------
 * Tokens and keys: computed locally with libcrypto; no network except ivs_participant_token_for_stage.
 * All return IVS_E_VALIDATION with an error JSON for bad keys, claims or lifetimes. Private key
 * material never appears in any output, error or log.
 * ------------------------------------------------------------------------------------------------ */

/* A new ECDSA P-384 key pair: {"privateKey": PKCS#8 PEM, "publicKey": SubjectPublicKeyInfo PEM},
 * ready for ImportPlaybackKeyPair and ImportPublicKey. */
IVS_API ivs_status ivs_keypair_generate(char **out_json);

/*
 * Requests of the token functions: JSON objects whose unknown members are refused and whose null
 * members count as absent. Every problem is reported at once in fields.problems (IVS_E_VALIDATION);
 * NULL, malformed JSON or a non-object is IVS_E_INVALID_ARGUMENT. Private keys are PKCS#8 or SEC1 PEM
 * on P-384 (an encrypted key is refused, never prompted for); public keys are SubjectPublicKeyInfo PEM.
 */

/*
 * A playback authorization token for a private channel (ES384 JWT). request_json:
 *   {"privateKey": PEM, "channelArn": arn:aws:ivs:REGION:ACCOUNT:channel/ID,
 *    "expiresIn": seconds (default 3600, at most one year; default and maximum 600 when viewerId or
 *    singleUseUuid is set), "accessControlAllowOrigin": "https://a.example,https://b.example" or an
 *    array of origins, "strictOriginEnforcement": bool (then at most 5 origins), "singleUseUuid": UUID,
 *    "viewerId": 1-40 characters, "viewerSessionVersion": 0..2^31-1,
 *    "maximumResolution": "SD"|"HD"|"FULL_HD", "playbackUrl": http(s) URL}
 * Output: {"token": ..., "expiresAt": ISO 8601, "playbackUrl": URL with ?token= (or &token=), only
 * when playbackUrl was given}.
 */
IVS_API ivs_status ivs_playback_token(const char *request_json, char **out_json);

/*
 * A self-signed IVS Real-Time participant token (ES384 JWT, kid = publicKeyArn). request_json:
 *   {"privateKey": PEM, "publicKeyArn": ..., "stageArn": ..., "eventsUrl": ..., "whipUrl": ...,
 *    "participantId": [A-Za-z0-9_-]{1,64} (12 random characters when absent), "userId": at most 128
 *    characters, "attributes": {string: string} (at most 1024 bytes of keys and values in all),
 *    "capabilities": ["PUBLISH", "SUBSCRIBE"] (the default; [] grants neither),
 *    "duration": minutes, 1-20160 (default 720)}
 * Output: {"participantToken": {"token", "participantId", "userId", "attributes", "capabilities",
 *          "duration", "expirationTime"}}, as CreateParticipantToken returns it (userId and attributes
 *          only when given).
 */
IVS_API ivs_status ivs_participant_token(const char *request_json, char **out_json);

/* As ivs_participant_token(), but eventsUrl and whipUrl come from the stage, read with GetStage
 * through client (the request must not carry them). The request is checked before GetStage is sent;
 * GetStage's own errors come back as ivs_call's would (e.g. IVS_E_SERVICE ResourceNotFoundException). */
IVS_API ivs_status ivs_participant_token_for_stage(ivs_client *client, const char *request_json, char **out_json);

/* Verifies an ES384 token against a PEM public key: the algorithm (ES384 only; "none", HS* and "crit"
 * are refused), the 96-byte r||s signature, exp in the future and nbf when present, without leeway.
 * On IVS_OK, *out_json is {"header": {...}, "claims": {...}}; an invalid, expired or wrongly signed
 * token is IVS_E_VALIDATION. Tokens over 64 KB are refused. */
IVS_API ivs_status ivs_token_verify(const char *token, const char *public_key_pem, char **out_json);

/* ------------------------------------------------------------------------------------------------
 * One function per operation, each exactly ivs_call(client, "<service>", "<Operation>", input_json,
 * out_json): ivs_<svc>_<operation> with <svc> ivs, realtime or chat.
 * ------------------------------------------------------------------------------------------------ */
/* BEGIN GENERATED OPERATIONS: tools/codegen/generate.py; do not edit by hand */
/* From the AWS service models of botocore 1.44.8 (models/). */

/* Amazon Interactive Video Service ("ivs"): 46 operations. */
/** ivs BatchGetChannel: Performs GetChannel on multiple ARNs simultaneously. */
IVS_API ivs_status ivs_ivs_batch_get_channel(ivs_client *client, const char *input_json, char **out_json);
/** ivs BatchGetStreamKey: Performs GetStreamKey on multiple ARNs simultaneously. */
IVS_API ivs_status ivs_ivs_batch_get_stream_key(ivs_client *client, const char *input_json, char **out_json);
/** ivs BatchStartViewerSessionRevocation: Performs StartViewerSessionRevocation on multiple channel ARN and viewer ID pairs simultaneously. */
IVS_API ivs_status ivs_ivs_batch_start_viewer_session_revocation(ivs_client *client, const char *input_json, char **out_json);
/** ivs CreateAdConfiguration: Creates a new ad configuration to be used for server-side ad insertion. */
IVS_API ivs_status ivs_ivs_create_ad_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs CreateChannel: Creates a new channel and an associated stream key to start streaming. */
IVS_API ivs_status ivs_ivs_create_channel(ivs_client *client, const char *input_json, char **out_json);
/** ivs CreateFailoverSlateConfiguration: Creates a new failover slate configuration. */
IVS_API ivs_status ivs_ivs_create_failover_slate_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs CreatePlaybackRestrictionPolicy: Creates a new playback restriction policy, for constraining playback by countries and/or origins. */
IVS_API ivs_status ivs_ivs_create_playback_restriction_policy(ivs_client *client, const char *input_json, char **out_json);
/** ivs CreateRecordingConfiguration: Creates a new recording configuration, used to enable recording to Amazon S3. */
IVS_API ivs_status ivs_ivs_create_recording_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs CreateStreamKey: Creates a stream key, used to initiate a stream, for the specified channel ARN. */
IVS_API ivs_status ivs_ivs_create_stream_key(ivs_client *client, const char *input_json, char **out_json);
/** ivs DeleteAdConfiguration: Deletes the specified ad configuration. */
IVS_API ivs_status ivs_ivs_delete_ad_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs DeleteChannel: Deletes the specified channel and its associated stream keys. */
IVS_API ivs_status ivs_ivs_delete_channel(ivs_client *client, const char *input_json, char **out_json);
/** ivs DeleteFailoverSlateConfiguration: Deletes the specified failover slate configuration. */
IVS_API ivs_status ivs_ivs_delete_failover_slate_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs DeletePlaybackKeyPair: Deletes a specified authorization key pair. */
IVS_API ivs_status ivs_ivs_delete_playback_key_pair(ivs_client *client, const char *input_json, char **out_json);
/** ivs DeletePlaybackRestrictionPolicy: Deletes the specified playback restriction policy. */
IVS_API ivs_status ivs_ivs_delete_playback_restriction_policy(ivs_client *client, const char *input_json, char **out_json);
/** ivs DeleteRecordingConfiguration: Deletes the recording configuration for the specified ARN. */
IVS_API ivs_status ivs_ivs_delete_recording_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs DeleteStreamKey: Deletes the stream key for the specified ARN, so it can no longer be used to stream. */
IVS_API ivs_status ivs_ivs_delete_stream_key(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetAdConfiguration: Gets the ad configuration represented by the specified ARN. */
IVS_API ivs_status ivs_ivs_get_ad_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetChannel: Gets the channel configuration for the specified channel ARN. */
IVS_API ivs_status ivs_ivs_get_channel(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetFailoverSlateConfiguration: Gets the failover slate configuration for the specified ARN. */
IVS_API ivs_status ivs_ivs_get_failover_slate_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetPlaybackKeyPair: Gets a specified playback authorization key pair and returns the arn and fingerprint. */
IVS_API ivs_status ivs_ivs_get_playback_key_pair(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetPlaybackRestrictionPolicy: Gets the specified playback restriction policy. */
IVS_API ivs_status ivs_ivs_get_playback_restriction_policy(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetRecordingConfiguration: Gets the recording configuration for the specified ARN. */
IVS_API ivs_status ivs_ivs_get_recording_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetStream: Gets information about the active (live) stream on a specified channel. */
IVS_API ivs_status ivs_ivs_get_stream(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetStreamKey: Gets stream-key information for a specified ARN. */
IVS_API ivs_status ivs_ivs_get_stream_key(ivs_client *client, const char *input_json, char **out_json);
/** ivs GetStreamSession: Gets metadata on a specified stream. */
IVS_API ivs_status ivs_ivs_get_stream_session(ivs_client *client, const char *input_json, char **out_json);
/** ivs ImportPlaybackKeyPair: Imports the public portion of a new key pair and returns its arn and fingerprint. */
IVS_API ivs_status ivs_ivs_import_playback_key_pair(ivs_client *client, const char *input_json, char **out_json);
/** ivs InsertAdBreak: Inserts an ad marker in the playlist for the specified channel and duration using the ad configuration associated with the channel. */
IVS_API ivs_status ivs_ivs_insert_ad_break(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListAdConfigurations: Gets summary information about all ad configurations in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_ivs_list_ad_configurations(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListChannels: Gets summary information about all channels in your account, in the Amazon Web Services region where the API request is processed. */
IVS_API ivs_status ivs_ivs_list_channels(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListFailoverSlateConfigurations: Gets summary information about all failover slate configurations in your account, in the Amazon Web Services region where the API request is processed. */
IVS_API ivs_status ivs_ivs_list_failover_slate_configurations(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListPlaybackKeyPairs: Gets summary information about playback key pairs. */
IVS_API ivs_status ivs_ivs_list_playback_key_pairs(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListPlaybackRestrictionPolicies: Gets summary information about playback restriction policies. */
IVS_API ivs_status ivs_ivs_list_playback_restriction_policies(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListRecordingConfigurations: Gets summary information about all recording configurations in your account, in the Amazon Web Services region where the API request is processed. */
IVS_API ivs_status ivs_ivs_list_recording_configurations(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListStreamKeys: Gets summary information about stream keys for the specified channel. */
IVS_API ivs_status ivs_ivs_list_stream_keys(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListStreamSessions: Gets a summary of current and previous streams for a specified channel in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_ivs_list_stream_sessions(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListStreams: Gets summary information about live streams in your account, in the Amazon Web Services region where the API request is processed. */
IVS_API ivs_status ivs_ivs_list_streams(ivs_client *client, const char *input_json, char **out_json);
/** ivs ListTagsForResource: Gets information about Amazon Web Services tags for the specified ARN. */
IVS_API ivs_status ivs_ivs_list_tags_for_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivs PutMetadata: Inserts metadata into the active stream of the specified channel. */
IVS_API ivs_status ivs_ivs_put_metadata(ivs_client *client, const char *input_json, char **out_json);
/** ivs StartViewerSessionRevocation: Starts the process of revoking the viewer session associated with a specified channel ARN and viewer ID. */
IVS_API ivs_status ivs_ivs_start_viewer_session_revocation(ivs_client *client, const char *input_json, char **out_json);
/** ivs StopStream: Disconnects the incoming RTMPS stream for the specified channel. */
IVS_API ivs_status ivs_ivs_stop_stream(ivs_client *client, const char *input_json, char **out_json);
/** ivs TagResource: Adds or updates tags for the Amazon Web Services resource with the specified ARN. */
IVS_API ivs_status ivs_ivs_tag_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivs UntagResource: Removes tags from the resource with the specified ARN. */
IVS_API ivs_status ivs_ivs_untag_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivs UpdateAdConfiguration: Updates a specified ad configuration. */
IVS_API ivs_status ivs_ivs_update_ad_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs UpdateChannel: Updates a channel's configuration. */
IVS_API ivs_status ivs_ivs_update_channel(ivs_client *client, const char *input_json, char **out_json);
/** ivs UpdateFailoverSlateConfiguration: Updates a specified failover slate configuration. */
IVS_API ivs_status ivs_ivs_update_failover_slate_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs UpdatePlaybackRestrictionPolicy: Updates a specified playback restriction policy. */
IVS_API ivs_status ivs_ivs_update_playback_restriction_policy(ivs_client *client, const char *input_json, char **out_json);

/* Amazon Interactive Video Service RealTime ("ivs-realtime"): 40 operations. */
/** ivs-realtime CreateEncoderConfiguration: Creates an EncoderConfiguration object. */
IVS_API ivs_status ivs_realtime_create_encoder_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime CreateIngestConfiguration: Creates a new IngestConfiguration resource, used to specify the ingest protocol for a stage. */
IVS_API ivs_status ivs_realtime_create_ingest_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime CreateParticipantToken: Creates an additional token for a specified stage. */
IVS_API ivs_status ivs_realtime_create_participant_token(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime CreateStage: Creates a new stage (and optionally participant tokens). */
IVS_API ivs_status ivs_realtime_create_stage(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime CreateStorageConfiguration: Creates a new storage configuration, used to enable recording to Amazon S3. */
IVS_API ivs_status ivs_realtime_create_storage_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime DeleteEncoderConfiguration: Deletes an EncoderConfiguration resource. */
IVS_API ivs_status ivs_realtime_delete_encoder_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime DeleteIngestConfiguration: Deletes a specified IngestConfiguration, so it can no longer be used to broadcast. */
IVS_API ivs_status ivs_realtime_delete_ingest_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime DeletePublicKey: Deletes the specified public key used to sign stage participant tokens. */
IVS_API ivs_status ivs_realtime_delete_public_key(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime DeleteStage: Shuts down and deletes the specified stage (disconnecting all participants). */
IVS_API ivs_status ivs_realtime_delete_stage(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime DeleteStorageConfiguration: Deletes the storage configuration for the specified ARN. */
IVS_API ivs_status ivs_realtime_delete_storage_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime DisconnectParticipant: Disconnects a specified participant from a specified stage. */
IVS_API ivs_status ivs_realtime_disconnect_participant(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetComposition: Get information about the specified Composition resource. */
IVS_API ivs_status ivs_realtime_get_composition(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetEncoderConfiguration: Gets information about the specified EncoderConfiguration resource. */
IVS_API ivs_status ivs_realtime_get_encoder_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetIngestConfiguration: Gets information about the specified IngestConfiguration. */
IVS_API ivs_status ivs_realtime_get_ingest_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetParticipant: Gets information about the specified participant token. */
IVS_API ivs_status ivs_realtime_get_participant(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetPublicKey: Gets information for the specified public key. */
IVS_API ivs_status ivs_realtime_get_public_key(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetStage: Gets information for the specified stage. */
IVS_API ivs_status ivs_realtime_get_stage(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetStageSession: Gets information for the specified stage session. */
IVS_API ivs_status ivs_realtime_get_stage_session(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime GetStorageConfiguration: Gets the storage configuration for the specified ARN. */
IVS_API ivs_status ivs_realtime_get_storage_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ImportPublicKey: Import a public key to be used for signing stage participant tokens. */
IVS_API ivs_status ivs_realtime_import_public_key(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListCompositions: Gets summary information about all Compositions in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_realtime_list_compositions(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListEncoderConfigurations: Gets summary information about all EncoderConfigurations in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_realtime_list_encoder_configurations(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListIngestConfigurations: Lists all IngestConfigurations in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_realtime_list_ingest_configurations(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListParticipantEvents: Lists events for a specified participant that occurred during a specified stage session. */
IVS_API ivs_status ivs_realtime_list_participant_events(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListParticipantReplicas: Lists all the replicas for a participant from a source stage. */
IVS_API ivs_status ivs_realtime_list_participant_replicas(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListParticipants: Lists all participants in a specified stage session. */
IVS_API ivs_status ivs_realtime_list_participants(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListPublicKeys: Gets summary information about all public keys in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_realtime_list_public_keys(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListStageSessions: Gets all sessions for a specified stage. */
IVS_API ivs_status ivs_realtime_list_stage_sessions(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListStages: Gets summary information about all stages in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_realtime_list_stages(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListStorageConfigurations: Gets summary information about all storage configurations in your account, in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_realtime_list_storage_configurations(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime ListTagsForResource: Gets information about AWS tags for the specified ARN. */
IVS_API ivs_status ivs_realtime_list_tags_for_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime RevokeConnectionToken: Revokes the specified connection token so that it can no longer connect to a stage. */
IVS_API ivs_status ivs_realtime_revoke_connection_token(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime StartComposition: Starts a Composition from a stage based on the configuration provided in the request. */
IVS_API ivs_status ivs_realtime_start_composition(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime StartParticipantReplication: Starts replicating a publishing participant from a source stage to a destination stage. */
IVS_API ivs_status ivs_realtime_start_participant_replication(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime StopComposition: Stops and deletes a Composition resource. */
IVS_API ivs_status ivs_realtime_stop_composition(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime StopParticipantReplication: Stops a replicated participant session. */
IVS_API ivs_status ivs_realtime_stop_participant_replication(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime TagResource: Adds or updates tags for the AWS resource with the specified ARN. */
IVS_API ivs_status ivs_realtime_tag_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime UntagResource: Removes tags from the resource with the specified ARN. */
IVS_API ivs_status ivs_realtime_untag_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime UpdateIngestConfiguration: Updates a specified IngestConfiguration. */
IVS_API ivs_status ivs_realtime_update_ingest_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivs-realtime UpdateStage: Updates a stage’s configuration. */
IVS_API ivs_status ivs_realtime_update_stage(ivs_client *client, const char *input_json, char **out_json);

/* Amazon Interactive Video Service Chat ("ivschat"): 17 operations. */
/** ivschat CreateChatToken: Creates an encrypted token that is used by a chat participant to establish an individual WebSocket chat connection to a room. */
IVS_API ivs_status ivs_chat_create_chat_token(ivs_client *client, const char *input_json, char **out_json);
/** ivschat CreateLoggingConfiguration: Creates a logging configuration that allows clients to store and record sent messages. */
IVS_API ivs_status ivs_chat_create_logging_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivschat CreateRoom: Creates a room that allows clients to connect and pass messages. */
IVS_API ivs_status ivs_chat_create_room(ivs_client *client, const char *input_json, char **out_json);
/** ivschat DeleteLoggingConfiguration: Deletes the specified logging configuration. */
IVS_API ivs_status ivs_chat_delete_logging_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivschat DeleteMessage: Sends an event to a specific room which directs clients to delete a specific message; that is, unrender it from view and delete it from the client’s chat history. */
IVS_API ivs_status ivs_chat_delete_message(ivs_client *client, const char *input_json, char **out_json);
/** ivschat DeleteRoom: Deletes the specified room. */
IVS_API ivs_status ivs_chat_delete_room(ivs_client *client, const char *input_json, char **out_json);
/** ivschat DisconnectUser: Disconnects all connections using a specified user ID from a room. */
IVS_API ivs_status ivs_chat_disconnect_user(ivs_client *client, const char *input_json, char **out_json);
/** ivschat GetLoggingConfiguration: Gets the specified logging configuration. */
IVS_API ivs_status ivs_chat_get_logging_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivschat GetRoom: Gets the specified room. */
IVS_API ivs_status ivs_chat_get_room(ivs_client *client, const char *input_json, char **out_json);
/** ivschat ListLoggingConfigurations: Gets summary information about all your logging configurations in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_chat_list_logging_configurations(ivs_client *client, const char *input_json, char **out_json);
/** ivschat ListRooms: Gets summary information about all your rooms in the AWS region where the API request is processed. */
IVS_API ivs_status ivs_chat_list_rooms(ivs_client *client, const char *input_json, char **out_json);
/** ivschat ListTagsForResource: Gets information about AWS tags for the specified ARN. */
IVS_API ivs_status ivs_chat_list_tags_for_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivschat SendEvent: Sends an event to a room. */
IVS_API ivs_status ivs_chat_send_event(ivs_client *client, const char *input_json, char **out_json);
/** ivschat TagResource: Adds or updates tags for the AWS resource with the specified ARN. */
IVS_API ivs_status ivs_chat_tag_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivschat UntagResource: Removes tags from the resource with the specified ARN. */
IVS_API ivs_status ivs_chat_untag_resource(ivs_client *client, const char *input_json, char **out_json);
/** ivschat UpdateLoggingConfiguration: Updates a specified logging configuration. */
IVS_API ivs_status ivs_chat_update_logging_configuration(ivs_client *client, const char *input_json, char **out_json);
/** ivschat UpdateRoom: Updates a room’s configuration. */
IVS_API ivs_status ivs_chat_update_room(ivs_client *client, const char *input_json, char **out_json);

/* END GENERATED OPERATIONS */

#ifdef __cplusplus
}
#endif
#endif /* IVS_H */
