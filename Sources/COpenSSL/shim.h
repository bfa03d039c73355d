/* SHA256_Init/Update/Final (deprecated in 3.0, still the fastest way to hash small buffers: no
 * provider lookup, no allocation) are used by the SigV4 hot path; keep them visible without warnings. */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 10101
#endif
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
