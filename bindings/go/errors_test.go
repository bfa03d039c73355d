package ivs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"libivs/ivs"
)

const missing = "arn:aws:ivs:us-west-2:123456789012:channel/abcdABCD1234"

// asError requires err to be an *ivs.Error (errors.As) and returns it.
func asError(t *testing.T, err error) *ivs.Error {
	t.Helper()
	var e *ivs.Error
	if !errors.As(err, &e) {
		t.Fatalf("not an *ivs.Error: %T %v", err, err)
	}
	return e
}

func TestServiceError(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	err := c.Call(context.Background(), "ivs", "GetChannel", map[string]string{"arn": missing}, nil)
	e := asError(t, fmt.Errorf("wrapped by the caller: %w", err))
	if e.Kind != ivs.KindService || e.Code != "ResourceNotFoundException" || e.HTTPStatus != 404 ||
		e.RequestID == "" || e.Retryable || e.Attempts != 1 || !strings.Contains(e.Message, missing) {
		t.Errorf("service error: %+v", e)
	}
	var fields struct{ ExceptionMessage string }
	if json.Unmarshal(e.Fields, &fields) != nil || !strings.Contains(fields.ExceptionMessage, "not found") {
		t.Errorf("Fields: %s", e.Fields)
	}
	var md struct {
		RequestID      string `json:"RequestId"`
		HTTPStatusCode int
	}
	if json.Unmarshal(e.ResponseMetadata, &md) != nil || md.RequestID != e.RequestID || md.HTTPStatusCode != 404 {
		t.Errorf("ResponseMetadata: %s", e.ResponseMetadata)
	}
	if e.Error() != "ivs: ResourceNotFoundException: "+e.Message {
		t.Errorf("Error(): %q", e.Error())
	}
	// the request ivs-local logged is the one the error names
	var log struct{ Requests []struct{ RequestID string } }
	control(t, "GET", "requests?operation=GetChannel", nil, &log)
	if len(log.Requests) != 1 || log.Requests[0].RequestID != e.RequestID {
		t.Errorf("ivs-local logged %+v", log.Requests)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, ivs.ErrClosed) || errors.Unwrap(err) != nil {
		t.Errorf("a service error wraps nothing: %v", errors.Unwrap(err))
	}
}

func TestValidationError(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	err := c.Call(context.Background(), "ivs", "CreateChannel", map[string]any{"name": 42, "tags": map[string]int{"k": 7}, "bogus": 1}, nil)
	e := asError(t, err)
	if e.Kind != ivs.KindValidation || e.Code != "ParamValidationError" || e.HTTPStatus != 0 || e.RequestID != "" ||
		e.Attempts != 0 || e.ResponseMetadata != nil {
		t.Errorf("validation error: %+v", e)
	}
	paths := map[string]bool{}
	for _, p := range e.Problems {
		paths[p.Path] = p.Problem != ""
	}
	if len(e.Problems) != 3 || !paths["name"] || !paths["tags.k"] || !paths["bogus"] {
		t.Errorf("Problems: %+v", e.Problems)
	}
	if n := received(t, "CreateChannel"); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
	e = asError(t, c.Call(context.Background(), "ivs-realtime", "GetStage", nil, nil))
	if len(e.Problems) != 1 || e.Problems[0] != (ivs.Problem{Path: "arn", Problem: "Missing required parameter"}) {
		t.Errorf("GetStage {}: %+v", e.Problems)
	}
}

func TestInvalidArguments(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	ctx := context.Background()
	cases := []struct {
		service, operation string
		input              any
		code               string
	}{
		{"nope", "ListChannels", nil, "UnknownService"},
		{"ivs", "NoSuchOperation", nil, "UnknownOperation"},
		{"ivs", "ListChannels", json.RawMessage(`{not json`), "MalformedInput"},
		{"ivs", "ListChannels", []int{1, 2}, ""},                  // not an object
		{"ivs", "ListChannels", "a string", ""},                   // nor is this
		{"ivs", "ListChannels", make(chan int), "MalformedInput"}, // encoding/json cannot write it
		{"ivs\x00x", "ListChannels", nil, "InvalidArgument"},
		{"ivs", "ListChannels\x00", nil, "InvalidArgument"},
		{"ivs", "ListChannels", []byte("{}\x00{}"), "InvalidArgument"},
	}
	for _, k := range cases {
		for _, paginate := range []bool{false, true} {
			call := c.Call
			if paginate {
				call = c.Paginate
			}
			e := asError(t, call(ctx, k.service, k.operation, k.input, nil))
			if e.Kind != ivs.KindInvalidArgument || (k.code != "" && e.Code != k.code) || e.Attempts != 0 {
				t.Errorf("%q %q %v: %+v", k.service, k.operation, k.input, e)
			}
		}
	}
	if n := received(t, "ListChannels"); n != 0 {
		t.Errorf("%d requests sent for invalid arguments", n)
	}

	// an output that does not fit the caller's value is encoding/json's error, after a successful call
	var wrong struct{ Channels string }
	err := c.Call(ctx, "ivs", "ListChannels", nil, &wrong)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		t.Errorf("decoding into the wrong type: %T %v", err, err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []ivs.Config{
		{Region: "us-west-2", RetryMode: "sometimes"},
		{Region: "us-west-2", EndpointURL: "http://user:pw@127.0.0.1:1"},
		{Region: "us-west-2", Extra: map[string]any{"bogus": 1}},
		{Region: "us-west-2", Extra: map[string]any{"dispatch": "manual"}},
	} {
		c, err := ivs.NewClient(cfg)
		e := asError(t, err)
		if c != nil || e.Kind != ivs.KindConfig || e.Code != "InvalidConfiguration" {
			t.Errorf("%+v: %v %+v", cfg, c, e)
		}
		if strings.Contains(e.Message, "pw") {
			t.Errorf("the message shows the password: %s", e.Message)
		}
	}
	_, err := ivs.NewClient(ivs.Config{Extra: map[string]any{"x": make(chan int)}})
	if e := asError(t, err); e.Kind != ivs.KindInvalidArgument {
		t.Errorf("unwritable config: %+v", e)
	}
}

func TestRetriesThenError(t *testing.T) {
	reset(t)
	cfg := localConfig(t)
	cfg.MaxAttempts = 3
	c := newClient(t, cfg)
	fault(t, map[string]any{"operation": "ListRooms", "count": 3, "status": 429, "code": "ThrottlingException"})
	e := asError(t, c.Call(context.Background(), "ivschat", "ListRooms", nil, nil))
	if e.Code != "ThrottlingException" || e.HTTPStatus != 429 || !e.Retryable || e.Attempts != 3 {
		t.Errorf("throttled: %+v", e)
	}
	if n := received(t, "ListRooms"); n != 3 {
		t.Errorf("ivs-local received %d, want 3", n)
	}

	closed := newClient(t, ivs.Config{Region: "us-west-2", EndpointURL: "http://127.0.0.1:1", MaxAttempts: 2,
		Credentials: &ivs.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}})
	e = asError(t, closed.Call(context.Background(), "ivs", "ListChannels", nil, nil))
	if e.Kind != ivs.KindNetwork || e.Code != "EndpointConnectionError" || !e.Retryable || e.Attempts != 2 || e.HTTPStatus != 0 {
		t.Errorf("refused connection: %+v", e)
	}
}

func TestClosedClient(t *testing.T) {
	c, err := ivs.NewClient(localConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	err = c.Call(context.Background(), "ivs", "ListChannels", nil, nil)
	if e := asError(t, err); e.Kind != ivs.KindInvalidArgument || !errors.Is(err, ivs.ErrClosed) {
		t.Errorf("call after Close: %+v", e)
	}
	if _, err := c.ResolvedConfig(); !errors.Is(err, ivs.ErrClosed) {
		t.Errorf("ResolvedConfig after Close: %v", err)
	}
	p := c.NewPaginator("ivs", "ListChannels", nil)
	if p.Next(context.Background()) || !errors.Is(p.Err(), ivs.ErrClosed) {
		t.Errorf("paginator after Close: %v", p.Err())
	}
}
