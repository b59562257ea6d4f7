// libcurl: HTTPS fetches of OIDC discovery documents and key sets. curl_easy_setopt is
// variadic, which Swift cannot call, so typed wrappers live here with a CCurl_ prefix.
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

#endif
