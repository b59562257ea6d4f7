// OpenSSL wrappers the transport needs (TLS contexts, X.509 peer details).
// Most of these exist because the OpenSSL names are macros or unions Swift cannot import.
#ifndef COPENSSL_TRANSPORT_H
#define COPENSSL_TRANSPORT_H

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>
#include <string.h>

// TLS 1.2 floor, no renegotiation, no compression: the settings every context shares.
static inline int COpenSSL_transport_harden_ctx(SSL_CTX *ctx) {
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION
                               | SSL_OP_CIPHER_SERVER_PREFERENCE);
  return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

static inline int COpenSSL_transport_set_sni(SSL *ssl, const char *name) {
  return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline int COpenSSL_transport_san_count(const GENERAL_NAMES *names) {
  return sk_GENERAL_NAME_num(names);
}

// Returns the name's GEN_* type and its string payload (IA5String or OCTET STRING for IPs).
static inline int COpenSSL_transport_san_at(const GENERAL_NAMES *names, int index,
                                            const unsigned char **data, int *length) {
  const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, index);
  *data = NULL;
  *length = 0;
  if (name == NULL) return -1;
  const ASN1_STRING *value = NULL;
  switch (name->type) {
  case GEN_DNS: value = name->d.dNSName; break;
  case GEN_URI: value = name->d.uniformResourceIdentifier; break;
  case GEN_IPADD: value = name->d.iPAddress; break;
  default: break;
  }
  if (value != NULL) {
    *data = ASN1_STRING_get0_data(value);
    *length = ASN1_STRING_length(value);
  }
  return name->type;
}

static inline void COpenSSL_transport_free_general_names(GENERAL_NAMES *names) {
  GENERAL_NAMES_free(names);
}

// One-line RFC 2253 form of a name; returns the length written (truncated to capacity - 1).
static inline int COpenSSL_transport_name_oneline(const X509_NAME *name, char *buffer,
                                                  int capacity) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (bio == NULL || capacity <= 0) return -1;
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  int length = BIO_read(bio, buffer, capacity - 1);
  if (length < 0) length = 0;
  buffer[length] = 0;
  BIO_free(bio);
  return length;
}

static inline void COpenSSL_transport_free(void *pointer) {
  OPENSSL_free(pointer);
}

#endif
