#!/usr/bin/env python3
"""Makes gRPC calls with grpcio (a peer we did not write) and reports what came back.

Reads one JSON object per line on stdin:
  {"path": "/pkg.Svc/Method", "request": "<hex>", "metadata": [["k", "v"], ...],
   "kind": "unary" | "client_stream", "requests": ["<hex>", ...], "timeout": 10}
and writes one JSON object per line on stdout:
  {"code": <int>, "details": "...", "response": "<hex>" | null}

The channel is made once from the command line, so every call shares one connection:
  grpc_call.py TARGET [--ca FILE] [--cert FILE] [--key FILE] [--server-name NAME]
TARGET without --ca is plaintext (h2c).
"""
import argparse
import json
import sys

import grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--server-name")
    args = parser.parse_args()

    if args.ca:
        def read(path):
            with open(path, "rb") as handle:
                return handle.read()

        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca),
            private_key=read(args.key) if args.key else None,
            certificate_chain=read(args.cert) if args.cert else None,
        )
        options = []
        if args.server_name:
            options.append(("grpc.ssl_target_name_override", args.server_name))
        channel = grpc.secure_channel(args.target, credentials, options=options)
    else:
        channel = grpc.insecure_channel(args.target)

    for line in sys.stdin:
        request = json.loads(line)
        metadata = [tuple(pair) for pair in request.get("metadata", [])]
        timeout = request.get("timeout", 10)
        try:
            if request.get("kind") == "client_stream":
                method = channel.stream_unary(request["path"])
                payloads = [bytes.fromhex(item) for item in request["requests"]]
                response = method(iter(payloads), metadata=metadata, timeout=timeout)
            else:
                method = channel.unary_unary(request["path"])
                response = method(
                    bytes.fromhex(request.get("request", "")), metadata=metadata, timeout=timeout
                )
            result = {"code": 0, "details": "", "response": response.hex()}
        except grpc.RpcError as error:
            result = {"code": error.code().value[0], "details": error.details(), "response": None}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
