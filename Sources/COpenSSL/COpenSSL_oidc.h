// OpenSSL wrappers the OIDC module needs (keys from JWK parameters, signature checks).
#ifndef COPENSSL_OIDC_H
#define COPENSSL_OIDC_H

#endif
