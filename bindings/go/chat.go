package ivs

// #include <stdlib.h>
// #include <stdint.h>
// #include <string.h>
// #include <ivs.h>
// ivs_status ivs_go_chat_connect(ivs_client *client, const char *options_json, uintptr_t handle,
//                                ivs_chat **out_chat, char **out_error_json);
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// ChatOptions say how ConnectChat joins a room (ivs.h, ivs_chat_connect). Tokens come one of three
// ways: CreateToken (libivs calls CreateChatToken with the client before every connect and
// reconnect), Token (from your backend, for the first connect), or TokenProvider; with none, the
// events include "tokenNeeded" and SetToken answers it.
type ChatOptions struct {
	// CreateToken is a CreateChatToken input: a ChatTokenRequest, a map, or JSON text
	// (json.RawMessage), anything encoding/json writes as an object.
	CreateToken any
	// Token is a chat token, or CreateChatToken's output as JSON, for the first connect.
	Token string
	// TokenProvider is called, on a goroutine of its own, whenever the chat needs a token; it returns
	// a token or CreateChatToken's output as JSON. Its context is cancelled when the room closes,
	// and Close waits for it to return: so it must not call Close itself (an error from it ends the
	// chat, see ChatRoom.Err).
	TokenProvider func(ctx context.Context) (string, error)
	// URL is the chat endpoint, ws:// or wss:// (ivs-local: its base URL with ws://); default
	// wss://edge.ivschat.<region>.amazonaws.com.
	URL string
	// MaximumMessageLength is the room's limit (1-500), for checking Content before sending; with
	// CreateToken libivs reads it with GetRoom.
	MaximumMessageLength int
	// NoReconnect ends the chat at its first disconnect.
	NoReconnect bool
	// EventBuffer is how many events may wait unread in Events() (default 1024); past that, events
	// are dropped (see ChatRoom.Events).
	EventBuffer int
	// Extra holds any other option of ivs_chat_connect as it is ("reconnect", "pingIntervalMs",
	// "maxQueuedBytes", ...), and overrides the fields above.
	Extra map[string]any
}

// ChatTokenRequest is the CreateChatToken input of ChatOptions.CreateToken.
type ChatTokenRequest struct {
	RoomIdentifier           string            `json:"roomIdentifier"`
	UserID                   string            `json:"userId"`
	Capabilities             []string          `json:"capabilities,omitempty"` // SEND_MESSAGE, DELETE_MESSAGE, DISCONNECT_USER
	Attributes               map[string]string `json:"attributes,omitempty"`
	SessionDurationInMinutes int               `json:"sessionDurationInMinutes,omitempty"`
}

const defaultEventBuffer = 1024

func (o *ChatOptions) optionsJSON() ([]byte, error) {
	m := map[string]any{}
	if o.CreateToken != nil {
		in, err := inputJSON(o.CreateToken)
		if err != nil {
			return nil, err
		}
		m["createToken"] = json.RawMessage(in)
	}
	if o.Token != "" {
		if strings.HasPrefix(strings.TrimSpace(o.Token), "{") && json.Valid([]byte(o.Token)) {
			m["token"] = json.RawMessage(o.Token) // CreateChatToken's output
		} else {
			m["token"] = o.Token
		}
	}
	if o.URL != "" {
		m["url"] = o.URL
	}
	if o.MaximumMessageLength != 0 {
		m["maximumMessageLength"] = o.MaximumMessageLength
	}
	if o.NoReconnect {
		m["reconnect"] = false
	}
	for k, v := range o.Extra {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, invalidArgument("InvalidArgument", "the chat options cannot be written as JSON: "+err.Error(), err)
	}
	return b, nil
}

// ChatEvent is one event of a chat: the service's ("MESSAGE", "EVENT", "ERROR", as the service sent
// them) or the connection's own ("CONNECTION": State "connecting", "tokenNeeded", "connected",
// "disconnected"). See docs/chat.md and ivs.h for every member.
type ChatEvent struct {
	Type         string // "MESSAGE", "EVENT", "ERROR" or "CONNECTION"
	State        string // CONNECTION: "connecting", "tokenNeeded", "connected", "disconnected"
	Reason       string // disconnected: "clientClosed", "serverClosed", "network", "tokenExpired", ...
	Reconnecting bool   // disconnected: another attempt follows
	RequestID    string // MESSAGE, EVENT, ERROR: the request's id ("" for the control plane's)
	EventName    string // EVENT: "aws:DELETE_MESSAGE", "aws:DISCONNECT_USER" or the application's
	ErrorCode    int    // ERROR: 400, 403, 406, 413, 429, ...
	// Dropped is how many events were dropped just before this one because Events() was full.
	Dropped int
	// JSON is the whole event.
	JSON json.RawMessage
}

// Final reports whether this is the chat's last event (after it, Events() is closed).
func (e *ChatEvent) Final() bool {
	return e.Type == "CONNECTION" && e.State == "disconnected" && !e.Reconnecting
}

// Decode decodes the whole event into v (a *ChatMessage for a MESSAGE, a map, your own struct).
func (e *ChatEvent) Decode(v any) error { return json.Unmarshal(e.JSON, v) }

// ChatMessage is a MESSAGE event, for ChatEvent.Decode.
type ChatMessage struct {
	ID         string            `json:"Id"`
	RequestID  string            `json:"RequestId"`
	Content    string            `json:"Content"`
	Attributes map[string]string `json:"Attributes"`
	Sender     ChatSender        `json:"Sender"`
	SendTime   string            `json:"SendTime"` // ISO 8601
}

// ChatSender is who sent a ChatMessage.
type ChatSender struct {
	UserID     string            `json:"UserId"`
	Attributes map[string]string `json:"Attributes"`
}

// ErrChatClosed is wrapped by the *Error of a call on a ChatRoom that was closed or has ended.
var ErrChatClosed = errors.New("ivs: the chat is closed")

// ChatRoom is one connection to one IVS Chat room (ivs_chat), from Client.ConnectChat. Its events
// arrive on Events(); Send, SetToken and Close may be called from any goroutine.
type ChatRoom struct {
	client *Client // kept reachable: its finalizer would end the chat

	// mu guards chat: Send and SetToken hold it shared; closing takes it to clear chat.
	mu        sync.RWMutex
	chat      *C.ivs_chat
	ready     chan struct{} // closed once ConnectChat stored chat
	closeOnce sync.Once

	// The events: deliverMu serializes the senders (libivs delivers one event at a time anyway), so
	// the check for room and the send cannot be overtaken.
	deliverMu    sync.Mutex
	events       chan ChatEvent // capacity buffer+1: the last slot is the final event's
	buffer       int
	pendingDrops int
	dropped      int64         // atomic
	finished     chan struct{} // closed after the final event went into events

	// stateMu guards the connection's state as the events told it, and the token providers.
	stateMu   sync.Mutex
	connected bool
	changed   chan struct{} // closed (and replaced) at every connection event
	closing   bool
	err       error

	provider       func(ctx context.Context) (string, error)
	providerCtx    context.Context
	providerCancel context.CancelFunc
	providers      sync.WaitGroup
	watcherDone    chan struct{}
}

// ConnectChat connects to a chat room and returns at once: the connection is made on the client's
// I/O thread and told on Events() ("connecting", then "connected" or "disconnected"). ctx bounds
// the chat's life: when it is done, the chat is closed (as Close does; Err then returns ctx's
// error). An error is an *Error: KindConfig for bad options, KindValidation for a CreateToken input
// the model refuses, KindInvalidArgument (wrapping ErrClosed) for a closed client, KindCancelled
// for a ctx done already.
func (c *Client) ConnectChat(ctx context.Context, opts ChatOptions) (*ChatRoom, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	text, err := opts.optionsJSON()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	buffer := opts.EventBuffer
	if buffer <= 0 {
		buffer = defaultEventBuffer
	}
	r := &ChatRoom{
		client:      c,
		ready:       make(chan struct{}),
		events:      make(chan ChatEvent, buffer+1),
		buffer:      buffer,
		finished:    make(chan struct{}),
		changed:     make(chan struct{}),
		provider:    opts.TokenProvider,
		watcherDone: make(chan struct{}),
	}
	r.providerCtx, r.providerCancel = context.WithCancel(context.Background())

	ctext := C.CString(string(text)) // json.Marshal escapes NUL bytes: nothing is cut short
	defer C.free(unsafe.Pointer(ctext))
	h := newChatHandle(r)
	var chat *C.ivs_chat
	var cerr *C.char
	c.mu.RLock()
	if c.handle == nil {
		c.mu.RUnlock()
		deleteHandle(h)
		r.providerCancel()
		return nil, closedError()
	}
	st := C.ivs_go_chat_connect(c.handle, ctext, C.uintptr_t(h), &chat, &cerr)
	c.mu.RUnlock()
	if st != C.IVS_OK { // refused: no event will come
		deleteHandle(h)
		r.providerCancel()
		return nil, errorFromJSON(kindOf(st), takeText(cerr))
	}
	r.mu.Lock()
	r.chat = chat
	r.mu.Unlock()
	close(r.ready)
	go r.watch(ctx)
	return r, nil
}

// watch closes the chat when ctx is done, and releases it once it ended by itself (a server's
// close, the client's Close), so a room whose events were read to the end needs no Close.
func (r *ChatRoom) watch(ctx context.Context) {
	defer close(r.watcherDone)
	select {
	case <-ctx.Done():
		r.setErr(ctx.Err())
	case <-r.finished:
	}
	r.shutdown()
}

// Events is the chat's events, in order. The channel is closed after the final event (a
// "disconnected" with Reconnecting false, whatever ended the chat: Close, ctx, the server, the
// client's Close).
//
// Events come from libivs's I/O thread, which also serves every call and chat of the client, so it
// never waits for a reader: when ChatOptions.EventBuffer events wait unread, further events are
// dropped (the final one never is), the next event delivered says how many in Dropped, and Dropped()
// counts them all. Read it on a goroutine that keeps up, or give a larger EventBuffer.
func (r *ChatRoom) Events() <-chan ChatEvent { return r.events }

// Dropped is how many events were dropped because Events() was full.
func (r *ChatRoom) Dropped() int64 { return atomic.LoadInt64(&r.dropped) }

// Connected reports whether the last connection event said "connected".
func (r *ChatRoom) Connected() bool {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	return r.connected
}

// Done is closed once the chat's final event has been put on Events().
func (r *ChatRoom) Done() <-chan struct{} { return r.finished }

// Err is why the binding ended the chat, if it did: ctx's error, or the token provider's (nil
// otherwise; the final event says why the chat ended).
func (r *ChatRoom) Err() error {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	return r.err
}

func (r *ChatRoom) setErr(err error) {
	r.stateMu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.stateMu.Unlock()
}

// Send sends one Chat Messaging API action: action "SEND_MESSAGE" (request members Content,
// Attributes), "DELETE_MESSAGE" (Id, Reason) or "DISCONNECT_USER" (UserId, Reason), the request
// anything encoding/json writes as an object (nil for none); action "" takes it from the request's
// "Action". It returns the request's RequestId, which the service's MESSAGE, EVENT or ERROR event
// carries back: what only the service can judge (capabilities, rate, review) comes as an ERROR
// event. A request libivs refuses is an *Error (KindValidation with every problem, for one).
//
// While the chat is not connected (connecting, reconnecting) or too much waits to be written, Send
// waits until it can, or until ctx is done: it then returns libivs's *Error (KindNetwork,
// "ChatNotConnected" or "ChatSendQueueFull") wrapping ctx's error. After the chat ended or was closed
// it returns an *Error wrapping ErrChatClosed.
func (r *ChatRoom) Send(ctx context.Context, action string, request any) (string, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil { // as net/http: a context already done sends nothing
		return "", err
	}
	body, err := chatRequest(action, request)
	if err != nil {
		return "", err
	}
	cbody := C.CString(string(body))
	defer C.free(unsafe.Pointer(cbody))
	for {
		changed := r.changedChannel() // taken before the send: a change after it wakes the wait below
		r.mu.RLock()
		if r.chat == nil {
			r.mu.RUnlock()
			return "", chatClosedError()
		}
		var out *C.char
		st := C.ivs_chat_send(r.chat, cbody, &out)
		r.mu.RUnlock()
		text := takeText(out)
		if st == C.IVS_OK {
			var ok struct{ RequestId string }
			if err := json.Unmarshal(text, &ok); err != nil {
				return "", errorFromJSON(KindInternal, text)
			}
			return ok.RequestId, nil
		}
		e := errorFromJSON(kindOf(st), text)
		var wait <-chan struct{}
		var retry *time.Timer
		switch e.Code {
		case "ChatNotConnected": // until the next connection event
			wait = changed
		case "ChatSendQueueFull": // the I/O thread writes the queue out: try again shortly
			retry = time.NewTimer(10 * time.Millisecond)
		default:
			return "", e
		}
		var tick <-chan time.Time
		if retry != nil {
			tick = retry.C
		}
		select {
		case <-wait:
		case <-tick:
		case <-r.finished:
			e = chatClosedError()
		case <-ctx.Done():
			e.cause = ctx.Err()
		}
		if retry != nil {
			retry.Stop()
		}
		if e.Code == "ChatClosed" || e.cause != nil {
			return "", e
		}
	}
}

// SendMessage sends a SEND_MESSAGE with Content and Attributes (nil for none).
func (r *ChatRoom) SendMessage(ctx context.Context, content string, attributes map[string]string) (string, error) {
	req := map[string]any{"Content": content}
	if attributes != nil {
		req["Attributes"] = attributes
	}
	return r.Send(ctx, "SEND_MESSAGE", req)
}

// DeleteMessage sends a DELETE_MESSAGE for the message with id (a MESSAGE event's Id).
func (r *ChatRoom) DeleteMessage(ctx context.Context, id, reason string) (string, error) {
	req := map[string]any{"Id": id}
	if reason != "" {
		req["Reason"] = reason
	}
	return r.Send(ctx, "DELETE_MESSAGE", req)
}

// DisconnectUser sends a DISCONNECT_USER for every connection of userID.
func (r *ChatRoom) DisconnectUser(ctx context.Context, userID, reason string) (string, error) {
	req := map[string]any{"UserId": userID}
	if reason != "" {
		req["Reason"] = reason
	}
	return r.Send(ctx, "DISCONNECT_USER", req)
}

// SetToken hands over a token for the chat's next connect: a token, or CreateChatToken's output as
// JSON. It answers a "tokenNeeded" event; given earlier, it waits for the next connect. A token libivs
// refuses (empty, over 16 KB, characters a WebSocket subprotocol cannot carry) is an *Error of
// KindInvalidArgument, which never quotes it.
func (r *ChatRoom) SetToken(token string) error {
	if strings.IndexByte(token, 0) >= 0 {
		return invalidArgument("InvalidToken", "the token contains a NUL byte", nil)
	}
	ctoken := C.CString(token)
	defer C.free(unsafe.Pointer(ctoken))
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.chat == nil {
		return chatClosedError()
	}
	if C.ivs_chat_set_token(r.chat, ctoken) != C.IVS_OK {
		return invalidArgument("InvalidToken",
			"the token was refused: empty, over 16 KB, or with characters a WebSocket subprotocol cannot carry", nil)
	}
	return nil
}

// Close ends the chat: the requests sent before are written, the close handshake runs, and the
// final event (Reason "clientClosed") is put on Events(), which is then closed. Close returns once
// that is done and the token provider and every goroutine of the room have returned. Events not
// read stay readable. Idempotent; safe from any goroutine but the TokenProvider's; always returns nil.
func (r *ChatRoom) Close() error {
	r.shutdown()
	<-r.watcherDone
	r.providers.Wait()
	return nil
}

// shutdown closes the chat once (ivs_chat_close: from a goroutine, never libivs's I/O thread, so it
// returns after the final event was delivered) and cancels the token provider.
func (r *ChatRoom) shutdown() {
	r.closeOnce.Do(func() {
		r.stateMu.Lock()
		r.closing = true
		r.stateMu.Unlock()
		r.providerCancel()
		r.mu.Lock()
		chat := r.chat
		r.chat = nil
		r.mu.Unlock()
		if chat != nil {
			C.ivs_chat_close(chat)
		}
		// libivs bounds its wait for the final event; should it have given up, do not hang on it.
		t := time.NewTimer(time.Minute)
		defer t.Stop()
		select {
		case <-r.finished:
		case <-t.C:
		}
	})
}

func (r *ChatRoom) changedChannel() <-chan struct{} {
	r.stateMu.Lock()
	defer r.stateMu.Unlock()
	return r.changed
}

// provideToken runs the token provider for one "tokenNeeded" event.
func (r *ChatRoom) provideToken() {
	defer r.providers.Done()
	<-r.ready
	token, err := r.provider(r.providerCtx)
	if r.providerCtx.Err() != nil {
		return // closing: the chat needs no token
	}
	if err == nil {
		err = r.SetToken(token)
	}
	if err != nil {
		r.setErr(err)
		r.shutdown()
	}
}

// deliver puts one event on the room's channel, on libivs's I/O thread: never blocking.
func (r *ChatRoom) deliver(ev ChatEvent) {
	final := ev.Final()
	if ev.Type == "CONNECTION" {
		r.stateMu.Lock()
		r.connected = ev.State == "connected"
		if ev.State == "tokenNeeded" && r.provider != nil && !r.closing {
			r.providers.Add(1)
			go r.provideToken()
		}
		close(r.changed)
		r.changed = make(chan struct{})
		r.stateMu.Unlock()
	}
	r.deliverMu.Lock()
	defer r.deliverMu.Unlock()
	if !final && len(r.events) >= r.buffer {
		r.pendingDrops++
		atomic.AddInt64(&r.dropped, 1)
		return
	}
	ev.Dropped, r.pendingDrops = r.pendingDrops, 0
	r.events <- ev // room is left: this is the only sender, and one slot is the final event's
	if final {
		close(r.events)
		close(r.finished)
	}
}

func newChatHandle(r *ChatRoom) cgo.Handle {
	atomic.AddInt64(&liveHandles, 1)
	return cgo.NewHandle(r)
}

//export ivsGoChatEvent
func ivsGoChatEvent(text *C.char, handle C.uintptr_t) {
	h := cgo.Handle(handle)
	r := h.Value().(*ChatRoom)
	var raw []byte
	if text != nil {
		n := C.strlen(text)
		raw = make([]byte, int(n))
		copy(raw, unsafe.Slice((*byte)(unsafe.Pointer(text)), int(n)))
	}
	ev := parseChatEvent(raw)
	if ev.Final() {
		deleteHandle(h) // libivs never calls again for this chat
	}
	r.deliver(ev)
}

func parseChatEvent(raw []byte) ChatEvent {
	var f struct {
		Type, State, Reason, RequestId, EventName string
		Reconnecting                              bool
		ErrorCode                                 int
	}
	_ = json.Unmarshal(raw, &f) // libivs's events are JSON objects; members of other types stay zero
	return ChatEvent{Type: f.Type, State: f.State, Reason: f.Reason, Reconnecting: f.Reconnecting,
		RequestID: f.RequestId, EventName: f.EventName, ErrorCode: f.ErrorCode, JSON: raw}
}

// chatRequest is the request as ivs_chat_send's JSON object, with its Action.
func chatRequest(action string, request any) ([]byte, error) {
	in, err := inputJSON(request)
	if err != nil {
		return nil, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(in, &members); err != nil || members == nil {
		return nil, invalidArgument("MalformedInput", "the request is not a JSON object", err)
	}
	if action != "" {
		a, _ := json.Marshal(action)
		if old, ok := members["Action"]; ok && string(old) != string(a) {
			return nil, invalidArgument("InvalidArgument", "the request's Action is not "+action, nil)
		}
		members["Action"] = a
	}
	return json.Marshal(members)
}

func chatClosedError() *Error {
	return invalidArgument("ChatClosed", "the chat is closed or has ended", ErrChatClosed)
}
