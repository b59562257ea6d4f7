#!/usr/bin/env python3
"""A local OIDC issuer for the OIDC module's tests.

Serves discovery and a JWK set over HTTPS (or plain HTTP with --plain) on 127.0.0.1 and a
port the kernel picks, and mints tokens with PyJWT and keys from `cryptography` generated at
start. A library we did not write produces every token the tests verify.

Protocol: the first line on stdout is {"port": N}. Then each line on stdin is one JSON
command and gets exactly one JSON line back on stdout:

  {"cmd": "mint", "key": "rsa", "alg": "RS256", "claims": {...}, "header": {...}}
      header entries override the defaults (kid of the key, typ JWT); a null value
      removes the entry. -> {"token": "..."}
  {"cmd": "hs256_with_public_key", "key": "rsa", "claims": {...}}
      an HS256 token whose HMAC secret is the key's public PEM -> {"token": "..."}
  {"cmd": "duplicate_alg", "key": "rsa", "claims": {...}}
      a header with alg twice (RS256, then HS256), HMAC-signed with the public PEM
  {"cmd": "unsigned", "claims": {...}, "signature": "..."}
      an alg "none" token with the given signature segment -> {"token": "..."}
  {"cmd": "rotate", "key": "rsa", "keep_old": false}
      replaces the named key with a new one under a new kid -> {"kid": "..."}
  {"cmd": "stats"} -> {"discovery": n, "jwks": n}
  {"cmd": "stall", "seconds": 5}: wait that long before answering each request
  {"cmd": "down"} / {"cmd": "up"}: answer 503 to everything / serve again -> {}
  {"cmd": "configure", "advertised_issuer": "...", "jwks_uri": "..."}: lie in discovery
  {"cmd": "kid", "key": "rsa"} -> {"kid": "..."}

End of stdin stops the server.
"""

import argparse
import base64
import hashlib
import hmac
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def int_bytes(value: int, length: int = 0) -> bytes:
    length = length or (value.bit_length() + 7) // 8
    return value.to_bytes(length, "big")


class Key:
    """One signing key and how it is published."""

    def __init__(self, kind: str, kid: str, pin: str = None, published: bool = True):
        self.kind = kind
        self.kid = kid
        self.pin = pin
        self.published = published
        if kind == "rsa":
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            curve = {"ec256": ec.SECP256R1(), "ec384": ec.SECP384R1(), "ec521": ec.SECP521R1()}
            self.private = ec.generate_private_key(curve[kind])

    def jwk(self) -> dict:
        public = self.private.public_key().public_numbers()
        if self.kind == "rsa":
            entry = {"kty": "RSA", "n": b64url(int_bytes(public.n)), "e": b64url(int_bytes(public.e))}
        else:
            crv, size = {"ec256": ("P-256", 32), "ec384": ("P-384", 48), "ec521": ("P-521", 66)}[
                self.kind
            ]
            entry = {
                "kty": "EC",
                "crv": crv,
                "x": b64url(int_bytes(public.x, size)),
                "y": b64url(int_bytes(public.y, size)),
            }
        entry["kid"] = self.kid
        entry["use"] = "sig"
        if self.pin:
            entry["alg"] = self.pin
        return entry

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class Issuer:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys = {
            "rsa": Key("rsa", "rsa-1"),
            "ec256": Key("ec256", "ec256-1", pin="ES256"),
            "ec384": Key("ec384", "ec384-1"),
            "ec521": Key("ec521", "ec521-1", pin="ES512"),
            "rsa-ps": Key("rsa", "rsa-ps-1", pin="PS256"),
            "stray": Key("rsa", "stray-1", published=False),
            "stray-ec256": Key("ec256", "stray-ec256-1", published=False),
        }
        self.retired = []
        self.generation = 1
        self.hits = {"discovery": 0, "jwks": 0}
        self.down = False
        self.stall = 0
        self.advertised_issuer = None
        self.jwks_uri = None
        self.base_url = None

    def jwks(self) -> dict:
        with self.lock:
            published = [k for k in self.keys.values() if k.published] + self.retired
            return {"keys": [k.jwk() for k in published]}

    def discovery(self) -> dict:
        with self.lock:
            return {
                "issuer": self.advertised_issuer or self.base_url,
                "jwks_uri": self.jwks_uri or self.base_url + "/jwks",
                "id_token_signing_alg_values_supported": ["RS256", "PS256", "ES256"],
            }

    def handle(self, command: dict) -> dict:
        name = command["cmd"]
        if name == "mint":
            key = self.keys[command["key"]]
            header = {"kid": key.kid, "typ": "JWT"}
            header.update(command.get("header", {}))
            header = {k: v for k, v in header.items() if v is not None}
            key_pem = key.private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            token = jwt.encode(
                command["claims"], key_pem, algorithm=command["alg"], headers=header
            )
            return {"token": token}
        if name == "hs256_with_public_key":
            key = self.keys[command["key"]]
            header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.kid}).encode())
            payload = b64url(json.dumps(command["claims"]).encode())
            signing_input = f"{header}.{payload}".encode()
            signature = hmac.new(key.public_pem(), signing_input, hashlib.sha256).digest()
            return {"token": f"{header}.{payload}.{b64url(signature)}"}
        if name == "duplicate_alg":
            # Two alg entries: a parser that keeps the first sees RS256, one that keeps the
            # last (jansson, inside libjwt) sees HS256 and checks an HMAC keyed with the PEM.
            key = self.keys[command["key"]]
            header = b64url(
                ('{"alg":"RS256","kid":"%s","alg":"HS256"}' % key.kid).encode()
            )
            payload = b64url(json.dumps(command["claims"]).encode())
            signing_input = f"{header}.{payload}".encode()
            signature = hmac.new(key.public_pem(), signing_input, hashlib.sha256).digest()
            return {"token": f"{header}.{payload}.{b64url(signature)}"}
        if name == "unsigned":
            header = b64url(json.dumps({"alg": "none", "typ": "JWT", "kid": "rsa-1"}).encode())
            payload = b64url(json.dumps(command["claims"]).encode())
            return {"token": f"{header}.{payload}.{command.get('signature', '')}"}
        if name == "rotate":
            with self.lock:
                old = self.keys[command["key"]]
                self.generation += 1
                new = Key(old.kind, f"{command['key']}-{self.generation}", pin=old.pin)
                self.keys[command["key"]] = new
                if command.get("keep_old"):
                    self.retired.append(old)
            return {"kid": new.kid}
        if name == "kid":
            return {"kid": self.keys[command["key"]].kid}
        if name == "stats":
            with self.lock:
                return dict(self.hits)
        if name == "stall":
            self.stall = command.get("seconds", 0)
            return {}
        if name == "down":
            self.down = True
            return {}
        if name == "up":
            self.down = False
            return {}
        if name == "configure":
            with self.lock:
                self.advertised_issuer = command.get("advertised_issuer")
                self.jwks_uri = command.get("jwks_uri")
            return {}
        return {"error": f"unknown command {name}"}


def make_handler(issuer: Issuer):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if issuer.stall:
                time.sleep(issuer.stall)
            if issuer.down:
                self._send(503, {"error": "down for the test"})
                return
            if self.path == "/.well-known/openid-configuration":
                with issuer.lock:
                    issuer.hits["discovery"] += 1
                self._send(200, issuer.discovery())
            elif self.path == "/jwks":
                with issuer.lock:
                    issuer.hits["jwks"] += 1
                self._send(200, issuer.jwks())
            elif self.path == "/huge":
                self._send(200, {"keys": [], "padding": "x" * (2 << 20)})
            else:
                self._send(404, {"error": "not found"})

        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up, as the size-limit test makes it do

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()

    issuer = Issuer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(issuer))
    server.daemon_threads = True
    scheme = "http"
    if not args.plain:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    port = server.server_address[1]
    issuer.base_url = f"{scheme}://127.0.0.1:{port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()

    print(json.dumps({"port": port}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            reply = issuer.handle(json.loads(line))
        except Exception as error:  # the test reads the error instead of hanging
            reply = {"error": repr(error)}
        print(json.dumps(reply), flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
