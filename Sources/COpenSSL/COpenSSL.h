// Umbrella for OpenSSL 3. Wrappers for macros and for calls Swift cannot import live in one
// header per consumer so the transport and OIDC code can grow them independently; every
// name is prefixed COpenSSL_.
#ifndef COPENSSL_H
#define COPENSSL_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "COpenSSL_transport.h"
#include "COpenSSL_oidc.h"
#include "COpenSSL_pki.h"

#endif
