package ivs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"libivs/ivs"
)

func TestPaginator(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if err := c.Call(ctx, "ivs", "CreateChannel", map[string]any{"name": fmt.Sprintf("ch-%d", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		Channels  []struct{ Name string }
		NextToken string
	}
	for _, op := range []string{"ListChannels", "list_channels"} {
		p := c.NewPaginator("ivs", op, map[string]any{"maxResults": 2})
		var sizes []int
		names := map[string]bool{}
		for p.Next(ctx) {
			var pg page
			if err := p.Page(&pg); err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(pg.Channels))
			for _, ch := range pg.Channels {
				names[ch.Name] = true
			}
			if !json.Valid(p.Raw()) {
				t.Errorf("Raw: %s", p.Raw())
			}
		}
		if p.Err() != nil || fmt.Sprint(sizes) != "[2 2 1]" || len(names) != 5 {
			t.Errorf("%s: pages %v, %d names, %v", op, sizes, len(names), p.Err())
		}
		if p.Next(ctx) {
			t.Error("Next after the last page")
		}
	}
	if n := received(t, "ListChannels"); n != 6 {
		t.Errorf("ivs-local received %d ListChannels, want 6", n)
	}

	// a struct input gets the token too
	type listInput struct {
		MaxResults int `json:"maxResults"`
	}
	p := c.NewPaginator("ivs", "ListChannels", listInput{MaxResults: 4})
	pages := 0
	for p.Next(ctx) {
		pages++
	}
	if pages != 2 || p.Err() != nil {
		t.Errorf("struct input: %d pages, %v", pages, p.Err())
	}

	// an operation that is not paginated has one page
	p = c.NewPaginator("ivs", "GetChannel", map[string]any{"arn": missing})
	if p.Next(ctx) {
		t.Error("a failed first page")
	}
	if e := asError(t, p.Err()); e.Code != "ResourceNotFoundException" {
		t.Errorf("GetChannel: %v", e)
	}
	p = c.NewPaginator("ivs-realtime", "GetStage", json.RawMessage(`{"arn": "x"}`))
	for p.Next(ctx) {
		t.Error("GetStage of a bad ARN gave a page")
	}
	// unknown service and non-object input: the first call says what libivs says
	for _, k := range []struct {
		service string
		input   any
		code    string
	}{{"nope", nil, "UnknownService"}, {"ivs", []int{1}, ""}} {
		p = c.NewPaginator(k.service, "ListChannels", k.input)
		if p.Next(ctx) {
			t.Errorf("%v: a page", k)
		}
		if e := asError(t, p.Err()); e.Kind != ivs.KindInvalidArgument || (k.code != "" && e.Code != k.code) {
			t.Errorf("%v: %+v", k, e)
		}
	}
	// a failure mid-walk ends it with that error
	p = c.NewPaginator("ivs", "ListChannels", map[string]any{"maxResults": 2})
	if !p.Next(ctx) {
		t.Fatal(p.Err())
	}
	fault(t, map[string]any{"operation": "ListChannels", "count": 1, "status": 500, "code": "InternalServerException"})
	if p.Next(ctx) || asError(t, p.Err()).HTTPStatus != 500 || p.Raw() != nil {
		t.Errorf("mid-walk failure: %v", p.Err())
	}
}
