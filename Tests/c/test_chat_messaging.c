/*
 * Chat messaging (ivs_chat_*) against ivs-local over real WebSockets: three clients in one room with
 * messages and attributes in both directions; DELETE_MESSAGE and DISCONNECT_USER with their events;
 * SendEvent, DeleteMessage and DisconnectUser from the control plane; capability, rate and length
 * errors (ERROR events with the request's RequestId) and the local checks of ivs_chat_send; session
 * expiry and renewal with a token from ivs_chat_set_token; a dropped connection reconnecting with a new
 * token; close with messages in flight (all delivered, the disconnect last and once); manual dispatch;
 * ivs_client_free with a chat open; NULL and malformed arguments; no token in events or log lines.
 * Waits scale with IVS_TEST_TIME_SCALE (valgrind).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static double scale;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- one chat's events ---------------------------------------------------------------------------- */

#define MAX_EVENTS 4096

struct peer {
    const char *name;
    ivs_chat *chat;
    ivs_client *client; /* for manual dispatch */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    json_t *events[MAX_EVENTS];
    int count;
    int after_final;    /* events that came after the final disconnect: must stay 0 */
    int finals;
};

static void on_event(const char *json, void *userdata) {
    struct peer *p = userdata;
    if (getenv("IVS_TEST_CHAT_TRACE")) fprintf(stderr, "%s: %s\n", p->name, json);
    json_error_t e;
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, &e);
    CHECKF(doc && json_is_object(doc), "%s: an event that is not a JSON object: %s", p->name, json);
    pthread_mutex_lock(&p->mu);
    if (p->finals > 0) p->after_final++;
    const char *type = json_string_value(json_object_get(doc, "Type"));
    const char *state = json_string_value(json_object_get(doc, "State"));
    if (type && state && !strcmp(type, "CONNECTION") && !strcmp(state, "disconnected") &&
        json_is_false(json_object_get(doc, "Reconnecting")))
        p->finals++;
    if (doc && p->count < MAX_EVENTS) p->events[p->count++] = doc;
    else json_decref(doc);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Whether ev has member key equal to value (a string), for every pair of the NULL-ended list. */
static bool matches(json_t *ev, const char **pairs) {
    for (int i = 0; pairs[i]; i += 2) {
        const char *key = pairs[i], *want = pairs[i + 1];
        json_t *v = h_get(ev, key);
        if (!v) return false;
        if (json_is_string(v)) {
            if (strcmp(json_string_value(v), want)) return false;
        } else if (json_is_integer(v)) {
            if (json_integer_value(v) != atoll(want)) return false;
        } else if (json_is_boolean(v)) {
            if ((json_is_true(v) ? 1 : 0) != !strcmp(want, "true")) return false;
        } else {
            return false;
        }
    }
    return true;
}

/* The first event from index *from on that matches pairs, waiting up to seconds (scaled); *from moves
 * past it. Borrowed (the peer owns it), NULL on timeout. With manual dispatch, dispatches meanwhile. */
static json_t *wait_for(struct peer *p, int *from, double seconds, const char **pairs) {
    double deadline = now() + seconds * scale;
    json_t *found = NULL;
    while (!found) {
        pthread_mutex_lock(&p->mu);
        for (int i = *from; i < p->count && !found; i++) {
            if (matches(p->events[i], pairs)) {
                found = p->events[i];
                *from = i + 1;
            }
        }
        if (!found && !p->client && now() < deadline) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 20 * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
            pthread_cond_timedwait(&p->cv, &p->mu, &ts);
        }
        pthread_mutex_unlock(&p->mu);
        if (found || now() >= deadline) break;
        if (p->client) ivs_client_dispatch(p->client, 20);
    }
    return found;
}

#define WAIT(p, from, secs, ...) wait_for((p), (from), (secs), (const char *[]){__VA_ARGS__, NULL})

static int count_matching(struct peer *p, const char **pairs) {
    int n = 0;
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->count; i++) n += matches(p->events[i], pairs);
    pthread_mutex_unlock(&p->mu);
    return n;
}
#define COUNT(p, ...) count_matching((p), (const char *[]){__VA_ARGS__, NULL})

static void peer_init(struct peer *p, const char *name) {
    memset(p, 0, sizeof *p);
    p->name = name;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
}

static void peer_free(struct peer *p) {
    for (int i = 0; i < p->count; i++) json_decref(p->events[i]);
    CHECKF(p->after_final == 0, "%s: %d events after the final disconnect", p->name, p->after_final);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}

static char *ws_url(void) {
    static char url[256];
    snprintf(url, sizeof url, "ws%s", h_url() + 4);
    return url;
}

/* Connects peer p with options (stolen; url added) and waits for "connected" unless wait is false. */
static void open_peer(struct peer *p, ivs_client *c, json_t *options, bool wait) {
    json_object_set_new(options, "url", json_string(ws_url()));
    char *text = json_dumps(options, JSON_COMPACT);
    json_decref(options);
    char *err = NULL;
    ivs_status st = ivs_chat_connect(c, text, on_event, p, &p->chat, &err);
    CHECKF(st == IVS_OK, "%s: ivs_chat_connect: %d %s", p->name, st, err ? err : "");
    ivs_free(err);
    free(text);
    REQUIRE(p->chat != NULL);
    int from = 0;
    if (wait) CHECKF(WAIT(p, &from, 10, "State", "connected") != NULL, "%s connected", p->name);
}

static json_t *create_token_input(const char *room, const char *user, const char *caps) {
    json_t *in = json_pack("{s:s, s:s}", "roomIdentifier", room, "userId", user);
    json_t *c = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", caps);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) json_array_append_new(c, json_string(t));
    json_object_set_new(in, "capabilities", c);
    return in;
}

static json_t *with_create_token(const char *room, const char *user, const char *caps) {
    return json_pack("{s:o}", "createToken", create_token_input(room, user, caps));
}

static char *make_room(ivs_client *c, int rate, int length) {
    json_t *out = CALL_OK(c, "ivschat", "CreateRoom",
                          json_pack("{s:s, s:i, s:i}", "name", "chat-test", "maximumMessageRatePerSecond", rate,
                                    "maximumMessageLength", length));
    char *arn = strdup(h_str(out, "arn"));
    json_decref(out);
    return arn;
}

/* ivs_chat_send; returns the RequestId (caller frees) or NULL, checking the status is want. */
static char *send_req(struct peer *p, json_t *req, ivs_status want) {
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char *out = NULL;
    ivs_status st = ivs_chat_send(p->chat, text, &out);
    CHECKF(st == want, "%s: ivs_chat_send %s: %d (want %d) %s", p->name, text, st, want, out ? out : "");
    free(text);
    char *id = NULL;
    if (st == IVS_OK) {
        json_t *doc = json_loads(out, 0, NULL);
        id = strdup(h_str(doc, "RequestId"));
        json_decref(doc);
    }
    ivs_free(out);
    return id;
}

static char *send_message(struct peer *p, const char *content, json_t *attributes) {
    json_t *req = json_pack("{s:s, s:s}", "Action", "SEND_MESSAGE", "Content", content);
    if (attributes) json_object_set_new(req, "Attributes", attributes);
    return send_req(p, req, IVS_OK);
}

/* ---- tests ------------------------------------------------------------------------------------------ */

static void test_messages_delete_disconnect(ivs_client *c) {
    h_reset();
    char *room = make_room(c, 100, 500);
    struct peer alice, bob, mod;
    peer_init(&alice, "alice"); peer_init(&bob, "bob"); peer_init(&mod, "mod");
    open_peer(&alice, c, with_create_token(room, "alice", "SEND_MESSAGE"), true);
    open_peer(&bob, c, with_create_token(room, "bob", "SEND_MESSAGE"), true);
    open_peer(&mod, c, with_create_token(room, "mod", "DELETE_MESSAGE,DISCONNECT_USER"), true);

    /* messages with attributes in both directions; the sender gets its own */
    int fa = 0, fb = 0, fm = 0;
    char *r1 = send_message(&alice, "héllo from alice", json_pack("{s:s, s:s}", "color", "red", "emoji", "✓"));
    json_t *m = WAIT(&bob, &fb, 5, "Type", "MESSAGE", "RequestId", r1);
    CHECK(m != NULL);
    char *msg_id = m ? strdup(h_str(m, "Id")) : strdup("none");
    if (m) {
        CHECK_STREQ(h_str(m, "Content"), "héllo from alice");
        CHECK_STREQ(h_str(m, "Attributes.color"), "red");
        CHECK_STREQ(h_str(m, "Attributes.emoji"), "✓");
        CHECK_STREQ(h_str(m, "Sender.UserId"), "alice");
        CHECK(strlen(h_str(m, "SendTime")) > 20);
    }
    CHECK(WAIT(&alice, &fa, 5, "Type", "MESSAGE", "RequestId", r1) != NULL);
    CHECK(WAIT(&mod, &fm, 5, "Type", "MESSAGE", "RequestId", r1) != NULL);
    char *r2 = send_message(&bob, "hi alice", json_pack("{s:s}", "reply", "yes"));
    m = WAIT(&alice, &fa, 5, "Type", "MESSAGE", "RequestId", r2);
    CHECK(m && !strcmp(h_str(m, "Attributes.reply"), "yes") && !strcmp(h_str(m, "Sender.UserId"), "bob"));

    /* a request with its own RequestId */
    free(send_req(&alice, json_pack("{s:s, s:s, s:s}", "Action", "SEND_MESSAGE", "Content", "mine", "RequestId", "my-id-1"), IVS_OK));
    CHECK(WAIT(&bob, &fb, 5, "Type", "MESSAGE", "RequestId", "my-id-1", "Content", "mine") != NULL);

    /* DELETE_MESSAGE: everyone gets aws:DELETE_MESSAGE */
    char *r3 = send_req(&mod, json_pack("{s:s, s:s, s:s}", "Action", "DELETE_MESSAGE", "Id", msg_id, "Reason", "spam"), IVS_OK);
    m = WAIT(&alice, &fa, 5, "Type", "EVENT", "EventName", "aws:DELETE_MESSAGE", "RequestId", r3);
    CHECK(m && !strcmp(h_str(m, "Attributes.MessageId"), msg_id) && !strcmp(h_str(m, "Attributes.Reason"), "spam"));
    CHECK(WAIT(&bob, &fb, 5, "EventName", "aws:DELETE_MESSAGE", "Attributes.MessageID", msg_id) != NULL);

    /* capability: bob may not delete (403, with the RequestId) */
    char *r4 = send_req(&bob, json_pack("{s:s, s:s}", "Action", "DELETE_MESSAGE", "Id", msg_id), IVS_OK);
    m = WAIT(&bob, &fb, 5, "Type", "ERROR", "RequestId", r4);
    CHECK(m && h_int(m, "ErrorCode") == 403);
    CHECK(COUNT(&alice, "Type", "ERROR") == 0);

    /* SendEvent, DeleteMessage from the control plane */
    json_decref(CALL_OK(c, "ivschat", "SendEvent",
                        json_pack("{s:s, s:s, s:{s:s}}", "roomIdentifier", room, "eventName", "app:poll", "attributes", "q", "1?")));
    m = WAIT(&alice, &fa, 5, "Type", "EVENT", "EventName", "app:poll");
    CHECK(m && !strcmp(h_str(m, "Attributes.q"), "1?"));
    CHECK(WAIT(&mod, &fm, 5, "EventName", "app:poll") != NULL);
    json_decref(CALL_OK(c, "ivschat", "DeleteMessage", json_pack("{s:s, s:s}", "roomIdentifier", room, "id", "abcdefABCDEF")));
    CHECK(WAIT(&bob, &fb, 5, "EventName", "aws:DELETE_MESSAGE", "Attributes.MessageId", "abcdefABCDEF") != NULL);

    /* DISCONNECT_USER: the event to all, bob's connection closed by the server, no reconnect */
    char *r5 = send_req(&mod, json_pack("{s:s, s:s, s:s}", "Action", "DISCONNECT_USER", "UserId", "bob", "Reason", "rude"), IVS_OK);
    m = WAIT(&alice, &fa, 5, "EventName", "aws:DISCONNECT_USER", "RequestId", r5);
    CHECK(m && !strcmp(h_str(m, "Attributes.UserId"), "bob") && !strcmp(h_str(m, "Attributes.Reason"), "rude"));
    CHECK(WAIT(&bob, &fb, 5, "EventName", "aws:DISCONNECT_USER") != NULL);
    m = WAIT(&bob, &fb, 5, "State", "disconnected");
    CHECK(m && !strcmp(h_str(m, "Reason"), "serverClosed") && json_is_false(h_get(m, "Reconnecting")));
    CHECK(m && h_int(m, "Code") == 1000);

    /* DisconnectUser from the control plane */
    json_decref(CALL_OK(c, "ivschat", "DisconnectUser", json_pack("{s:s, s:s}", "roomIdentifier", room, "userId", "alice")));
    m = WAIT(&alice, &fa, 5, "State", "disconnected");
    CHECK(m && !strcmp(h_str(m, "Reason"), "serverClosed"));
    /* a send on a chat that ended */
    free(send_req(&alice, json_pack("{s:s, s:s}", "Action", "SEND_MESSAGE", "Content", "late"), IVS_E_NETWORK));

    ivs_chat_close(alice.chat); ivs_chat_close(bob.chat); ivs_chat_close(mod.chat);
    CHECK(COUNT(&alice, "State", "disconnected") == 1 && COUNT(&bob, "State", "disconnected") == 1);
    CHECK(COUNT(&mod, "State", "disconnected", "Reason", "clientClosed") == 1);
    peer_free(&alice); peer_free(&bob); peer_free(&mod);
    free(r1); free(r2); free(r3); free(r4); free(r5); free(msg_id); free(room);
}

static void test_limits(ivs_client *c) {
    h_reset();
    char *room = make_room(c, 2, 10);
    struct peer a, t;
    peer_init(&a, "limits"); peer_init(&t, "token-only");
    open_peer(&a, c, with_create_token(room, "u1", "SEND_MESSAGE"), true);
    int fa = 0;
    /* the room's maximumMessageLength is learned with GetRoom: Content is checked locally */
    char *ids[6];
    for (int i = 0; i < 50 && COUNT(&a, "Type", "X") == 0; i++) {
        char *out = NULL;
        ivs_status st = ivs_chat_send(a.chat, "{\"Action\": \"SEND_MESSAGE\", \"Content\": \"12345678901\"}", &out);
        ivs_free(out);
        if (st == IVS_E_VALIDATION) break;
        sleep_ms(50);
        if (i == 49) CHECKF(false, "Content over the room's length never refused locally");
    }
    /* the rate: 2 per second in the room, the third within the second is 429 */
    for (int i = 0; i < 4; i++) ids[i] = send_message(&a, "fast", NULL);
    json_t *e = WAIT(&a, &fa, 5, "Type", "ERROR", "ErrorCode", "429");
    CHECK(e != NULL);
    bool known = false;
    for (int i = 0; i < 4 && e; i++) known |= ids[i] && !strcmp(h_str(e, "RequestId"), ids[i]);
    CHECK(known);
    for (int i = 0; i < 4; i++) free(ids[i]);

    /* a chat that does not know the limit: the service's 400 */
    json_t *tok = h_control_ok("POST", "chat/tokens", json_pack("{s:s, s:s, s:[s]}", "roomArn", room, "userId", "u2",
                                                                 "capabilities", "SEND_MESSAGE"));
    open_peer(&t, c, json_pack("{s:s}", "token", h_str(tok, "token")), true);
    json_decref(tok);
    sleep_ms(1100);
    char *r = send_message(&t, "this is far too long", NULL);
    int ft = 0;
    e = WAIT(&t, &ft, 5, "Type", "ERROR", "RequestId", r);
    CHECK(e && h_int(e, "ErrorCode") == 400);
    free(r);
    /* attributes over 1 KB: 413 */
    json_t *big = json_object();
    char value[700];
    memset(value, 'v', sizeof value - 1);
    value[sizeof value - 1] = 0;
    json_object_set_new(big, "a", json_string(value));
    json_object_set_new(big, "b", json_string(value));
    sleep_ms(1100);
    r = send_message(&t, "ok", big);
    e = WAIT(&t, &ft, 5, "Type", "ERROR", "RequestId", r);
    CHECK(e && h_int(e, "ErrorCode") == 413);
    free(r);

    /* local checks: every problem reported */
    char *out = NULL;
    ivs_status st = ivs_chat_send(a.chat, "{\"Action\": \"SEND_MESSAGE\", \"Content\": 5, \"Extra\": 1, \"Attributes\": {\"k\": 2}}", &out);
    CHECK(st == IVS_E_VALIDATION);
    json_t *doc = json_loads(out, 0, NULL);
    CHECK(h_len(doc, "error.fields.problems") == 3);
    json_decref(doc);
    ivs_free(out);
    free(send_req(&a, json_pack("{s:s}", "Action", "SHOUT"), IVS_E_VALIDATION));
    free(send_req(&a, json_pack("{s:s}", "Action", "DELETE_MESSAGE"), IVS_E_VALIDATION));
    free(send_req(&a, json_pack("{s:s, s:s}", "Action", "SEND_MESSAGE", "Content", ""), IVS_E_VALIDATION));
    st = ivs_chat_send(a.chat, "{\"Action\": ", &out);
    CHECK(st == IVS_E_INVALID_ARGUMENT);
    CHECK_ERROR_TEXT(out, IVS_E_INVALID_ARGUMENT, NULL);
    st = ivs_chat_send(a.chat, "[1]", &out);
    CHECK(st == IVS_E_INVALID_ARGUMENT);
    ivs_free(out);
    CHECK(ivs_chat_send(a.chat, "{\"Action\": \"SEND_MESSAGE\", \"Content\": \"no out\"}", NULL) == IVS_OK);

    ivs_chat_close(a.chat); ivs_chat_close(t.chat);
    peer_free(&a); peer_free(&t);
    free(room);
}

static void test_session_and_reconnect(ivs_client *c) {
    h_reset();
    char *room = make_room(c, 100, 500);
    struct peer s, r;
    peer_init(&s, "session"); peer_init(&r, "reconnect");

    /* a 2-second session from the control API, handed over as CreateChatToken's output */
    json_t *tok = h_control_ok("POST", "chat/tokens", json_pack("{s:s, s:s, s:[s], s:f}", "roomArn", room, "userId", "s1",
                                                                 "capabilities", "SEND_MESSAGE", "sessionDurationSeconds", 2.0));
    open_peer(&s, c, json_pack("{s:O, s:{s:i}}", "token", tok, "reconnect", "initialDelayMs", 50), true);
    json_decref(tok);
    int fs = 0;
    json_t *e = WAIT(&s, &fs, 10, "State", "disconnected");
    CHECK(e && !strcmp(h_str(e, "Reason"), "sessionExpired") && json_is_true(h_get(e, "Reconnecting")));
    CHECK(WAIT(&s, &fs, 5, "State", "tokenNeeded") != NULL);
    /* a used token is refused: tokenExpired */
    tok = h_control_ok("POST", "chat/tokens", json_pack("{s:s, s:s}", "roomArn", room, "userId", "s1"));
    char *token = strdup(h_str(tok, "token"));
    json_decref(tok);
    CHECK(ivs_chat_set_token(s.chat, token) == IVS_OK);
    CHECK(WAIT(&s, &fs, 5, "State", "connected") != NULL);
    CHECK(ivs_chat_set_token(s.chat, token) == IVS_OK); /* the same token again, for the next connect */
    json_decref(h_control_ok("POST", "chat/connections/drop", json_pack("{s:s, s:s}", "roomArn", room, "mode", "reset")));
    e = WAIT(&s, &fs, 5, "State", "disconnected", "Reason", "network");
    CHECK(e && json_is_true(h_get(e, "Reconnecting")));
    e = WAIT(&s, &fs, 5, "State", "disconnected", "Reason", "tokenExpired");
    CHECK(e && h_int(e, "HttpStatus") == 401);
    CHECK(WAIT(&s, &fs, 5, "State", "tokenNeeded") != NULL);
    ivs_chat_close(s.chat);

    /* createToken: a dropped connection comes back with a fresh token */
    json_decref(h_control_ok("DELETE", "requests", NULL));
    open_peer(&r, c, json_pack("{s:o, s:{s:i}}", "createToken", create_token_input(room, "r1", "SEND_MESSAGE"),
                               "reconnect", "initialDelayMs", 50), true);
    int fr = 0;
    json_decref(h_control_ok("POST", "chat/connections/drop", json_pack("{s:s, s:s}", "userId", "r1", "mode", "reset")));
    e = WAIT(&r, &fr, 5, "State", "disconnected", "Reason", "network");
    CHECK(e && json_is_true(h_get(e, "Reconnecting")));
    CHECK(WAIT(&r, &fr, 5, "State", "connecting", "Attempt", "2") != NULL);
    CHECK(WAIT(&r, &fr, 10, "State", "connected", "Attempt", "2") != NULL);
    json_t *log = h_control_ok("GET", "requests?operation=CreateChatToken", NULL);
    CHECK(h_len(log, "requests") == 2);
    json_decref(log);
    char route[256];
    snprintf(route, sizeof route, "chat/connections?roomArn=%s", room);
    json_t *conns = h_control_ok("GET", route, NULL);
    CHECK(h_len(conns, "connections") == 1);
    json_decref(conns);
    /* a close frame with 1012 (service restart) is transient: reconnect */
    json_decref(h_control_ok("POST", "chat/connections/drop", json_pack("{s:s, s:s, s:i}", "userId", "r1", "mode", "close", "code", 1012)));
    e = WAIT(&r, &fr, 5, "State", "disconnected", "Reason", "serverClosed");
    CHECK(e && h_int(e, "Code") == 1012 && json_is_true(h_get(e, "Reconnecting")));
    CHECK(WAIT(&r, &fr, 10, "State", "connected", "Attempt", "3") != NULL);
    ivs_chat_close(r.chat);
    CHECK(COUNT(&r, "State", "disconnected", "Reason", "clientClosed") == 1);

    peer_free(&s); peer_free(&r);
    free(token); free(room);
}

static void test_close_in_flight(ivs_client *c) {
    h_reset();
    char *room = make_room(c, 100, 500);
    /* no rate limit, so every message is delivered */
    json_decref(h_control_ok("POST", "chat/rate-limit", json_pack("{s:s, s:b}", "roomArn", room, "enforce", 0)));
    struct peer w, l;
    peer_init(&w, "writer"); peer_init(&l, "listener");
    open_peer(&w, c, with_create_token(room, "w", "SEND_MESSAGE"), true);
    open_peer(&l, c, with_create_token(room, "l", ""), true);
    int n = 200;
    for (int i = 0; i < n; i++) {
        char content[32];
        snprintf(content, sizeof content, "m%d", i);
        free(send_message(&w, content, NULL));
    }
    ivs_chat_close(w.chat);
    int fw = 0;
    json_t *e = WAIT(&w, &fw, 1, "State", "disconnected");
    CHECK(e && !strcmp(h_str(e, "Reason"), "clientClosed") && !h_get(e, "UnsentRequestIds"));
    CHECK(w.finals == 1);
    int fl = 0;
    char last[32];
    snprintf(last, sizeof last, "m%d", n - 1);
    CHECK(WAIT(&l, &fl, 10, "Type", "MESSAGE", "Content", last) != NULL);
    CHECKF(COUNT(&l, "Type", "MESSAGE") == n, "listener got %d of %d", COUNT(&l, "Type", "MESSAGE"), n);
    ivs_chat_close(l.chat);
    peer_free(&w); peer_free(&l);
    free(room);
}

static void test_manual_dispatch_and_free(void) {
    h_reset();
    ivs_client *c = h_client(json_pack("{s:s}", "dispatch", "manual"));
    char *room = make_room(c, 100, 500);
    struct peer p;
    peer_init(&p, "manual");
    p.client = c;
    open_peer(&p, c, with_create_token(room, "m", "SEND_MESSAGE"), true);
    int from = 0;
    char *id = send_message(&p, "over manual dispatch", NULL);
    CHECK(WAIT(&p, &from, 5, "Type", "MESSAGE", "RequestId", id) != NULL);
    free(id);
    /* events wait for ivs_client_dispatch: none runs on its own */
    int before = p.count;
    free(send_message(&p, "queued", NULL));
    sleep_ms(300);
    CHECK(p.count == before);
    CHECK(ivs_client_fd(c) >= 0);
    struct pollfd pf = {ivs_client_fd(c), POLLIN, 0};
    CHECK(poll(&pf, 1, (int)(2000 * scale)) == 1);
    /* backpressure: with maxPendingEvents 10, reading stops at 10 undispatched events; all arrive,
     * in order, once the application dispatches */
    json_decref(h_control_ok("POST", "chat/rate-limit", json_pack("{s:s, s:b}", "roomArn", room, "enforce", 0)));
    struct peer slow;
    peer_init(&slow, "slow");
    slow.client = c;
    open_peer(&slow, c, json_pack("{s:o, s:i}", "createToken", create_token_input(room, "slow", ""), "maxPendingEvents", 10), true);
    for (int i = 0; i < 100; i++) {
        char content[16];
        snprintf(content, sizeof content, "bp%d", i);
        free(send_message(&p, content, NULL));
    }
    sleep_ms((int)(500 * scale));
    int before_slow = slow.count;
    ivs_client_dispatch(c, 0);
    CHECKF(slow.count - before_slow == 10, "%d of slow's events waited, with maxPendingEvents 10", slow.count - before_slow);
    int fs = 0;
    CHECK(WAIT(&slow, &fs, 10, "Type", "MESSAGE", "Content", "bp99") != NULL);
    CHECK(COUNT(&slow, "Type", "MESSAGE") == 100);
    bool ordered = true;
    for (int i = 0, k = 0; i < slow.count; i++) {
        const char *content = json_string_value(json_object_get(slow.events[i], "Content"));
        if (!content) continue;
        char want[16];
        snprintf(want, sizeof want, "bp%d", k++);
        ordered &= !strcmp(content, want);
    }
    CHECK(ordered);
    ivs_chat_close(slow.chat);
    while (ivs_client_dispatch(c, 0) > 0) {}
    peer_free(&slow);

    ivs_chat_close(p.chat);        /* the final event is queued */
    while (ivs_client_dispatch(c, 0) > 0) {}
    CHECK(p.finals == 1 && COUNT(&p, "Content", "queued") == 1);
    peer_free(&p);

    /* ivs_client_free with a chat open: the chat's last event comes before it returns */
    struct peer q;
    peer_init(&q, "freed");
    ivs_client *c2 = h_client(NULL);
    open_peer(&q, c2, with_create_token(room, "q", ""), true);
    ivs_client_free(c2);
    CHECK(q.finals == 1);
    CHECK(COUNT(&q, "State", "disconnected", "Reason", "clientClosed") == 1);
    CHECK(ivs_chat_send(q.chat, "{\"Action\": \"SEND_MESSAGE\", \"Content\": \"x\"}", NULL) == IVS_E_NETWORK);
    ivs_chat_close(q.chat);
    peer_free(&q);
    ivs_client_free(c);
    free(room);
}

static void test_abi(ivs_client *c) {
    h_reset();
    char *room = make_room(c, 100, 500);
    ivs_chat *chat = (ivs_chat *)0x1;
    char *err = NULL;
    struct peer p;
    peer_init(&p, "abi");
    CHECK(ivs_chat_connect(NULL, "{}", on_event, &p, &chat, &err) == IVS_E_INVALID_ARGUMENT && chat == NULL);
    CHECK_ERROR_TEXT(err, IVS_E_INVALID_ARGUMENT, NULL);
    CHECK(ivs_chat_connect(c, "{}", NULL, &p, &chat, &err) == IVS_E_INVALID_ARGUMENT);
    CHECK_ERROR_TEXT(err, IVS_E_INVALID_ARGUMENT, NULL);
    CHECK(ivs_chat_connect(c, "{}", on_event, &p, NULL, &err) == IVS_E_INVALID_ARGUMENT);
    CHECK_ERROR_TEXT(err, IVS_E_INVALID_ARGUMENT, NULL);
    CHECK(ivs_chat_connect(c, NULL, on_event, &p, &chat, NULL) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_chat_connect(c, "{\"url\": ", on_event, &p, &chat, &err) == IVS_E_INVALID_ARGUMENT);
    CHECK_ERROR_TEXT(err, IVS_E_INVALID_ARGUMENT, NULL);
    const char *bad[] = {"{\"nope\": 1}", "{\"url\": \"http://x\"}", "{\"url\": 5}", "{\"token\": \"a b\"}",
                         "{\"token\": \"\"}", "{\"token\": {\"x\": 1}}", "{\"reconnect\": {\"maxAttempts\": -1}}",
                         "{\"pingIntervalMs\": 1.5}", "{\"maximumMessageLength\": 501}",
                         "{\"token\": \"abc\", \"createToken\": {\"roomIdentifier\": \"x\", \"userId\": \"u\"}}", NULL};
    for (int i = 0; bad[i]; i++) {
        ivs_status st = ivs_chat_connect(c, bad[i], on_event, &p, &chat, &err);
        CHECKF(st == IVS_E_CONFIG && chat == NULL, "%s: %d", bad[i], st);
        CHECK_ERROR_TEXT(err, IVS_E_CONFIG, NULL);
    }
    /* createToken is checked against the model */
    CHECK(ivs_chat_connect(c, "{\"createToken\": {\"roomIdentifier\": 5}}", on_event, &p, &chat, &err) == IVS_E_VALIDATION);
    CHECK_ERROR_TEXT(err, IVS_E_VALIDATION, "ParamValidationError");
    /* a token with characters a subprotocol cannot carry is never quoted */
    CHECK(ivs_chat_connect(c, "{\"token\": \"SECRET/TOKEN=\"}", on_event, &p, &chat, &err) == IVS_E_CONFIG);
    CHECK(err && !strstr(err, "SECRET"));
    ivs_free(err);

    CHECK(ivs_chat_send(NULL, "{}", &err) == IVS_E_INVALID_ARGUMENT);
    CHECK_ERROR_TEXT(err, IVS_E_INVALID_ARGUMENT, NULL);
    CHECK(ivs_chat_send(NULL, "{}", NULL) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_chat_set_token(NULL, "abc") == IVS_E_INVALID_ARGUMENT);
    ivs_chat_close(NULL);

    /* no token: tokenNeeded; sends refused until connected */
    open_peer(&p, c, json_pack("{s:b}", "reconnect", 0), false);
    int from = 0;
    CHECK(WAIT(&p, &from, 5, "State", "tokenNeeded") != NULL);
    CHECK(ivs_chat_set_token(p.chat, NULL) == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_chat_set_token(p.chat, "") == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_chat_set_token(p.chat, "has space") == IVS_E_INVALID_ARGUMENT);
    CHECK(ivs_chat_set_token(p.chat, "{\"token\": 1}") == IVS_E_INVALID_ARGUMENT);
    char *out = NULL;
    CHECK(ivs_chat_send(p.chat, "{\"Action\": \"SEND_MESSAGE\", \"Content\": \"x\"}", &out) == IVS_E_NETWORK);
    CHECK_ERROR_TEXT(out, IVS_E_NETWORK, "ChatNotConnected");
    /* a token made for an expired time is not even tried */
    CHECK(ivs_chat_set_token(p.chat, "{\"token\": \"abc\", \"tokenExpirationTime\": \"2001-01-01T00:00:00Z\"}") == IVS_OK);
    sleep_ms(200);
    CHECK(COUNT(&p, "State", "connected") == 0 && COUNT(&p, "State", "connecting") == 1);
    /* a forged token: tokenExpired (401), and with reconnect off the chat ends */
    CHECK(ivs_chat_set_token(p.chat, "AQICAHforged.token") == IVS_OK);
    json_t *e = WAIT(&p, &from, 5, "State", "disconnected");
    CHECK(e && !strcmp(h_str(e, "Reason"), "tokenExpired") && json_is_false(h_get(e, "Reconnecting")));
    CHECK(e && !strstr(h_str(e, "Message"), "forged"));
    ivs_chat_close(p.chat);
    peer_free(&p);
    free(room);
}

/* ---- secrets ----------------------------------------------------------------------------------------- */

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char *log_text;
static size_t log_len;

static void on_log(int level, const char *message, void *userdata) {
    (void)level; (void)userdata;
    pthread_mutex_lock(&log_mu);
    size_t n = strlen(message);
    char *grown = realloc(log_text, log_len + n + 2);
    if (grown) {
        log_text = grown;
        memcpy(log_text + log_len, message, n);
        log_len += n;
        log_text[log_len++] = '\n';
        log_text[log_len] = 0;
    }
    pthread_mutex_unlock(&log_mu);
}

static void test_no_token_in_logs(void) {
    h_reset();
    ivs_set_log_callback(5, on_log, NULL);
    ivs_client *c = h_client(json_pack("{s:i}", "logLevel", 5));
    char *room = make_room(c, 100, 500);
    json_t *tok = h_control_ok("POST", "chat/tokens", json_pack("{s:s, s:s, s:[s]}", "roomArn", room, "userId", "sec",
                                                                 "capabilities", "SEND_MESSAGE"));
    char *token = strdup(h_str(tok, "token"));
    json_decref(tok);
    struct peer p, q;
    peer_init(&p, "secret"); peer_init(&q, "secret2");
    open_peer(&p, c, json_pack("{s:s, s:b}", "token", token, "reconnect", 0), true);
    free(send_message(&p, "hi", NULL));
    open_peer(&q, c, json_pack("{s:s, s:b}", "token", token, "reconnect", 0), false); /* used: refused */
    int from = 0;
    json_t *e = WAIT(&q, &from, 5, "State", "disconnected");
    CHECK(e && !strcmp(h_str(e, "Reason"), "tokenExpired"));
    ivs_chat_close(q.chat);
    /* createToken: the minted tokens are not logged either (the trace log shows CreateChatToken) */
    struct peer r;
    peer_init(&r, "minted");
    open_peer(&r, c, with_create_token(room, "minted", ""), true);
    ivs_chat_close(r.chat);
    ivs_chat_close(p.chat);
    ivs_set_log_callback(0, NULL, NULL);
    pthread_mutex_lock(&log_mu);
    CHECK(log_len > 0);
    CHECKF(!log_text || !strstr(log_text, token), "the chat token appears in the log");
    CHECKF(!log_text || !strstr(log_text, "AQICAH"), "a chat token (ivs-local's start with AQICAH) appears in the log");
    CHECK(log_text && strstr(log_text, "chat ws://") != NULL);
    pthread_mutex_unlock(&log_mu);
    struct peer *all[] = {&p, &q, &r};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < all[k]->count; i++) {
            char *t = json_dumps(all[k]->events[i], 0);
            CHECKF(!strstr(t, token) && !strstr(t, "AQICAH"), "%s: a token in an event: %s", all[k]->name, t);
            free(t);
        }
        peer_free(all[k]);
    }
    free(log_text);
    log_text = NULL;
    free(token);
    free(room);
    ivs_client_free(c);
}

int main(void) {
    scale = h_env_int("IVS_TEST_TIME_SCALE", 1);
    ivs_client *c = h_client(NULL);
    test_abi(c);
    test_messages_delete_disconnect(c);
    test_limits(c);
    test_session_and_reconnect(c);
    test_close_in_flight(c);
    ivs_client_free(c);
    test_manual_dispatch_and_free();
    test_no_token_in_logs();
    return h_finish();
}
