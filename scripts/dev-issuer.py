#!/usr/bin/env python3
"""A development OIDC issuer for the quickstart: discovery and JWKS on loopback, and tokens
for a demo user. Never for production: it has no login, it mints whatever it is asked to.

  dev-issuer.py serve --state-dir DIR [--port 0]
      Serves http://127.0.0.1:PORT/.well-known/openid-configuration and /jwks, and prints
      'issuer http://127.0.0.1:PORT' once it accepts connections.
  dev-issuer.py token --state-dir DIR --issuer URL --user NAME [--role R]... [--ttl SECS]
      Prints an RS256 access token for NAME signed with the issuer's key.

The signing key lives in DIR/issuer-key.pem (mode 0600) so that tokens minted later verify
against a server started earlier. Tokens are signed by PyJWT, not by this project's code.
"""
import argparse
import base64
import json
import os
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def load_key(state_dir):
    path = os.path.join(state_dir, "issuer-key.pem")
    if not os.path.exists(path):
        os.makedirs(state_dir, mode=0o700, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    with open(path, "rb") as handle:
        return serialization.load_pem_private_key(handle.read(), password=None)


def b64url_uint(number):
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def key_id(key):
    numbers = key.public_key().public_numbers()
    return b64url_uint(numbers.n)[:16]


def jwks(key):
    numbers = key.public_key().public_numbers()
    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": key_id(key),
                "n": b64url_uint(numbers.n),
                "e": b64url_uint(numbers.e),
            }
        ]
    }


def serve(args):
    key = load_key(args.state_dir)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            issuer = f"http://127.0.0.1:{self.server.server_port}"
            if self.path == "/.well-known/openid-configuration":
                body = {"issuer": issuer, "jwks_uri": f"{issuer}/jwks"}
            elif self.path == "/jwks":
                body = jwks(key)
            else:
                self.send_error(404)
                return
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *values):
            sys.stderr.write("dev-issuer: " + (format % values) + "\n")

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"issuer http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def token(args):
    key = load_key(args.state_dir)
    now = int(time.time())
    claims = {
        "iss": args.issuer,
        "aud": args.audience,
        "sub": args.user,
        "preferred_username": args.user,
        "realm_access": {"roles": args.role},
        "scope": " ".join(["openid"] + args.scope),
        "iat": now,
        "nbf": now,
        "exp": now + args.ttl,
        "jti": str(uuid.uuid4()),
    }
    print(jwt.encode(claims, key, algorithm="RS256", headers={"kid": key_id(key)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("--state-dir", required=True)
    serve_parser.add_argument("--port", type=int, default=0)
    token_parser = commands.add_parser("token")
    token_parser.add_argument("--state-dir", required=True)
    token_parser.add_argument("--issuer", required=True)
    token_parser.add_argument("--user", required=True)
    token_parser.add_argument("--role", action="append", default=[])
    token_parser.add_argument("--scope", action="append", default=[])
    token_parser.add_argument("--audience", default="openshell-cli")
    token_parser.add_argument("--ttl", type=int, default=3600)
    args = parser.parse_args()
    serve(args) if args.command == "serve" else token(args)


if __name__ == "__main__":
    main()
