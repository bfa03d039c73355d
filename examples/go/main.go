// Command ivs-go-demo is a tour of libivs from Go (bindings/go) against ivs-local, the local emulator.
//
// It creates a low-latency channel, a Real-Time stage and a chat room at once (one goroutine each),
// lists them page by page, shows what errors look like (*ivs.Error), cancels a call through its
// context, and deletes everything again.
//
//	ivs-go-demo http://127.0.0.1:4566        (or set IVS_LOCAL_URL)
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"libivs/ivs"
)

type channel struct {
	Arn            string `json:"arn"`
	IngestEndpoint string `json:"ingestEndpoint"`
	PlaybackURL    string `json:"playbackUrl"`
}

func main() {
	url := os.Getenv("IVS_LOCAL_URL")
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	if url == "" {
		fmt.Fprintf(os.Stderr, "usage: %s IVS_LOCAL_URL (e.g. http://127.0.0.1:4566)\n", os.Args[0])
		os.Exit(2)
	}
	if err := run(url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("Done.")
}

func run(url string) error {
	client, err := ivs.NewClient(ivs.Config{
		Region:      "us-west-2",
		EndpointURL: url,
		Credentials: &ivs.Credentials{AccessKeyID: "test", SecretAccessKey: "test"},
	})
	if err != nil {
		return err
	}
	defer client.Close()
	fmt.Printf("libivs %s, ivs-local at %s\n", ivs.Version(), url)
	ctx := context.Background()

	// Three calls at once, one goroutine each: calls in flight on the client's I/O thread.
	var (
		wg      sync.WaitGroup
		created struct{ Channel channel }
		stage   struct{ Stage struct{ Arn string } }
		room    struct{ Arn string }
		errs    = make([]error, 3)
	)
	wg.Add(3)
	go func() {
		defer wg.Done()
		errs[0] = client.Call(ctx, "ivs", "CreateChannel", map[string]any{"name": "demo", "latencyMode": "LOW"}, &created)
	}()
	go func() {
		defer wg.Done()
		errs[1] = client.Call(ctx, "ivs-realtime", "CreateStage", map[string]any{"name": "demo-stage"}, &stage)
	}()
	go func() {
		defer wg.Done()
		errs[2] = client.Call(ctx, "ivschat", "CreateRoom", map[string]any{"name": "demo-room"}, &room)
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	fmt.Printf("channel %s\n  ingest   rtmps://%s\n  playback %s\n", created.Channel.Arn,
		created.Channel.IngestEndpoint, created.Channel.PlaybackURL)
	fmt.Printf("stage   %s\nroom    %s\n", stage.Stage.Arn, room.Arn)

	// Page by page (Paginate would join them in one output).
	pages := client.NewPaginator("ivschat", "ListRooms", map[string]any{"maxResults": 1})
	for pages.Next(ctx) {
		var page struct{ Rooms []struct{ Name string } }
		if err := pages.Page(&page); err != nil {
			return err
		}
		fmt.Printf("a page of rooms: %v\n", page.Rooms)
	}
	if err := pages.Err(); err != nil {
		return err
	}

	// Errors are *ivs.Error, with every member of libivs's error JSON.
	err = client.Call(ctx, "ivs", "GetChannel", map[string]any{"arn": "arn:aws:ivs:us-west-2:123456789012:channel/missing00000"}, nil)
	var e *ivs.Error
	if errors.As(err, &e) {
		fmt.Printf("GetChannel: %s error %s (HTTP %d, request %s, retryable %v)\n", e.Kind, e.Code, e.HTTPStatus, e.RequestID, e.Retryable)
	}
	err = client.Call(ctx, "ivs", "CreateChannel", map[string]any{"name": 42}, nil)
	if errors.As(err, &e) {
		for _, p := range e.Problems {
			fmt.Printf("CreateChannel: %s: %s (nothing was sent)\n", p.Path, p.Problem)
		}
	}

	// A context cancels the call in flight.
	short, cancel := context.WithTimeout(ctx, time.Microsecond)
	defer cancel()
	err = client.Call(short, "ivs", "ListChannels", nil, nil)
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Println("ListChannels: cancelled by its deadline")
	} else {
		fmt.Println("ListChannels: finished before its deadline")
	}

	// Clean up.
	if err := client.Call(ctx, "ivs", "DeleteChannel", map[string]any{"arn": created.Channel.Arn}, nil); err != nil {
		return err
	}
	if err := client.Call(ctx, "ivs-realtime", "DeleteStage", map[string]any{"arn": stage.Stage.Arn}, nil); err != nil {
		return err
	}
	if err := client.Call(ctx, "ivschat", "DeleteRoom", map[string]any{"identifier": room.Arn}, nil); err != nil {
		return err
	}
	fmt.Println("deleted the channel, the stage and the room")
	return nil
}
