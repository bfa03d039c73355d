// Command ivs-go-chat-bot is a moderation bot for an IVS Chat room, in Go (bindings/go), against
// ivs-local.
//
// The bot joins with a token provider (CreateChatToken through its client, before every connect),
// reads the room's events from a channel, deletes the messages that contain a banned word and
// disconnects their sender at the second one. A visitor talks in the same room so that there is
// something to moderate; its chat ends when the bot disconnects it.
//
//	ivs-go-chat-bot http://127.0.0.1:4566        (or set IVS_LOCAL_URL)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"libivs/ivs"
)

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
	ws := "ws" + strings.TrimPrefix(url, "http") // ivs-local serves chat at its base URL
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var room struct{ Arn string }
	if err := client.Call(ctx, "ivschat", "CreateRoom", map[string]any{"name": "moderated"}, &room); err != nil {
		return err
	}

	// The bot: a fresh token for every connect, from CreateChatToken (as your backend would).
	bot, err := client.ConnectChat(ctx, ivs.ChatOptions{
		URL: ws,
		TokenProvider: func(ctx context.Context) (string, error) {
			var token json.RawMessage
			err := client.Call(ctx, "ivschat", "CreateChatToken", map[string]any{"roomIdentifier": room.Arn,
				"userId": "moderator", "capabilities": []string{"DELETE_MESSAGE", "DISCONNECT_USER"}}, &token)
			return string(token), err
		},
	})
	if err != nil {
		return err
	}
	defer bot.Close()
	botDone := make(chan error, 1)
	botReady := make(chan struct{})
	go func() { botDone <- moderate(ctx, bot, botReady) }()

	visitor, err := client.ConnectChat(ctx, ivs.ChatOptions{
		URL:         ws,
		CreateToken: ivs.ChatTokenRequest{RoomIdentifier: room.Arn, UserID: "visitor", Capabilities: []string{"SEND_MESSAGE"}},
	})
	if err != nil {
		return err
	}
	defer visitor.Close()
	select {
	case <-botReady:
	case <-ctx.Done():
		return ctx.Err()
	}
	for ev := range visitor.Events() {
		switch {
		case ev.State == "connected":
			for _, text := range []string{"hello everyone", "this is darn good", "darn, the stream froze"} {
				if _, err := visitor.SendMessage(ctx, text, nil); err != nil {
					return err
				}
				time.Sleep(200 * time.Millisecond) // one at a time, so the output reads in order
			}
		case ev.Type == "EVENT":
			var e struct{ Attributes map[string]string }
			_ = ev.Decode(&e)
			fmt.Printf("visitor sees %s (%s)\n", ev.EventName, e.Attributes["Reason"])
		case ev.Final():
			fmt.Printf("visitor: disconnected (%s)\n", ev.Reason)
		}
	}
	bot.Close() // the bot's loop ends with its final event
	if err := <-botDone; err != nil {
		return err
	}
	return client.Call(ctx, "ivschat", "DeleteRoom", map[string]any{"identifier": room.Arn}, nil)
}

// moderate reads the bot's events until its chat ends.
func moderate(ctx context.Context, bot *ivs.ChatRoom, ready chan<- struct{}) error {
	strikes := map[string]int{}
	for ev := range bot.Events() {
		switch ev.Type {
		case "CONNECTION":
			fmt.Printf("bot: [%s]\n", ev.State)
			if ev.State == "connected" && ready != nil {
				close(ready)
				ready = nil // connected again after a reconnect: nobody waits for that
			}
		case "ERROR":
			fmt.Printf("bot: refused: %s\n", ev.JSON)
		case "MESSAGE":
			var m ivs.ChatMessage
			if err := ev.Decode(&m); err != nil {
				return err
			}
			if !strings.Contains(m.Content, "darn") {
				continue
			}
			if _, err := bot.DeleteMessage(ctx, m.ID, "language"); err != nil {
				return err
			}
			strikes[m.Sender.UserID]++
			if strikes[m.Sender.UserID] == 2 {
				if _, err := bot.DisconnectUser(ctx, m.Sender.UserID, "language, twice"); err != nil {
					return err
				}
			}
			fmt.Printf("bot: deleted %q by %s (strike %d)\n", m.Content, m.Sender.UserID, strikes[m.Sender.UserID])
		}
	}
	return bot.Err()
}
