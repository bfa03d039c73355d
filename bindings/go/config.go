package ivs

import (
	"encoding/json"
	"time"
)

// Config is the client configuration of ivs.h (ivs_client_new). Zero fields are left out, and libivs
// then follows the AWS conventions: environment variables (AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_ENDPOINT_URL, ...), then the shared config and credentials files. Config{} is a client
// configured entirely from the environment.
type Config struct {
	Region      string
	Profile     string       // a profile of the shared config files
	Credentials *Credentials // explicit credentials, ahead of every other source
	EndpointURL string       // one endpoint for the three services, e.g. "http://127.0.0.1:4566"
	// EndpointURLs sets an endpoint per service ("ivs", "ivs-realtime", "ivschat").
	EndpointURLs         map[string]string
	UseFIPSEndpoint      bool
	UseDualstackEndpoint bool
	RetryMode            string // "standard" (the default), "adaptive" or "off"
	MaxAttempts          int    // attempts per call, the first included (default 3)
	ConnectTimeout       time.Duration
	RequestTimeout       time.Duration
	CABundle             string // a PEM file of CA certificates
	InsecureSkipVerify   bool   // do not verify TLS certificates (verifyTls false)
	Proxy                string // a proxy URL for every request
	UserAgentSuffix      string
	Validation           string // "on" (the default), "strict", "botocore" or "off"
	LogLevel             int    // 0-5 for this client's calls (see ivs.h, ivs_set_log_callback)
	SignatureVersion     string // "v4" (the default) or "unsigned"
	MaxResponseBytes     int64
	MaxPages             int   // most pages Paginate fetches
	MaxPaginateBytes     int64 // most response bytes Paginate reads in all
	MaxConnections       int   // most connections to one host (default 64)
	// CredentialProcessTimeout bounds a profile's credential_process.
	CredentialProcessTimeout time.Duration
	// Extra holds any other key of ivs.h's configuration as it is, and overrides the fields above
	// (e.g. "proxy": "" for no proxy even where HTTPS_PROXY is set). "dispatch" is the binding's own
	// and cannot be set.
	Extra map[string]any
}

// Credentials are an access key pair, with a session token for temporary credentials.
type Credentials struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken,omitempty"`
}

// milliseconds rounds a positive duration up to whole milliseconds (a 0.5 ms timeout is not "none").
func milliseconds(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// configJSON is the configuration JSON of ivs_client_new.
func (c *Config) configJSON() ([]byte, error) {
	m := map[string]any{}
	put := func(key string, v any, set bool) {
		if set {
			m[key] = v
		}
	}
	put("region", c.Region, c.Region != "")
	put("profile", c.Profile, c.Profile != "")
	put("credentials", c.Credentials, c.Credentials != nil)
	put("endpointUrl", c.EndpointURL, c.EndpointURL != "")
	put("endpointUrls", c.EndpointURLs, len(c.EndpointURLs) > 0)
	put("useFipsEndpoint", true, c.UseFIPSEndpoint)
	put("useDualstackEndpoint", true, c.UseDualstackEndpoint)
	put("retryMode", c.RetryMode, c.RetryMode != "")
	put("maxAttempts", c.MaxAttempts, c.MaxAttempts != 0)
	put("connectTimeoutMs", milliseconds(c.ConnectTimeout), c.ConnectTimeout > 0)
	put("requestTimeoutMs", milliseconds(c.RequestTimeout), c.RequestTimeout > 0)
	put("caBundle", c.CABundle, c.CABundle != "")
	put("verifyTls", false, c.InsecureSkipVerify)
	put("proxy", c.Proxy, c.Proxy != "")
	put("userAgentSuffix", c.UserAgentSuffix, c.UserAgentSuffix != "")
	put("validation", c.Validation, c.Validation != "")
	put("logLevel", c.LogLevel, c.LogLevel != 0)
	put("signatureVersion", c.SignatureVersion, c.SignatureVersion != "")
	put("maxResponseBytes", c.MaxResponseBytes, c.MaxResponseBytes != 0)
	put("maxPages", c.MaxPages, c.MaxPages != 0)
	put("maxPaginateBytes", c.MaxPaginateBytes, c.MaxPaginateBytes != 0)
	put("maxConnections", c.MaxConnections, c.MaxConnections != 0)
	put("credentialProcessTimeoutMs", milliseconds(c.CredentialProcessTimeout), c.CredentialProcessTimeout > 0)
	for k, v := range c.Extra {
		if k == "dispatch" {
			// The binding's calls wait for libivs's callbacks on its I/O thread; "manual" would
			// leave them waiting forever.
			return nil, &Error{Kind: KindConfig, Code: "InvalidConfiguration",
				Message: `"dispatch" is set by the Go binding and cannot be configured`, Fields: json.RawMessage("{}")}
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, invalidArgument("InvalidArgument", "the configuration cannot be written as JSON: "+err.Error(), err)
	}
	return b, nil
}
