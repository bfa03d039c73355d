package ivs_test

// Chat rooms against ivs-local's chat messaging over real WebSockets: messages between rooms, delete
// and disconnect events, the token provider through a server-side drop and reconnects, SetToken by
// hand and Send waiting for the connection, Send waiting for room in a full queue (a server that
// stops reading), close with messages in flight, a consumer that does not read (events dropped, the
// I/O thread never held), errors, ctx cancellation, the client closed under a room, and no goroutine
// or cgo handle left behind.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"libivs/ivs"
)

func wsURL(t testing.TB) string { return "ws" + strings.TrimPrefix(localURL(t), "http") }

func makeRoom(t testing.TB, c *ivs.Client) string {
	t.Helper()
	var out struct{ Arn string }
	if err := c.Call(context.Background(), "ivschat", "CreateRoom", map[string]any{"name": "go-chat"}, &out); err != nil {
		t.Fatal(err)
	}
	return out.Arn
}

func noRateLimit(t testing.TB, room string) {
	control(t, "POST", "chat/rate-limit", map[string]any{"roomArn": room, "enforce": false}, nil)
}

// tokenFor is a token made by ivs-local's control API, as CreateChatToken's output JSON.
func tokenFor(t testing.TB, room, user string) string {
	var out json.RawMessage
	control(t, "POST", "chat/tokens", map[string]any{"roomArn": room, "userId": user, "capabilities": []string{"SEND_MESSAGE"}}, &out)
	return string(out)
}

func chatOptions(t testing.TB, room, user string, capabilities ...string) ivs.ChatOptions {
	return ivs.ChatOptions{
		CreateToken: ivs.ChatTokenRequest{RoomIdentifier: room, UserID: user, Capabilities: capabilities},
		URL:         wsURL(t),
		Extra:       map[string]any{"reconnect": map[string]any{"initialDelayMs": 50}},
	}
}

// collector reads a room's events on a goroutine of its own until the channel closes.
type collector struct {
	mu     sync.Mutex
	cond   *sync.Cond
	events []ivs.ChatEvent
	closed bool
}

func collect(r *ivs.ChatRoom) *collector {
	c := &collector{}
	c.cond = sync.NewCond(&c.mu)
	go func() {
		for ev := range r.Events() {
			c.mu.Lock()
			c.events = append(c.events, ev)
			c.cond.Broadcast()
			c.mu.Unlock()
		}
		c.mu.Lock()
		c.closed = true
		c.cond.Broadcast()
		c.mu.Unlock()
	}()
	return c
}

// wait returns the first event from *from on that matches, waiting up to limit; *from moves past it.
func (c *collector) wait(t testing.TB, from *int, limit time.Duration, what string, match func(ivs.ChatEvent) bool) ivs.ChatEvent {
	t.Helper()
	deadline := time.Now().Add(limit)
	timer := time.AfterFunc(limit, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for ; *from < len(c.events); *from++ {
			if match(c.events[*from]) {
				ev := c.events[*from]
				*from++
				return ev
			}
		}
		if c.closed || time.Now().After(deadline) {
			t.Fatalf("no %s event (closed %v) among %d events", what, c.closed, len(c.events))
		}
		c.cond.Wait()
	}
}

func (c *collector) waitClosed(t testing.TB, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the events channel was not closed")
}

func (c *collector) count(match func(ivs.ChatEvent) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, ev := range c.events {
		if match(ev) {
			n++
		}
	}
	return n
}

func state(s string) func(ivs.ChatEvent) bool {
	return func(e ivs.ChatEvent) bool { return e.Type == "CONNECTION" && e.State == s }
}

func request(id string) func(ivs.ChatEvent) bool {
	return func(e ivs.ChatEvent) bool { return e.RequestID == id }
}

func connect(t testing.TB, c *ivs.Client, opts ivs.ChatOptions) (*ivs.ChatRoom, *collector) {
	t.Helper()
	r, err := c.ConnectChat(context.Background(), opts)
	if err != nil {
		t.Fatalf("ConnectChat: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r, collect(r)
}

func TestChatExchange(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	ctx := context.Background()
	ao := chatOptions(t, room, "alice", "SEND_MESSAGE")
	ao.CreateToken = map[string]any{"roomIdentifier": room, "userId": "alice", "capabilities": []string{"SEND_MESSAGE"},
		"attributes": map[string]string{"display": "Alice"}}
	alice, ea := connect(t, c, ao)
	bob, eb := connect(t, c, chatOptions(t, room, "bob", "SEND_MESSAGE"))
	fa, fb := 0, 0
	if ev := ea.wait(t, &fa, 10*time.Second, "connected", state("connected")); !strings.Contains(string(ev.JSON), `"Attempt":1`) {
		t.Errorf("connected: %s", ev.JSON)
	}
	eb.wait(t, &fb, 10*time.Second, "connected", state("connected"))
	if !alice.Connected() {
		t.Error("Connected() is false after the connected event")
	}

	id, err := alice.SendMessage(ctx, "héllo \"bob\"", map[string]string{"color": "red", "emoji": "✓"})
	if err != nil || len(id) != 36 {
		t.Fatalf("SendMessage: %q %v", id, err)
	}
	ev := eb.wait(t, &fb, 10*time.Second, "bob's message", request(id))
	var m ivs.ChatMessage
	if err := ev.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "MESSAGE" || m.Content != "héllo \"bob\"" || m.Attributes["emoji"] != "✓" || m.Sender.UserID != "alice" ||
		m.Sender.Attributes["display"] != "Alice" || m.ID == "" || m.SendTime == "" {
		t.Errorf("message: %+v %s", m, ev.JSON)
	}
	ea.wait(t, &fa, 10*time.Second, "alice's own message", request(id))

	// Send with the action in the request and an id of its own
	id, err = bob.Send(ctx, "", json.RawMessage(`{"Action": "SEND_MESSAGE", "Content": "hi alice", "RequestId": "bob-1"}`))
	if err != nil || id != "bob-1" {
		t.Fatalf("Send: %q %v", id, err)
	}
	ea.wait(t, &fa, 10*time.Second, "bob's answer", request("bob-1"))

	// a context already done sends nothing, connected or not
	done, cancel := context.WithCancel(ctx)
	cancel()
	if id, err := bob.SendMessage(done, "never", nil); !errors.Is(err, context.Canceled) || id != "" {
		t.Errorf("SendMessage with a cancelled context: %q %v", id, err)
	}

	// many goroutines at once
	noRateLimit(t, room)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(2)
		go func(i int) { defer wg.Done(); _, _ = alice.SendMessage(ctx, fmt.Sprint("a", i), nil) }(i)
		go func(i int) { defer wg.Done(); _, _ = bob.SendMessage(ctx, fmt.Sprint("b", i), nil) }(i)
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for eb.count(func(e ivs.ChatEvent) bool { return e.Type == "MESSAGE" }) < 102 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := eb.count(func(e ivs.ChatEvent) bool { return e.Type == "MESSAGE" }); n != 102 {
		t.Errorf("bob got %d messages, want 102", n)
	}

	// Close: the final event, then the channel closes; Close is idempotent
	alice.Close()
	ea.waitClosed(t, 5*time.Second)
	final := ea.wait(t, &fa, time.Second, "final", state("disconnected"))
	if !final.Final() || final.Reason != "clientClosed" {
		t.Errorf("final: %s", final.JSON)
	}
	select {
	case <-alice.Done():
	default:
		t.Error("Done() not closed after Close")
	}
	alice.Close()
	if _, err := alice.SendMessage(ctx, "late", nil); !errors.Is(err, ivs.ErrChatClosed) {
		t.Errorf("send after Close: %v", err)
	}
	if alice.Err() != nil || alice.Dropped() != 0 {
		t.Errorf("Err %v, Dropped %d", alice.Err(), alice.Dropped())
	}
}

func TestChatDeleteAndDisconnect(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	ctx := context.Background()
	alice, ea := connect(t, c, chatOptions(t, room, "alice", "SEND_MESSAGE"))
	mod, em := connect(t, c, chatOptions(t, room, "mod", "DELETE_MESSAGE", "DISCONNECT_USER"))
	fa, fm := 0, 0
	ea.wait(t, &fa, 10*time.Second, "connected", state("connected"))
	em.wait(t, &fm, 10*time.Second, "connected", state("connected"))

	id, err := alice.SendMessage(ctx, "spam", nil)
	if err != nil {
		t.Fatal(err)
	}
	var m ivs.ChatMessage
	ev := em.wait(t, &fm, 10*time.Second, "the message", request(id))
	if err := ev.Decode(&m); err != nil {
		t.Fatal(err)
	}

	// capability: alice may not delete; the ERROR event goes to her only, with her RequestId
	refused, err := alice.DeleteMessage(ctx, m.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if e := ea.wait(t, &fa, 10*time.Second, "ERROR", request(refused)); e.Type != "ERROR" || e.ErrorCode != 403 {
		t.Errorf("refused: %s", e.JSON)
	}

	del, err := mod.DeleteMessage(ctx, m.ID, "no spam")
	if err != nil {
		t.Fatal(err)
	}
	e := ea.wait(t, &fa, 10*time.Second, "aws:DELETE_MESSAGE", request(del))
	var attrs struct{ Attributes map[string]string }
	_ = e.Decode(&attrs)
	if e.EventName != "aws:DELETE_MESSAGE" || attrs.Attributes["MessageId"] != m.ID || attrs.Attributes["Reason"] != "no spam" {
		t.Errorf("delete: %s", e.JSON)
	}

	dis, err := mod.DisconnectUser(ctx, "alice", "bye")
	if err != nil {
		t.Fatal(err)
	}
	em.wait(t, &fm, 10*time.Second, "aws:DISCONNECT_USER", request(dis))
	ea.wait(t, &fa, 10*time.Second, "aws:DISCONNECT_USER", func(e ivs.ChatEvent) bool { return e.EventName == "aws:DISCONNECT_USER" })
	final := ea.wait(t, &fa, 10*time.Second, "disconnected", state("disconnected"))
	if !final.Final() || final.Reason != "serverClosed" {
		t.Errorf("alice's final event: %s", final.JSON)
	}
	ea.waitClosed(t, 5*time.Second)
	// the chat ended by itself: released without Close, sends refused
	if _, err := alice.SendMessage(ctx, "after", nil); !errors.Is(err, ivs.ErrChatClosed) {
		t.Errorf("send after the end: %v", err)
	}
	if em.count(func(e ivs.ChatEvent) bool { return e.Type == "ERROR" }) != 0 {
		t.Error("the moderator got alice's ERROR")
	}
}

// The token provider: on a goroutine of its own at every tokenNeeded, here with a CreateChatToken
// call; a server-side drop reconnects with a second token.
func TestChatTokenProvider(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	var provided int32
	opts := ivs.ChatOptions{
		URL:   wsURL(t),
		Extra: map[string]any{"reconnect": map[string]any{"initialDelayMs": 50}},
		TokenProvider: func(ctx context.Context) (string, error) {
			atomic.AddInt32(&provided, 1)
			var out json.RawMessage
			err := c.Call(ctx, "ivschat", "CreateChatToken",
				map[string]any{"roomIdentifier": room, "userId": "prov", "capabilities": []string{"SEND_MESSAGE"}}, &out)
			return string(out), err
		},
	}
	r, ev := connect(t, c, opts)
	from := 0
	ev.wait(t, &from, 10*time.Second, "tokenNeeded", state("tokenNeeded"))
	ev.wait(t, &from, 10*time.Second, "connected", state("connected"))

	control(t, "POST", "chat/connections/drop", map[string]any{"userId": "prov", "mode": "reset"}, nil)
	e := ev.wait(t, &from, 10*time.Second, "disconnected", state("disconnected"))
	if e.Reason != "network" || !e.Reconnecting || e.Final() {
		t.Errorf("drop: %s", e.JSON)
	}
	ev.wait(t, &from, 10*time.Second, "tokenNeeded", state("tokenNeeded"))
	if e := ev.wait(t, &from, 10*time.Second, "connected", state("connected")); !strings.Contains(string(e.JSON), `"Attempt":2`) {
		t.Errorf("reconnected: %s", e.JSON)
	}
	if n := atomic.LoadInt32(&provided); n != 2 {
		t.Errorf("the provider ran %d times, want 2", n)
	}
	if n := received(t, "CreateChatToken"); n != 2 {
		t.Errorf("%d CreateChatToken calls, want 2", n)
	}
	id, err := r.SendMessage(context.Background(), "back", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev.wait(t, &from, 10*time.Second, "message", request(id))

	// a provider that fails ends the chat; Err says why
	boom := errors.New("the backend is down")
	failing, fev := connect(t, c, ivs.ChatOptions{URL: wsURL(t),
		TokenProvider: func(context.Context) (string, error) { return "", boom }})
	fev.waitClosed(t, 10*time.Second)
	ff := 0
	if e := fev.wait(t, &ff, time.Second, "final", state("disconnected")); e.Reason != "clientClosed" {
		t.Errorf("failing provider: %s", e.JSON)
	}
	if !errors.Is(failing.Err(), boom) {
		t.Errorf("Err: %v", failing.Err())
	}
	// a token the chat refuses ends it too, without quoting the token
	bad, bev := connect(t, c, ivs.ChatOptions{URL: wsURL(t),
		TokenProvider: func(context.Context) (string, error) { return "SECRET/TOKEN=", nil }})
	bev.waitClosed(t, 10*time.Second)
	var e2 *ivs.Error
	if !errors.As(bad.Err(), &e2) || e2.Kind != ivs.KindInvalidArgument || strings.Contains(e2.Error(), "SECRET") {
		t.Errorf("refused token: %v", bad.Err())
	}
}

// No token: tokenNeeded, and Send waits for a connection until its ctx is done; SetToken connects it.
func TestChatSetTokenAndSendWaiting(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	r, ev := connect(t, c, ivs.ChatOptions{URL: wsURL(t), NoReconnect: true})
	from := 0
	ev.wait(t, &from, 10*time.Second, "tokenNeeded", state("tokenNeeded"))

	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.SendMessage(short, "too early", nil)
	var e *ivs.Error
	if !errors.As(err, &e) || e.Code != "ChatNotConnected" || e.Kind != ivs.KindNetwork || !e.Retryable ||
		!errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("send while not connected: %v", err)
	}
	if d := time.Since(start); d < 90*time.Millisecond || d > 2*time.Second {
		t.Errorf("Send waited %v for a 100 ms deadline", d)
	}

	for _, bad := range []string{"", "has space", "nul\x00inside"} {
		if err := r.SetToken(bad); !errors.As(err, &e) || e.Kind != ivs.KindInvalidArgument {
			t.Errorf("SetToken(%q): %v", bad, err)
		}
	}
	// a Send waiting when the token comes goes out once connected
	sent := make(chan error, 1)
	var sentID string
	go func() {
		id, err := r.SendMessage(context.Background(), "waited", nil)
		sentID = id
		sent <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := r.SetToken(tokenFor(t, room, "hand")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-sent:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting Send never returned")
	}
	ev.wait(t, &from, 10*time.Second, "the waited message", request(sentID))
}

// A server that stops reading (ivs-local holds the connection): once the socket buffers are full, the
// requests wait in libivs's queue up to maxQueuedBytes, then Send waits for room. A done context ends
// that wait with its error (in a ChatSendQueueFull error); once the server reads again, the waiting
// Send goes out, after every request accepted before it.
func TestChatSendQueueFull(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	noRateLimit(t, room)
	opts := chatOptions(t, room, "flood", "SEND_MESSAGE")
	opts.Extra["maxQueuedBytes"] = 64 << 10
	opts.EventBuffer = 1 << 16 // every message comes back to its sender: none dropped
	r, ev := connect(t, c, opts)
	from := 0
	ev.wait(t, &from, 10*time.Second, "connected", state("connected"))
	var held struct{ Held int }
	control(t, "POST", "chat/connections/hold", map[string]any{"userId": "flood", "hold": true}, &held)
	if held.Held != 1 {
		t.Fatalf("held %d connections", held.Held)
	}
	t.Cleanup(func() {
		control(t, "POST", "chat/connections/hold", map[string]any{"userId": "flood", "hold": false}, nil)
	})

	// 1.5 KB messages until one waits past its deadline: the socket buffers (a few MB on loopback),
	// then 64 KiB of queue; 60 MB without that is a queue without bound
	content := strings.Repeat("€", 500)
	sent := 0
	for full := false; !full; {
		if sent == 40000 {
			t.Fatalf("%d messages (%d MB) accepted while the server did not read: the queue never filled", sent, sent*1500>>20)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		_, err := r.SendMessage(ctx, content, nil)
		cancel()
		if err == nil {
			sent++
			continue
		}
		var e *ivs.Error
		if !errors.As(err, &e) || e.Code != "ChatSendQueueFull" || e.Kind != ivs.KindNetwork || !e.Retryable ||
			!errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Send after %d messages: %v", sent, err)
		}
		if d := time.Since(start); d < 190*time.Millisecond || d > 5*time.Second {
			t.Errorf("Send waited %v for a 200 ms deadline", d)
		}
		full = true
	}
	t.Logf("the queue was full after %d messages", sent)

	// still held: a Send waits (it is not refused), and one whose ctx is cancelled ends with ctx's error
	type result struct {
		id  string
		err error
	}
	waiting := make(chan result, 1)
	go func() {
		id, err := r.SendMessage(context.Background(), "after the hold", nil)
		waiting <- result{id, err}
	}()
	cctx, ccancel := context.WithCancel(context.Background())
	cancelled := make(chan error, 1)
	go func() {
		_, err := r.SendMessage(cctx, "cancelled", nil)
		cancelled <- err
	}()
	time.Sleep(300 * time.Millisecond)
	select {
	case res := <-waiting:
		t.Fatalf("Send returned while the queue was full: %q %v", res.id, res.err)
	default:
	}
	ccancel()
	select {
	case err := <-cancelled:
		var e *ivs.Error
		if !errors.Is(err, context.Canceled) || !errors.As(err, &e) || e.Code != "ChatSendQueueFull" {
			t.Errorf("the cancelled Send: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling its ctx did not end the waiting Send")
	}

	// the server reads again: the waiting Send succeeds, and its message comes after all the others
	control(t, "POST", "chat/connections/hold", map[string]any{"userId": "flood", "hold": false}, nil)
	var res result
	select {
	case res = <-waiting:
	case <-time.After(30 * time.Second):
		t.Fatal("the waiting Send did not return once the server read again")
	}
	if res.err != nil || len(res.id) != 36 {
		t.Fatalf("the waiting Send: %q %v", res.id, res.err)
	}
	ev.wait(t, &from, 60*time.Second, "the waited message", request(res.id))
	isMessage := func(e ivs.ChatEvent) bool { return e.Type == "MESSAGE" }
	if n := ev.count(isMessage); n != sent+1 || r.Dropped() != 0 {
		t.Errorf("%d messages came back, want the %d sent before the waited one and it (%d events dropped)", n, sent, r.Dropped())
	}
}

// Close with 200 messages queued: each is written before the close frame; the listener gets them all.
func TestChatCloseInFlight(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	noRateLimit(t, room)
	w, ew := connect(t, c, chatOptions(t, room, "w", "SEND_MESSAGE"))
	_, el := connect(t, c, chatOptions(t, room, "l"))
	fw, fl := 0, 0
	ew.wait(t, &fw, 10*time.Second, "connected", state("connected"))
	el.wait(t, &fl, 10*time.Second, "connected", state("connected"))
	const n = 200
	for i := 0; i < n; i++ {
		if _, err := w.SendMessage(context.Background(), fmt.Sprint("m", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	final := ew.wait(t, &fw, time.Second, "final", state("disconnected"))
	if final.Reason != "clientClosed" || strings.Contains(string(final.JSON), "UnsentRequestIds") {
		t.Errorf("final: %s", final.JSON)
	}
	el.wait(t, &fl, 10*time.Second, "the last message", func(e ivs.ChatEvent) bool {
		var m ivs.ChatMessage
		return e.Type == "MESSAGE" && e.Decode(&m) == nil && m.Content == fmt.Sprint("m", n-1)
	})
	if got := el.count(func(e ivs.ChatEvent) bool { return e.Type == "MESSAGE" }); got != n {
		t.Errorf("the listener got %d of %d", got, n)
	}
}

// A consumer that does not read: events past EventBuffer are dropped and counted, the I/O thread is
// never held (calls on the same client go on), and the final event still arrives, after the kept ones.
func TestChatSlowConsumer(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	noRateLimit(t, room)
	writer, ew := connect(t, c, chatOptions(t, room, "writer", "SEND_MESSAGE"))
	fw := 0
	ew.wait(t, &fw, 10*time.Second, "connected", state("connected"))
	opts := chatOptions(t, room, "sleeper")
	opts.EventBuffer = 5
	sleeper, err := c.ConnectChat(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200 && !sleeper.Connected(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	var last string
	for i := 0; i < 50; i++ {
		if last, err = writer.SendMessage(context.Background(), fmt.Sprint("n", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	ew.wait(t, &fw, 10*time.Second, "the writer's last message", request(last))
	for i := 0; i < 200 && sleeper.Dropped() < 45; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	// the I/O thread is free: a call on the same client completes at once
	start := time.Now()
	if err := c.Call(context.Background(), "ivschat", "ListRooms", nil, nil); err != nil || time.Since(start) > 2*time.Second {
		t.Errorf("a call while the consumer sleeps: %v after %v", err, time.Since(start))
	}
	sleeper.Close()
	var got []ivs.ChatEvent
	for ev := range sleeper.Events() {
		got = append(got, ev)
	}
	if len(got) != 6 || !got[5].Final() {
		t.Fatalf("%d events kept, want 5 and the final one", len(got))
	}
	dropped := int64(0)
	for _, ev := range got {
		dropped += int64(ev.Dropped)
	}
	// connecting and connected were among the kept; 50 messages came after
	if dropped != sleeper.Dropped() || dropped < 45 || got[5].Dropped == 0 {
		t.Errorf("dropped %d (in events) vs %d (Dropped); the final event says %d", dropped, sleeper.Dropped(), got[5].Dropped)
	}
}

func TestChatErrors(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	ctx := context.Background()
	var e *ivs.Error
	if _, err := c.ConnectChat(ctx, ivs.ChatOptions{Extra: map[string]any{"nope": 1}}); !errors.As(err, &e) || e.Kind != ivs.KindConfig {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := c.ConnectChat(ctx, ivs.ChatOptions{CreateToken: ivs.ChatTokenRequest{UserID: "no-room"}}); !errors.As(err, &e) ||
		e.Kind != ivs.KindValidation || len(e.Problems) == 0 {
		t.Errorf("createToken without a room: %v", err)
	}
	if _, err := c.ConnectChat(ctx, ivs.ChatOptions{CreateToken: "not an object"}); !errors.As(err, &e) || e.Kind != ivs.KindConfig {
		t.Errorf("createToken not an object: %v", err)
	}
	if _, err := c.ConnectChat(ctx, ivs.ChatOptions{CreateToken: func() {}}); !errors.As(err, &e) || e.Kind != ivs.KindInvalidArgument {
		t.Errorf("createToken not JSON: %v", err)
	}
	if _, err := c.ConnectChat(ctx, ivs.ChatOptions{Token: "SECRET/TOKEN="}); !errors.As(err, &e) || e.Kind != ivs.KindConfig ||
		strings.Contains(err.Error(), "SECRET") {
		t.Errorf("bad token: %v", err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.ConnectChat(done, chatOptions(t, room, "x")); !errors.Is(err, context.Canceled) {
		t.Errorf("done ctx: %v", err)
	}
	closed, _ := ivs.NewClient(localConfig(t))
	closed.Close()
	if _, err := closed.ConnectChat(ctx, chatOptions(t, room, "x")); !errors.Is(err, ivs.ErrClosed) {
		t.Errorf("closed client: %v", err)
	}

	r, ev := connect(t, c, chatOptions(t, room, "err", "SEND_MESSAGE"))
	from := 0
	ev.wait(t, &from, 10*time.Second, "connected", state("connected"))
	// what libivs checks itself: every problem at once
	_, err := r.Send(ctx, "SEND_MESSAGE", map[string]any{"Content": 5, "Extra": 1})
	if !errors.As(err, &e) || e.Kind != ivs.KindValidation || e.Code != "ParamValidationError" || len(e.Problems) != 2 {
		t.Errorf("invalid request: %v", err)
	}
	if _, err := r.Send(ctx, "SHOUT", nil); !errors.As(err, &e) || e.Kind != ivs.KindValidation {
		t.Errorf("unknown action: %v", err)
	}
	if _, err := r.Send(ctx, "SEND_MESSAGE", map[string]any{"Action": "DELETE_MESSAGE"}); !errors.As(err, &e) || e.Kind != ivs.KindInvalidArgument {
		t.Errorf("two actions: %v", err)
	}
	if _, err := r.Send(ctx, "", []byte("[1]")); !errors.As(err, &e) || e.Kind != ivs.KindInvalidArgument {
		t.Errorf("not an object: %v", err)
	}
	// a NUL inside a string (escaped, as encoding/json writes it) is refused by libivs, not cut short
	if _, err := r.SendMessage(ctx, "nul\x00inside", nil); !errors.As(err, &e) || e.Kind != ivs.KindInvalidArgument {
		t.Errorf("NUL in Content: %v", err)
	}
	// the service's refusal: no capability to disconnect anyone
	id, err := r.DisconnectUser(ctx, "someone", "")
	if err != nil {
		t.Fatal(err)
	}
	if e := ev.wait(t, &from, 10*time.Second, "ERROR", request(id)); e.Type != "ERROR" || e.ErrorCode != 403 {
		t.Errorf("refused: %s", e.JSON)
	}
	r.Close()
	if err := r.SetToken("abc"); !errors.Is(err, ivs.ErrChatClosed) {
		t.Errorf("SetToken after Close: %v", err)
	}
}

// ctx bounds the chat's life; the client's Close ends the chats still open.
func TestChatContextAndClientClose(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	r, err := c.ConnectChat(ctx, chatOptions(t, room, "ctx"))
	if err != nil {
		t.Fatal(err)
	}
	ev := collect(r)
	from := 0
	ev.wait(t, &from, 10*time.Second, "connected", state("connected"))
	cancel()
	ev.waitClosed(t, 10*time.Second)
	if e := ev.wait(t, &from, time.Second, "final", state("disconnected")); e.Reason != "clientClosed" {
		t.Errorf("ctx: %s", e.JSON)
	}
	if !errors.Is(r.Err(), context.Canceled) {
		t.Errorf("Err: %v", r.Err())
	}
	r.Close()

	own, err := ivs.NewClient(localConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := own.ConnectChat(context.Background(), chatOptions(t, room, "orphan", "SEND_MESSAGE"))
	if err != nil {
		t.Fatal(err)
	}
	ev2 := collect(r2)
	f2 := 0
	ev2.wait(t, &f2, 10*time.Second, "connected", state("connected"))
	own.Close()
	ev2.waitClosed(t, 10*time.Second)
	if e := ev2.wait(t, &f2, time.Second, "final", state("disconnected")); e.Reason != "clientClosed" {
		t.Errorf("client closed: %s", e.JSON)
	}
	if _, err := r2.SendMessage(context.Background(), "orphaned", nil); !errors.Is(err, ivs.ErrChatClosed) {
		t.Errorf("send after the client closed: %v", err)
	}
	r2.Close()
}

// Rooms opened and ended every way leave no goroutine and no cgo handle behind.
func TestChatNoGoroutineLeak(t *testing.T) {
	reset(t)
	c, err := ivs.NewClient(localConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	room := makeRoom(t, c)
	// the control API's keep-alive connections have goroutines of their own: none is kept
	http.DefaultClient.CloseIdleConnections()
	runtime.GC()
	baseline := runtime.NumGoroutine()
	// what may end the test (t.Fatal) is done here, on the test's goroutine
	base := localURL(t)
	var options [8]ivs.ChatOptions
	for i := range options {
		options[i] = chatOptions(t, room, fmt.Sprint("leak", i), "SEND_MESSAGE")
		if i%4 == 1 { // a provider still waiting when the room closes
			options[i].CreateToken = nil
			options[i].TokenProvider = func(ctx context.Context) (string, error) {
				<-ctx.Done()
				return "", ctx.Err()
			}
		}
	}
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for i := range options {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				r, err := c.ConnectChat(ctx, options[i])
				if err != nil {
					t.Error(err)
					return
				}
				if i%4 != 1 {
					for j := 0; j < 200 && !r.Connected(); j++ {
						time.Sleep(5 * time.Millisecond)
					}
					_, _ = r.SendMessage(ctx, "x", nil)
				}
				switch i % 4 {
				case 0, 1:
					r.Close() // events never read
				case 2:
					cancel() // ctx
					<-r.Done()
				case 3: // read to the end after the server ends it
					go func() {
						for range r.Events() {
						}
					}()
					drop := map[string]any{"userId": fmt.Sprint("leak", i), "mode": "close", "code": 1000}
					if err := controlErr(base, "POST", "chat/connections/drop", drop, nil); err != nil {
						t.Error(err)
						r.Close()
						return
					}
					<-r.Done()
				}
			}(i)
		}
		wg.Wait()
	}
	c.Close()
	expectNoLeaks(t, baseline)
}

// How the server ends or refuses a chat: a used token (refused with 401, no reconnect: the final
// event), a close with a code that asks to come back (1012: reconnected with a fresh token), and the
// room deleted under a Send that waits for the connection (the chat ends: ErrChatClosed).
func TestChatServerEnds(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	ctx := context.Background()

	token := tokenFor(t, room, "once")
	first, e1 := connect(t, c, ivs.ChatOptions{URL: wsURL(t), Token: token, NoReconnect: true})
	f1 := 0
	e1.wait(t, &f1, 10*time.Second, "connected", state("connected"))
	_, e2 := connect(t, c, ivs.ChatOptions{URL: wsURL(t), Token: token, NoReconnect: true})
	e2.waitClosed(t, 10*time.Second)
	f2 := 0
	var refusal struct{ HttpStatus int }
	final := e2.wait(t, &f2, time.Second, "final", state("disconnected"))
	if err := final.Decode(&refusal); err != nil || !final.Final() || final.Reason != "tokenExpired" || refusal.HttpStatus != 401 ||
		strings.Contains(string(final.JSON), strings.Split(token, `"`)[3]) {
		t.Errorf("a used token: %s", final.JSON)
	}
	first.Close()

	r, ev := connect(t, c, chatOptions(t, room, "again", "SEND_MESSAGE"))
	from := 0
	ev.wait(t, &from, 10*time.Second, "connected", state("connected"))
	control(t, "POST", "chat/connections/drop", map[string]any{"userId": "again", "mode": "close", "code": 1012, "reason": "restart"}, nil)
	e := ev.wait(t, &from, 10*time.Second, "disconnected", state("disconnected"))
	var closed struct {
		Code    int
		Message string
	}
	if err := e.Decode(&closed); err != nil || e.Reason != "serverClosed" || !e.Reconnecting || closed.Code != 1012 || !strings.HasSuffix(closed.Message, "restart") {
		t.Errorf("close 1012: %s", e.JSON)
	}
	ev.wait(t, &from, 10*time.Second, "connected again", state("connected"))
	id, err := r.SendMessage(ctx, "back", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev.wait(t, &from, 10*time.Second, "message after the reconnect", request(id))

	// the room deleted: the server closes with 1000, so the chat ends there
	if err := c.Call(ctx, "ivschat", "DeleteRoom", map[string]any{"identifier": room}, nil); err != nil {
		t.Fatal(err)
	}
	ev.waitClosed(t, 10*time.Second)
	if e := ev.wait(t, &from, time.Second, "final", state("disconnected")); e.Reason != "serverClosed" || !e.Final() {
		t.Errorf("the room deleted: %s", e.JSON)
	}
	if _, err := r.SendMessage(ctx, "into the void", nil); !errors.Is(err, ivs.ErrChatClosed) {
		t.Errorf("Send after the room was deleted: %v", err)
	}

	// a Send that waits while the chat reconnects returns ErrChatClosed when the chat gives up:
	// dropped (network), then the token handed over is refused and no attempt is left
	room2 := makeRoom(t, c)
	used := tokenFor(t, room2, "gives-up")
	w, ew := connect(t, c, ivs.ChatOptions{URL: wsURL(t), Token: used,
		Extra: map[string]any{"reconnect": map[string]any{"maxAttempts": 2, "initialDelayMs": 50}}})
	fw := 0
	ew.wait(t, &fw, 10*time.Second, "connected", state("connected"))
	control(t, "POST", "chat/connections/drop", map[string]any{"userId": "gives-up", "mode": "reset"}, nil)
	ew.wait(t, &fw, 10*time.Second, "tokenNeeded", state("tokenNeeded"))
	waiting := make(chan error, 1)
	go func() {
		_, err := w.SendMessage(ctx, "into the void", nil)
		waiting <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := w.SetToken(used); err != nil {
		t.Fatal(err)
	}
	ew.waitClosed(t, 10*time.Second)
	select {
	case err := <-waiting:
		if !errors.Is(err, ivs.ErrChatClosed) {
			t.Errorf("the waiting Send: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting Send did not return when the chat ended")
	}
	if e := ew.wait(t, &fw, time.Second, "final", state("disconnected")); e.Reason != "tokenExpired" || !e.Final() {
		t.Errorf("gave up: %s", e.JSON)
	}
}

// Close from the goroutine that reads Events(), with events still queued: it returns, the queued
// events and then the final one stay readable, and the channel closes. Sends racing with a Close
// either go out or fail with ErrChatClosed; nothing else.
func TestChatCloseFromReaderAndRacingSends(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	room := makeRoom(t, c)
	noRateLimit(t, room)
	ctx := context.Background()
	writer, ew := connect(t, c, chatOptions(t, room, "writer", "SEND_MESSAGE"))
	fw := 0
	ew.wait(t, &fw, 10*time.Second, "connected", state("connected"))
	reader, err := c.ConnectChat(ctx, chatOptions(t, room, "reader"))
	if err != nil {
		t.Fatal(err)
	}
	for ev := range reader.Events() {
		if ev.State == "connected" {
			break
		}
	}
	var last string
	for i := 0; i < 100; i++ {
		if last, err = writer.SendMessage(ctx, fmt.Sprint("q", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	ew.wait(t, &fw, 10*time.Second, "the writer's last message", request(last))
	for i := 0; i < 200 && len(reader.Events()) < 100; i++ { // the reader's copies are queued too
		time.Sleep(5 * time.Millisecond)
	}
	messages, closedAt := 0, -1
	closeReturned := make(chan struct{})
	n := 0
	for ev := range reader.Events() {
		n++
		if ev.Type == "MESSAGE" {
			messages++
		}
		if messages == 1 && closedAt < 0 { // Close on the reading goroutine, 99 messages unread
			closedAt = n
			reader.Close()
			close(closeReturned)
		}
		if ev.Final() && (ev.Reason != "clientClosed" || messages != 100) {
			t.Errorf("final after %d messages: %s", messages, ev.JSON)
		}
	}
	<-closeReturned
	if messages != 100 || reader.Dropped() != 0 {
		t.Errorf("%d messages read after Close, %d dropped", messages, reader.Dropped())
	}

	// Sends racing with Close: 8 goroutines send until refused (at most 2000 each); Close comes once
	// each has sent 10
	var wg, started sync.WaitGroup
	var sent, refused int64
	for g := 0; g < 8; g++ {
		wg.Add(1)
		started.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				if i == 10 {
					started.Done()
				}
				_, err := writer.SendMessage(ctx, fmt.Sprint("race", g, i), nil)
				switch {
				case err == nil:
					atomic.AddInt64(&sent, 1)
				case errors.Is(err, ivs.ErrChatClosed):
					atomic.AddInt64(&refused, 1)
					if i < 10 {
						started.Done()
					}
					return
				default:
					t.Errorf("a Send racing with Close: %v", err)
					if i < 10 {
						started.Done()
					}
					return
				}
			}
		}(g)
	}
	started.Wait()
	writer.Close()
	wg.Wait()
	if refused != 8 || sent < 80 {
		t.Errorf("%d sent, %d of 8 goroutines refused", sent, refused)
	}
	t.Logf("racing Close: %d sent, %d refused", sent, refused)
}
