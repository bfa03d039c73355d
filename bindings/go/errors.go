package ivs

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Error is a failed call: every member of libivs's error JSON (ivs.h),
//
//	{"error": {"kind", "code", "message", "httpStatus", "requestId", "retryable", "attempts", "fields"}}
//
// Every error a Client returns for a call that did not succeed is an *Error (find it with errors.As),
// except one decoding the output into the caller's value, which is encoding/json's. A call cancelled
// through its context is KindCancelled and wraps the context's error, so errors.Is(err,
// context.Canceled) and errors.Is(err, context.DeadlineExceeded) hold too.
type Error struct {
	Kind       Kind   // KindService, KindValidation, ...
	Code       string // the service's error code ("ResourceNotFoundException") or libivs's ("ParamValidationError")
	Message    string
	HTTPStatus int    // the status of the service's answer; 0 when none came
	RequestID  string // the service's request id; "" when none came
	Retryable  bool   // throttling, 5xx and network failures are; they were retried before this was returned
	Attempts   int    // HTTP attempts made; 0 when nothing was sent
	// Fields is the "fields" member: the service error's other members, or "problems" for validation.
	Fields json.RawMessage
	// Problems lists every problem of a validation error (fields.problems).
	Problems []Problem
	// ResponseMetadata is the metadata of the service's answer when there was one (RequestId,
	// HTTPStatusCode, HTTPHeaders, RetryAttempts), else nil.
	ResponseMetadata json.RawMessage

	cause error
}

// Problem is one problem of a validation error: where in the input, and what.
type Problem struct {
	Path    string `json:"path"`    // e.g. "tags.myKey"
	Problem string `json:"problem"` // e.g. "Missing required parameter"
}

func (e *Error) Error() string {
	return fmt.Sprintf("ivs: %s: %s", e.Code, e.Message)
}

// Unwrap returns the context's error for a cancelled call (and ErrClosed for a closed client).
func (e *Error) Unwrap() error { return e.cause }

// ErrClosed is wrapped by the *Error of a call on a closed Client.
var ErrClosed = errors.New("ivs: the client is closed")

// errorFromJSON reads libivs's error JSON; kind is what the status says, should the text not.
func errorFromJSON(kind Kind, text []byte) *Error {
	var doc struct {
		Error struct {
			Kind       Kind            `json:"kind"`
			Code       string          `json:"code"`
			Message    string          `json:"message"`
			HTTPStatus int             `json:"httpStatus"`
			RequestID  string          `json:"requestId"`
			Retryable  bool            `json:"retryable"`
			Attempts   int             `json:"attempts"`
			Fields     json.RawMessage `json:"fields"`
		} `json:"error"`
		ResponseMetadata json.RawMessage `json:"ResponseMetadata"`
	}
	if err := json.Unmarshal(text, &doc); err != nil || doc.Error.Code == "" {
		// libivs always sends its error JSON; keep whatever came as the message.
		return &Error{Kind: kind, Code: "InternalError", Message: string(text), Fields: json.RawMessage("{}")}
	}
	e := &Error{
		Kind: kind, Code: doc.Error.Code, Message: doc.Error.Message, HTTPStatus: doc.Error.HTTPStatus,
		RequestID: doc.Error.RequestID, Retryable: doc.Error.Retryable, Attempts: doc.Error.Attempts,
		Fields: doc.Error.Fields, ResponseMetadata: doc.ResponseMetadata,
	}
	if len(e.Fields) == 0 {
		e.Fields = json.RawMessage("{}")
	}
	var fields struct {
		Problems []Problem `json:"problems"`
	}
	if json.Unmarshal(e.Fields, &fields) == nil {
		e.Problems = fields.Problems
	}
	return e
}

// invalidArgument is the *Error of an argument refused before it reaches libivs.
func invalidArgument(code, message string, cause error) *Error {
	return &Error{Kind: KindInvalidArgument, Code: code, Message: message, Fields: json.RawMessage("{}"), cause: cause}
}
