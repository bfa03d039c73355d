package ivs

// #cgo pkg-config: ivs
// #include <ivs.h>
import "C"

// Kind is the class of a failure, as the "kind" of libivs's error JSON names it.
type Kind string

// The kinds of failure (ivs.h: each matches an ivs_status).
const (
	KindInvalidArgument Kind = "invalid_argument" // a bad argument: unknown service or operation, malformed JSON
	KindValidation      Kind = "validation"       // the input breaks the operation's model; nothing was sent
	KindConfig          Kind = "config"           // a bad client configuration
	KindCredentials     Kind = "credentials"      // no usable credentials
	KindNetwork         Kind = "network"          // DNS, connect, TLS, timeout, reset: after the retries
	KindService         Kind = "service"          // the service answered with an error
	KindInternal        Kind = "internal"         // a bug in libivs, or out of memory
	KindCancelled       Kind = "cancelled"        // the call's context was done before it finished
)

// The ivs_status values, to the kinds.
var statusKinds = map[C.ivs_status]Kind{
	C.IVS_E_INVALID_ARGUMENT: KindInvalidArgument,
	C.IVS_E_VALIDATION:       KindValidation,
	C.IVS_E_CONFIG:           KindConfig,
	C.IVS_E_CREDENTIALS:      KindCredentials,
	C.IVS_E_NETWORK:          KindNetwork,
	C.IVS_E_SERVICE:          KindService,
	C.IVS_E_INTERNAL:         KindInternal,
	C.IVS_E_CANCELLED:        KindCancelled,
}

// kindOf is the kind of a failed status (KindInternal for one this binding does not know).
func kindOf(st C.ivs_status) Kind {
	if k, ok := statusKinds[st]; ok {
		return k
	}
	return KindInternal
}

// Version is the version of the libivs.so in use, e.g. "0.1.0".
func Version() string { return C.GoString(C.ivs_version()) }
