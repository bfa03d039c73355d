package ivs_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"libivs/ivs"
)

// Calls from many goroutines at once are calls in flight on one client: all succeed, and every
// fault injected cost exactly one retry.
func TestManyGoroutines(t *testing.T) {
	reset(t)
	cfg := localConfig(t)
	cfg.MaxAttempts = 5
	cfg.MaxConnections = 16
	c := newClient(t, cfg)
	fault(t, map[string]any{"operation": "ListChannels", "count": 6, "status": 429, "code": "ThrottlingException"})
	fault(t, map[string]any{"operation": "ListStages", "count": 6, "status": 500, "code": "InternalServerException"})
	fault(t, map[string]any{"operation": "ListRooms", "count": 3, "action": "drop"})
	ops := [][2]string{{"ivs", "ListChannels"}, {"ivs-realtime", "ListStages"}, {"ivschat", "ListRooms"}}
	const n = 300
	var wg sync.WaitGroup
	var mu sync.Mutex
	retries, failures := 0, 0
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(op [2]string) {
			defer wg.Done()
			var out struct{ ResponseMetadata struct{ RetryAttempts int } }
			err := c.Call(context.Background(), op[0], op[1], nil, &out)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				t.Errorf("%s: %v", op[1], err)
			}
			retries += out.ResponseMetadata.RetryAttempts
		}(ops[i%3])
	}
	wg.Wait()
	if failures != 0 || retries != 15 {
		t.Errorf("%d failures, %d retries (want 0, 15)", failures, retries)
	}
	if got := received(t, "ListChannels") + received(t, "ListStages") + received(t, "ListRooms"); got != n+15 {
		t.Errorf("ivs-local received %d requests, want %d", got, n+15)
	}
	t.Logf("%d calls from %d goroutines in %v", n, n, time.Since(start))
}

func TestContextCancel(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))

	// held 5 s by ivs-local: cancelled mid-call, Call returns at once
	fault(t, map[string]any{"operation": "ListChannels", "count": 1, "action": "delay", "delayMs": 5000})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Call(ctx, "ivs", "ListChannels", nil, nil) }()
	for i := 0; i < 200 && received(t, "ListChannels") == 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	err := <-errc
	if e := asError(t, err); e.Kind != ivs.KindCancelled || e.Code != "Cancelled" || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %+v (%v)", e, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Call returned %v after the cancel", d)
	}

	// a deadline, through paginate
	fault(t, map[string]any{"operation": "ListStages", "count": 1, "action": "delay", "delayMs": 5000})
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = c.Paginate(ctx, "ivs-realtime", "ListStages", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) || asError(t, err).Kind != ivs.KindCancelled {
		t.Errorf("deadline: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Paginate returned %v after a 300 ms deadline", d)
	}

	// a context done before the call: nothing is sent
	before := received(t, "ListRooms")
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	err = c.Call(ctx, "ivschat", "ListRooms", nil, nil)
	if !errors.Is(err, context.Canceled) || received(t, "ListRooms") != before {
		t.Errorf("done context: %v", err)
	}
	// a nil context is Background
	if err := c.Call(nil, "ivschat", "ListRooms", nil, nil); err != nil {
		t.Errorf("nil context: %v", err)
	}
	// the client still works
	if err := c.Call(context.Background(), "ivs", "ListChannels", nil, nil); err != nil {
		t.Error(err)
	}
}

// Close with calls in flight: each ends cancelled, wrapping ErrClosed, and Close returns at once.
func TestCloseInFlight(t *testing.T) {
	reset(t)
	c, err := ivs.NewClient(localConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	fault(t, map[string]any{"operation": "ListRooms", "count": 20, "action": "delay", "delayMs": 3000})
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func() { errs <- c.Call(context.Background(), "ivschat", "ListRooms", nil, nil) }()
	}
	for i := 0; i < 200 && received(t, "ListRooms") < 20; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	c.Close()
	for i := 0; i < 20; i++ {
		err := <-errs
		if e := asError(t, err); e.Kind != ivs.KindCancelled || !errors.Is(err, ivs.ErrClosed) {
			t.Errorf("call %d: %+v", i, e)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the calls ended %v after Close", d)
	}
}

// Goroutines, cancellations and closes leave nothing running and no cgo handle behind.
func TestNoGoroutineLeak(t *testing.T) {
	reset(t)
	baseline := runtime.NumGoroutine()
	fault(t, map[string]any{"operation": "ListStages", "count": 50, "action": "delay", "delayMs": 2000})
	for round := 0; round < 3; round++ {
		c, err := ivs.NewClient(localConfig(t))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%3)*50*time.Millisecond)
				defer cancel()
				op := []string{"ListChannels", "ListStages"}[i%2]
				svc := []string{"ivs", "ivs-realtime"}[i%2]
				_ = c.Call(ctx, svc, op, nil, nil)
				p := c.NewPaginator("ivs", "ListChannels", map[string]any{"maxResults": 1})
				for p.Next(ctx) {
				}
			}(i)
		}
		wg.Wait()
		if round == 2 {
			c = nil // dropped without Close: the finalizer frees it
		} else {
			c.Close()
		}
	}
	// every call's handle was deleted once its callback ran
	expectNoLeaks(t, baseline)
}
