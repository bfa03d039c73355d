package ivs_test

// What the tests share: a client on the ivs-local named by IVS_LOCAL_URL (run-with-ivs-local.sh
// starts one for the test binary; scripts/go-tests.sh does that), and ivs-local's control API.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"testing"
	"time"

	"libivs/ivs"
)

func localURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("IVS_LOCAL_URL")
	if u == "" {
		t.Fatal("IVS_LOCAL_URL is not set: run the tests under Tests/c/run-with-ivs-local.sh (scripts/go-tests.sh does)")
	}
	return u
}

// localConfig is a configuration for ivs-local: region us-west-2, credentials test/test, one attempt.
func localConfig(t testing.TB) ivs.Config {
	return ivs.Config{
		Region:      "us-west-2",
		EndpointURL: localURL(t),
		Credentials: &ivs.Credentials{AccessKeyID: "test", SecretAccessKey: "test"},
		MaxAttempts: 1,
	}
}

func newClient(t testing.TB, cfg ivs.Config) *ivs.Client {
	t.Helper()
	c, err := ivs.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// control calls ivs-local's control API (/_local/route) and decodes its answer into out (if not nil).
// Like every helper here that takes t, it ends the test on failure (t.Fatal), so it must run on the
// test's goroutine: other goroutines call controlErr and report with t.Error.
func control(t testing.TB, method, route string, body any, out any) {
	t.Helper()
	if err := controlErr(localURL(t), method, route, body, out); err != nil {
		t.Fatal(err)
	}
}

// controlErr is control for any goroutine: it returns what went wrong.
func controlErr(base, method, route string, body any, out any) error {
	var in io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+"/_local/"+route, in)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("control %s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("control %s %s: %d %s", method, route, resp.StatusCode, text)
	}
	if out != nil {
		if err := json.Unmarshal(text, out); err != nil {
			return fmt.Errorf("control %s %s: %v", method, route, err)
		}
	}
	return nil
}

// reset forgets every resource, fault and logged request of ivs-local.
func reset(t testing.TB) { control(t, "POST", "reset", map[string]any{}, nil) }

func fault(t testing.TB, f map[string]any) { control(t, "POST", "faults", f, nil) }

// received is how many requests for operation ivs-local received.
func received(t testing.TB, operation string) int {
	var log struct{ Requests []json.RawMessage }
	control(t, "GET", "requests?operation="+operation, nil, &log)
	return len(log.Requests)
}

// expectNoLeaks waits up to 5 s for the goroutines to fall back to baseline (idle keep-alive
// connections of the control API closed, finalizers run), then requires that and no cgo handle left.
func expectNoLeaks(t testing.TB, baseline int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
		http.DefaultClient.CloseIdleConnections()
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
	if n := ivs.LiveHandles(); n != 0 {
		t.Errorf("%d cgo handles left", n)
	}
}
