// OpenSSL wrappers and headers the development PKI (generate-certs) needs.
#ifndef COPENSSL_PKI_H
#define COPENSSL_PKI_H

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#endif
