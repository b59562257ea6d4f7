// OpenSSL wrappers the OIDC module needs (keys from JWK parameters, signature checks).
//
// Key construction lives here rather than in Swift because the selection and parameter
// names are macros Swift cannot import, and because every intermediate object must be freed
// on every path. Each function leaves the OpenSSL error queue for the caller to drain with
// COpenSSL_oidc_drain_errors, so the reason reaches the debug log where the failure happened.
#ifndef COPENSSL_OIDC_H
#define COPENSSL_OIDC_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <string.h>

// Builds an RSA public key from the big-endian modulus and exponent of a JWK.
// Returns NULL when OpenSSL rejects the numbers or the key fails its public check.
static inline EVP_PKEY *COpenSSL_oidc_rsa_public_key(
    const unsigned char *n, size_t n_len, const unsigned char *e, size_t e_len) {
  EVP_PKEY *key = NULL;
  BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL);
  BIGNUM *bn_e = BN_bin2bn(e, (int)e_len, NULL);
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  if (bn_n == NULL || bn_e == NULL || bld == NULL) goto done;
  if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n)) goto done;
  if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) goto done;
  params = OSSL_PARAM_BLD_to_param(bld);
  ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  if (params == NULL || ctx == NULL) goto done;
  if (EVP_PKEY_fromdata_init(ctx) <= 0) goto done;
  if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0) key = NULL;
done:
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return key;
}

// Builds an EC public key on the named curve ("P-256", "P-384", "P-521") from the JWK's
// fixed-length x and y coordinates. OpenSSL refuses a point that is not on the curve, and
// EVP_PKEY_public_check runs again to be sure: an off-curve point is a known attack.
static inline EVP_PKEY *COpenSSL_oidc_ec_public_key(
    const char *group_name, const unsigned char *x, const unsigned char *y,
    size_t coordinate_len) {
  EVP_PKEY *key = NULL;
  unsigned char point[1 + 2 * 66];
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY_CTX *check = NULL;
  if (coordinate_len == 0 || coordinate_len > 66) return NULL;
  point[0] = 0x04;  // uncompressed point: 04 || x || y
  memcpy(point + 1, x, coordinate_len);
  memcpy(point + 1 + coordinate_len, y, coordinate_len);
  bld = OSSL_PARAM_BLD_new();
  if (bld == NULL) goto done;
  if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0))
    goto done;
  if (!OSSL_PARAM_BLD_push_octet_string(
          bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * coordinate_len))
    goto done;
  params = OSSL_PARAM_BLD_to_param(bld);
  ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
  if (params == NULL || ctx == NULL) goto done;
  if (EVP_PKEY_fromdata_init(ctx) <= 0) goto done;
  if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
    key = NULL;
    goto done;
  }
  check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
  if (check == NULL || EVP_PKEY_public_check(check) != 1) {
    EVP_PKEY_free(key);
    key = NULL;
  }
done:
  EVP_PKEY_CTX_free(check);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return key;
}

// The key's size in bits (the RSA modulus length), or 0.
static inline int COpenSSL_oidc_key_bits(const EVP_PKEY *key) {
  return EVP_PKEY_get_bits(key);
}

// Writes the key as a PEM SubjectPublicKeyInfo into buf. Returns the length written, or -1
// when it does not fit or OpenSSL fails.
static inline long COpenSSL_oidc_public_key_pem(EVP_PKEY *key, char *buf, size_t cap) {
  long length = -1;
  char *data = NULL;
  BIO *bio = BIO_new(BIO_s_mem());
  if (bio == NULL) return -1;
  if (PEM_write_bio_PUBKEY(bio, key) == 1) {
    long available = BIO_get_mem_data(bio, &data);
    if (available > 0 && (size_t)available <= cap) {
      memcpy(buf, data, (size_t)available);
      length = available;
    }
  }
  BIO_free(bio);
  return length;
}

// Checks an RSA signature over message with key: RSASSA-PSS when pss is non-zero (RFC 7518
// section 3.5: MGF1 with the same digest, salt as long as the digest), RSASSA-PKCS1-v1_5
// otherwise. digest_name is "SHA256", "SHA384" or "SHA512".
// Returns 1 for a good signature, 0 for a bad one, -1 when OpenSSL fails.
static inline int COpenSSL_oidc_verify_rsa(
    EVP_PKEY *key, const char *digest_name, int pss, const unsigned char *message,
    size_t message_len, const unsigned char *signature, size_t signature_len) {
  int result = -1;
  EVP_PKEY_CTX *pctx = NULL;
  EVP_MD_CTX *mctx = EVP_MD_CTX_new();
  EVP_MD *md = EVP_MD_fetch(NULL, digest_name, NULL);
  if (mctx == NULL || md == NULL) goto done;
  if (EVP_DigestVerifyInit_ex(mctx, &pctx, digest_name, NULL, NULL, key, NULL) != 1) goto done;
  if (pss) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1) goto done;
    if (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) goto done;
    if (EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1) goto done;
  } else if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    goto done;
  }
  result = EVP_DigestVerify(mctx, signature, signature_len, message, message_len) == 1 ? 1 : 0;
done:
  EVP_MD_free(md);
  EVP_MD_CTX_free(mctx);
  return result;
}

// Verifies an ES256/384/512 signature. A JWS carries ECDSA signatures as r || s, each
// half_len bytes big-endian (RFC 7518 section 3.4); OpenSSL verifies the DER form, so the
// halves go through ECDSA_SIG and i2d_ECDSA_SIG first. Returns 1, 0 or -1 as above; a
// signature whose length is not 2 * half_len does not verify.
static inline int COpenSSL_oidc_verify_ecdsa_jws(
    EVP_PKEY *key, const char *digest_name, size_t half_len, const unsigned char *message,
    size_t message_len, const unsigned char *signature, size_t signature_len) {
  if (half_len == 0 || signature_len != 2 * half_len) return 0;
  int result = -1;
  unsigned char *der = NULL;
  EVP_MD_CTX *mctx = NULL;
  ECDSA_SIG *sig = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(signature, (int)half_len, NULL);
  BIGNUM *s = BN_bin2bn(signature + half_len, (int)half_len, NULL);
  if (sig == NULL || r == NULL || s == NULL) goto done;
  if (ECDSA_SIG_set0(sig, r, s) != 1) goto done;
  r = NULL;  // owned by sig now
  s = NULL;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  if (der_len <= 0) goto done;
  mctx = EVP_MD_CTX_new();
  if (mctx == NULL) goto done;
  if (EVP_DigestVerifyInit_ex(mctx, NULL, digest_name, NULL, NULL, key, NULL) != 1) goto done;
  result = EVP_DigestVerify(mctx, der, (size_t)der_len, message, message_len) == 1 ? 1 : 0;
done:
  EVP_MD_CTX_free(mctx);
  OPENSSL_free(der);
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return result;
}

// SHA-256 of data into out (32 bytes). Returns 1 on success.
// With `md` NULL this hashes through EVP_sha256(), which makes every call fetch the provider's
// implementation again; callers that hash often pass one fetched with EVP_MD_fetch once.
static inline int COpenSSL_oidc_sha256(const EVP_MD *md, const void *data, size_t len,
                                       unsigned char *out) {
  unsigned int out_len = 0;
  return EVP_Digest(data, len, out, &out_len, md ? md : EVP_sha256(), NULL);
}

// Empties this thread's OpenSSL error queue into buf as "reason; reason", so one failure's
// errors never leak into the next call's report. Returns the number of errors drained.
static inline int COpenSSL_oidc_drain_errors(char *buf, size_t cap) {
  int count = 0;
  size_t used = 0;
  unsigned long code;
  if (cap > 0) buf[0] = '\0';
  while ((code = ERR_get_error()) != 0) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    size_t line_len = strlen(line);
    if (cap > 0 && used + line_len + 3 < cap) {
      if (used > 0) {
        memcpy(buf + used, "; ", 2);
        used += 2;
      }
      memcpy(buf + used, line, line_len);
      used += line_len;
      buf[used] = '\0';
    }
    count++;
  }
  return count;
}

#endif
