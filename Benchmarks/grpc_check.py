#!/usr/bin/env python3
"""One unary call with grpcio, so a benchmark of refusals cannot pass as a benchmark of answers.

h2load counts HTTP statuses, and a refused gRPC call is still HTTP 200 (the refusal is in the
grpc-status trailer). Before a script measures a target it calls the same path with the same
request bytes through grpcio and insists on grpc-status 0.

  grpc_check.py --port PORT --ca CA.pem --path /pkg.Service/Method --body FRAME_FILE
                [--token JWT] [--expect-echo] [--wait SECONDS]

FRAME_FILE is the gRPC-framed request h2load sends (1 flag byte, 4-byte big-endian length,
message). With --wait the call is retried while the server answers UNAVAILABLE (the gateway
loads its OIDC keys in the background). Prints one line and exits 0 only on grpc-status 0.
"""
import argparse
import struct
import sys
import time

import grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--body", required=True)
    parser.add_argument("--token")
    parser.add_argument("--expect-echo", action="store_true")
    parser.add_argument("--wait", type=float, default=0)
    args = parser.parse_args()

    with open(args.body, "rb") as handle:
        frame = handle.read()
    flag, length = struct.unpack(">BI", frame[:5])
    message = frame[5:]
    if flag != 0 or length != len(message):
        sys.exit(f"grpc_check: {args.body} is not one uncompressed gRPC frame")
    with open(args.ca, "rb") as handle:
        credentials = grpc.ssl_channel_credentials(root_certificates=handle.read())

    metadata = [("authorization", f"Bearer {args.token}")] if args.token else []
    deadline = time.monotonic() + args.wait
    with grpc.secure_channel(
        f"127.0.0.1:{args.port}",
        credentials,
        options=[("grpc.ssl_target_name_override", "localhost")],
    ) as channel:
        call = channel.unary_unary(args.path)  # no serializers: bytes in, bytes out
        while True:
            try:
                response = call(message, metadata=metadata, timeout=10)
                break
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.UNAVAILABLE and time.monotonic() < deadline:
                    time.sleep(0.2)
                    continue
                sys.exit(
                    f"grpc_check: {args.path} on port {args.port} answered "
                    f"{error.code().name}: {error.details()}"
                )

    if args.expect_echo and response != message:
        sys.exit(f"grpc_check: {args.path} did not echo the request")
    print(f"grpcio: {args.path} on port {args.port}: grpc-status 0 (OK), "
          f"{len(response)}-byte response")


if __name__ == "__main__":
    main()
