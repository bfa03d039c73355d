package ivs

// #include <stdlib.h>
// #include <ivs.h>
import "C"

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"unsafe"
)

// Paginator walks the pages of a paginated operation one call at a time, as botocore's paginators
// do, following the operation's page token (from the model, through ivs_describe):
//
//	p := client.NewPaginator("ivs", "ListChannels", map[string]any{"maxResults": 50})
//	for p.Next(ctx) {
//		var page struct{ Channels []struct{ Name string } `json:"channels"` }
//		if err := p.Page(&page); err != nil { ... }
//	}
//	if err := p.Err(); err != nil { ... }
//
// An operation that is not paginated has one page. A page token the service repeats ends the walk
// with an *Error "PaginationError". A Paginator is for one goroutine.
type Paginator struct {
	client              *Client
	service, operation  string
	input               any
	fields              map[string]json.RawMessage // the input as an object, to set the token in
	inputTok, outputTok string                     // "" when the operation is not paginated
	page                json.RawMessage
	token               string
	started, done       bool
	err                 error
}

// NewPaginator prepares a walk over the pages of operation; nothing is sent before Next.
func (c *Client) NewPaginator(service, operation string, input any) *Paginator {
	p := &Paginator{client: c, service: service, operation: operation, input: input}
	info, ok := paginatorOf(service, operation)
	if !ok {
		return p
	}
	text, err := inputJSON(input)
	if err != nil {
		p.err, p.done = err, true
		return p
	}
	if json.Unmarshal(text, &p.fields) != nil || p.fields == nil {
		return p // not an object: the first call reports it as libivs does
	}
	p.inputTok, p.outputTok = info.InputToken, info.OutputToken
	return p
}

// Next fetches the next page; false when there is none left or a call failed (see Err).
func (p *Paginator) Next(ctx context.Context) bool {
	if p.done {
		return false
	}
	input := p.input
	if p.inputTok != "" && p.started {
		tok, _ := json.Marshal(p.token)
		p.fields[p.inputTok] = tok
		input = p.fields
	}
	p.started = true
	var page json.RawMessage
	if err := p.client.Call(ctx, p.service, p.operation, input, &page); err != nil {
		p.err, p.done, p.page = err, true, nil
		return false
	}
	p.page = page
	next := ""
	if p.outputTok != "" {
		var out map[string]json.RawMessage
		if json.Unmarshal(page, &out) == nil {
			_ = json.Unmarshal(out[p.outputTok], &next) // absent or null: the last page
		}
	}
	switch {
	case next == "":
		p.done = true
	case next == p.token:
		p.err = &Error{Kind: KindService, Code: "PaginationError", Fields: json.RawMessage("{}"),
			Message: "the service repeated the page token of " + p.operation + "; stopping"}
		p.done = true
	}
	p.token = next
	return true
}

// Page decodes the current page into out (as Call decodes an output).
func (p *Paginator) Page(out any) error { return decode(result{status: C.IVS_OK, json: p.page}, out) }

// Raw is the current page's JSON text.
func (p *Paginator) Raw() json.RawMessage { return p.page }

// Err is the error that ended the walk, or nil.
func (p *Paginator) Err() error { return p.err }

type paginatorInfo struct {
	InputToken  string `json:"inputToken"`
	OutputToken string `json:"outputToken"`
}

// What ivs_describe says of each service's paginators, read once per service.
var paginators sync.Map // service -> map[operation or snake name]paginatorInfo

func paginatorOf(service, operation string) (paginatorInfo, bool) {
	ops, ok := paginators.Load(service)
	if !ok {
		ops = describePaginators(service)
		paginators.Store(service, ops)
	}
	info, ok := ops.(map[string]paginatorInfo)[operation]
	return info, ok
}

func describePaginators(service string) map[string]paginatorInfo {
	found := map[string]paginatorInfo{}
	text, ok := Describe(service)
	if !ok {
		return found
	}
	var doc struct {
		Services map[string]struct {
			Operations map[string]struct {
				SnakeName string         `json:"snakeName"`
				Paginator *paginatorInfo `json:"paginator"`
			} `json:"operations"`
		} `json:"services"`
	}
	if json.Unmarshal(text, &doc) != nil {
		return found
	}
	for name, op := range doc.Services[service].Operations {
		if op.Paginator != nil && op.Paginator.InputToken != "" && op.Paginator.OutputToken != "" {
			found[name] = *op.Paginator
			found[op.SnakeName] = *op.Paginator
		}
	}
	return found
}

// Describe is what libivs knows of a service ("ivs", "ivs-realtime", "ivschat"), or of all ("") as
// JSON (ivs_describe): operations, shapes, paginators. false for an unknown service.
func Describe(service string) (json.RawMessage, bool) {
	var text *C.char
	if strings.IndexByte(service, 0) >= 0 {
		return nil, false
	}
	if service == "" {
		text = C.ivs_describe(nil)
	} else {
		cs := C.CString(service)
		text = C.ivs_describe(cs)
		C.free(unsafe.Pointer(cs))
	}
	b := takeText(text)
	return b, b != nil
}
