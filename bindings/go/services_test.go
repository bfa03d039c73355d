package ivs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"libivs/ivs"
)

// The caller's own structs, as an application would declare them.
type channel struct {
	Arn         string            `json:"arn"`
	Name        string            `json:"name"`
	LatencyMode string            `json:"latencyMode"`
	Type        string            `json:"type"`
	Tags        map[string]string `json:"tags"`
}

type metadata struct {
	RequestID      string `json:"RequestId"`
	HTTPStatusCode int    `json:"HTTPStatusCode"`
	RetryAttempts  int    `json:"RetryAttempts"`
}

func TestLowLatency(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	ctx := context.Background()

	var created struct {
		Channel   channel `json:"channel"`
		StreamKey struct {
			Value string `json:"value"`
		} `json:"streamKey"`
		ResponseMetadata metadata
	}
	in := struct {
		Name        string `json:"name"`
		LatencyMode string `json:"latencyMode"`
	}{"studio-a", "LOW"}
	if err := c.Call(ctx, "ivs", "CreateChannel", in, &created); err != nil {
		t.Fatal(err)
	}
	arn := created.Channel.Arn
	if !strings.HasPrefix(arn, "arn:aws:ivs:us-west-2:123456789012:channel/") || created.Channel.LatencyMode != "LOW" {
		t.Errorf("CreateChannel: %+v", created.Channel)
	}
	if !strings.HasPrefix(created.StreamKey.Value, "sk_us-west-2_") {
		t.Errorf("stream key %q", created.StreamKey.Value)
	}
	if created.ResponseMetadata.HTTPStatusCode != 200 || created.ResponseMetadata.RequestID == "" {
		t.Errorf("ResponseMetadata %+v", created.ResponseMetadata)
	}

	// a map in, a map out; boto3's operation name; the text in and out
	var got map[string]any
	if err := c.Call(ctx, "ivs", "get_channel", map[string]any{"arn": arn}, &got); err != nil {
		t.Fatal(err)
	}
	if got["channel"].(map[string]any)["name"] != "studio-a" {
		t.Errorf("GetChannel: %v", got)
	}
	var raw json.RawMessage
	if err := c.Call(ctx, "ivs", "GetChannel", json.RawMessage(`{"arn": "`+arn+`"}`), &raw); err != nil {
		t.Fatal(err)
	}
	var text []byte
	if err := c.Call(ctx, "ivs", "GetChannel", []byte(`{"arn": "`+arn+`"}`), &text); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(raw) || !json.Valid(text) || !strings.Contains(string(text), `"studio-a"`) {
		t.Errorf("text outputs: %s / %s", raw, text)
	}

	var updated struct{ Channel channel }
	if err := c.Call(ctx, "ivs", "UpdateChannel", map[string]any{"arn": arn, "name": "studio-b", "type": "BASIC"}, &updated); err != nil {
		t.Fatal(err)
	}
	if updated.Channel.Name != "studio-b" || updated.Channel.Type != "BASIC" {
		t.Errorf("UpdateChannel: %+v", updated.Channel)
	}
	if err := c.Call(ctx, "ivs", "TagResource", map[string]any{"resourceArn": arn, "tags": map[string]string{"team": "video"}}, nil); err != nil {
		t.Fatal(err)
	}
	var tags struct{ Tags map[string]string }
	if err := c.Call(ctx, "ivs", "ListTagsForResource", map[string]any{"resourceArn": arn}, &tags); err != nil || tags.Tags["team"] != "video" {
		t.Errorf("ListTagsForResource: %v %v", tags, err)
	}

	// five channels in pages of two: Paginate joins them
	for i := 0; i < 4; i++ {
		if err := c.Call(ctx, "ivs", "CreateChannel", map[string]any{"name": fmt.Sprintf("more-%d", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var all struct {
		Channels  []channel `json:"channels"`
		NextToken *string   `json:"nextToken"`
	}
	if err := c.Paginate(ctx, "ivs", "ListChannels", map[string]any{"maxResults": 2}, &all); err != nil {
		t.Fatal(err)
	}
	if len(all.Channels) != 5 || all.NextToken != nil {
		t.Errorf("Paginate: %d channels, token %v", len(all.Channels), all.NextToken)
	}
	if err := c.Call(ctx, "ivs", "DeleteChannel", map[string]any{"arn": arn}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Paginate(ctx, "ivs", "ListChannels", nil, &all); err != nil || len(all.Channels) != 4 {
		t.Errorf("after DeleteChannel: %d channels, %v", len(all.Channels), err)
	}
}

func TestRealTime(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	ctx := context.Background()
	var stage struct {
		Stage struct {
			Arn       string
			Name      string
			Endpoints struct{ Whip string }
		}
	}
	if err := c.Call(ctx, "ivs-realtime", "CreateStage", map[string]any{"name": "stage-a"}, &stage); err != nil {
		t.Fatal(err)
	}
	arn := stage.Stage.Arn
	if err := c.Call(ctx, "ivs-realtime", "GetStage", map[string]any{"arn": arn}, &stage); err != nil || stage.Stage.Name != "stage-a" || stage.Stage.Endpoints.Whip == "" {
		t.Errorf("GetStage: %+v %v", stage, err)
	}
	var tok map[string]map[string]any
	if err := c.Call(ctx, "ivs-realtime", "CreateParticipantToken", map[string]any{"stageArn": arn, "userId": "alice"}, &tok); err != nil {
		t.Fatal(err)
	}
	if tok["participantToken"]["userId"] != "alice" || tok["participantToken"]["token"] == "" {
		t.Errorf("CreateParticipantToken: %v", tok)
	}
	for i := 0; i < 2; i++ {
		if err := c.Call(ctx, "ivs-realtime", "CreateStage", map[string]any{"name": fmt.Sprintf("more-%d", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var stages struct{ Stages []struct{ Arn string } }
	if err := c.Paginate(ctx, "ivs-realtime", "ListStages", map[string]any{"maxResults": 1}, &stages); err != nil || len(stages.Stages) != 3 {
		t.Errorf("ListStages: %d, %v", len(stages.Stages), err)
	}
	if err := c.Call(ctx, "ivs-realtime", "DeleteStage", map[string]any{"arn": arn}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestChat(t *testing.T) {
	reset(t)
	c := newClient(t, localConfig(t))
	ctx := context.Background()
	var room struct {
		Arn                  string
		ID                   string `json:"id"`
		MaximumMessageLength int
	}
	if err := c.Call(ctx, "ivschat", "CreateRoom", map[string]any{"name": "lobby", "maximumMessageLength": 200}, &room); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(room.Arn, "arn:aws:ivschat:us-west-2:123456789012:room/") || room.MaximumMessageLength != 200 {
		t.Errorf("CreateRoom: %+v", room)
	}
	var token struct{ Token, TokenExpirationTime string }
	if err := c.Call(ctx, "ivschat", "CreateChatToken", map[string]any{"roomIdentifier": room.Arn, "userId": "bob"}, &token); err != nil || token.Token == "" {
		t.Errorf("CreateChatToken: %+v %v", token, err)
	}
	if err := c.Call(ctx, "ivschat", "SendEvent", map[string]any{"roomIdentifier": room.Arn, "eventName": "poll"}, nil); err != nil {
		t.Fatal(err)
	}
	var actions struct{ Actions []map[string]any }
	control(t, "GET", "chat/actions?roomArn="+room.Arn, nil, &actions)
	if len(actions.Actions) != 1 || actions.Actions[0]["eventName"] != "poll" {
		t.Errorf("recorded actions: %v", actions)
	}
	var rooms struct{ Rooms []json.RawMessage }
	if err := c.Paginate(ctx, "ivschat", "list_rooms", nil, &rooms); err != nil || len(rooms.Rooms) != 1 {
		t.Errorf("ListRooms: %d %v", len(rooms.Rooms), err)
	}
	if err := c.Call(ctx, "ivschat", "DeleteRoom", map[string]any{"identifier": room.Arn}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestClient(t *testing.T) {
	c := newClient(t, localConfig(t))
	var cfg struct {
		Region      string
		Endpoints   map[string]string
		MaxAttempts int
	}
	raw, err := c.ResolvedConfig()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &cfg); err != nil || cfg.Region != "us-west-2" || cfg.Endpoints["ivschat"] != localURL(t) || cfg.MaxAttempts != 1 {
		t.Errorf("ResolvedConfig: %s", raw)
	}
	if strings.Contains(string(raw), `"test"`) {
		t.Errorf("ResolvedConfig shows the secret: %s", raw)
	}
	if ivs.Version() == "" {
		t.Error("Version is empty")
	}
	if d, ok := ivs.Describe("ivs"); !ok || !strings.Contains(string(d), `"CreateChannel"`) {
		t.Errorf("Describe(ivs): %v", ok)
	}
	if _, ok := ivs.Describe("nope"); ok {
		t.Error("Describe(nope) found a service")
	}
	if _, ok := ivs.Describe("ivs\x00x"); ok {
		t.Error("Describe with a NUL byte found a service")
	}

	// every Config field reaches libivs under its key
	full := ivs.Config{
		Region: "eu-west-1", EndpointURLs: map[string]string{"ivs": "http://127.0.0.1:1"}, RetryMode: "adaptive",
		MaxAttempts: 4, ConnectTimeout: 1500 * 1e6, RequestTimeout: 1, Validation: "strict", UserAgentSuffix: "go-test",
		MaxPages: 7, MaxPaginateBytes: 4096, MaxResponseBytes: 2048, MaxConnections: 3, InsecureSkipVerify: true,
		Credentials: &ivs.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}, Extra: map[string]any{"proxy": ""},
	}
	raw, err = newClient(t, full).ResolvedConfig()
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	_ = json.Unmarshal(raw, &r)
	want := map[string]any{"region": "eu-west-1", "retryMode": "adaptive", "maxAttempts": 4.0, "connectTimeoutMs": 1500.0,
		"requestTimeoutMs": 1.0, "validation": "strict", "maxPages": 7.0, "maxPaginateBytes": 4096.0,
		"maxResponseBytes": 2048.0, "verifyTls": false, "proxy": ""}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("ResolvedConfig %s = %v, want %v", k, r[k], v)
		}
	}
	if r["endpoints"].(map[string]any)["ivs"] != "http://127.0.0.1:1" || !strings.HasSuffix(r["userAgent"].(string), "go-test") {
		t.Errorf("ResolvedConfig: %s", raw)
	}
}
