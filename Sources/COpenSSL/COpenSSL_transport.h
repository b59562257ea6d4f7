// OpenSSL wrappers the transport needs (TLS contexts, X.509 peer details).
#ifndef COPENSSL_TRANSPORT_H
#define COPENSSL_TRANSPORT_H

#endif
