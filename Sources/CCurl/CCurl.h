// libcurl: HTTPS fetches of OIDC discovery documents and key sets. curl_easy_setopt is
// variadic, which Swift cannot call, so typed wrappers live here with a CCurl_ prefix.
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

// The signature of CURLOPT_WRITEFUNCTION, named so Swift can pass a @convention(c) closure.
typedef size_t (*CCurl_write_callback)(char *data, size_t size, size_t count, void *context);

// Sets an option whose value is a C string; curl copies it.
static inline CURLcode CCurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
  return curl_easy_setopt(handle, option, value);
}

// Sets an option whose value is a long (flags, timeouts, sizes up to 2 GiB).
static inline CURLcode CCurl_setopt_long(CURL *handle, CURLoption option, long value) {
  return curl_easy_setopt(handle, option, value);
}

// Sets an option whose value is a pointer curl hands back to a callback.
static inline CURLcode CCurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
  return curl_easy_setopt(handle, option, value);
}

// Sets CURLOPT_WRITEFUNCTION.
static inline CURLcode CCurl_setopt_write_function(CURL *handle, CCurl_write_callback callback) {
  return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

// Reads a long-valued info item such as CURLINFO_RESPONSE_CODE.
static inline CURLcode CCurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
  return curl_easy_getinfo(handle, info, value);
}

#endif
