"""A grpcio peer for the transport's interoperability tests.

Run as `grpc_peer.py server CA CERT KEY` to serve the test methods over mutual TLS (prints the
port, serves until stdin closes), or `grpc_peer.py client TARGET CA CERT KEY SCENARIO` to run
one scenario against our server (exit status 0 and "PASS" on success).
"""
import sys
import threading
import time
from concurrent import futures

import grpc

NON_ASCII = "refusé: café ☕ 100%"


def ident(x):
    return x


def echo_metadata(context):
    received = [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")]
    context.send_initial_metadata(received)
    context.set_trailing_metadata([(k + "-trailer" if not k.endswith("-bin") else
                                     k[:-4] + "-trailer-bin", v) for k, v in received])


def unary(request, context):
    echo_metadata(context)
    return request


def client_stream(requests, context):
    return b"".join(requests)


def server_stream(request, context):
    for i in range(request[0]):
        yield bytes([i]) * (i + 1)


def bidi(requests, context):
    for message in requests:
        yield message


def fail(request, context):
    context.abort(grpc.StatusCode.PERMISSION_DENIED, NON_ASCII)


def sleep(request, context):
    time.sleep(5)
    return request


HANDLERS = {
    "Unary": grpc.unary_unary_rpc_method_handler(unary, ident, ident),
    "ClientStream": grpc.stream_unary_rpc_method_handler(client_stream, ident, ident),
    "ServerStream": grpc.unary_stream_rpc_method_handler(server_stream, ident, ident),
    "Bidi": grpc.stream_stream_rpc_method_handler(bidi, ident, ident),
    "Fail": grpc.unary_unary_rpc_method_handler(fail, ident, ident),
    "Sleep": grpc.unary_unary_rpc_method_handler(sleep, ident, ident),
}

OPTIONS = [
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),
    ("grpc.max_send_message_length", 16 * 1024 * 1024),
]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run_server(ca, cert, key):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), options=OPTIONS)
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("test.Echo", HANDLERS),))
    credentials = grpc.ssl_server_credentials(
        [(read(key), read(cert))], root_certificates=read(ca), require_client_auth=True)
    port = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


def expect(condition, message):
    if not condition:
        print("FAIL:", message, flush=True)
        sys.exit(1)


def run_client(target, ca, cert, key, scenario):
    credentials = grpc.ssl_channel_credentials(read(ca), read(key), read(cert))
    channel = grpc.secure_channel(target, credentials, options=OPTIONS)
    unary_call = channel.unary_unary("/test.Echo/Unary")

    if scenario == "unary":
        expect(unary_call(b"hello", timeout=10) == b"hello", "echo")
    elif scenario == "client_stream":
        call = channel.stream_unary("/test.Echo/ClientStream")
        expect(call(iter([b"a", b"bc", b"def"]), timeout=10) == b"abcdef", "concatenation")
    elif scenario == "server_stream":
        call = channel.unary_stream("/test.Echo/ServerStream")
        replies = list(call(bytes([5]), timeout=10))
        expect(replies == [bytes([i]) * (i + 1) for i in range(5)], repr(replies))
    elif scenario == "bidi":
        call = channel.stream_stream("/test.Echo/Bidi")
        sent = [bytes([i]) * 100 for i in range(20)]
        expect(list(call(iter(sent), timeout=10)) == sent, "bidi echo")
    elif scenario == "metadata":
        binary = bytes(range(256))
        response, call = unary_call.with_call(
            b"m", timeout=10, metadata=[("x-text", "value one"), ("x-data-bin", binary)])
        initial = dict(call.initial_metadata())
        trailing = dict(call.trailing_metadata())
        expect(initial.get("x-text") == "value one", repr(initial))
        expect(initial.get("x-data-bin") == binary, "binary initial metadata")
        expect(trailing.get("x-text-trailer") == "value one", repr(trailing))
        expect(trailing.get("x-data-trailer-bin") == binary, "binary trailing metadata")
    elif scenario == "large":
        payload = bytes(i % 251 for i in range(4 * 1024 * 1024))
        expect(unary_call(payload, timeout=8) == payload, "4 MiB echo")
    elif scenario == "concurrent":
        calls = [unary_call.future(b"c%d" % i, timeout=30) for i in range(100)]
        expect([c.result() for c in calls] == [b"c%d" % i for i in range(100)], "100 calls")
    elif scenario == "status":
        try:
            channel.unary_unary("/test.Echo/Fail")(b"x", timeout=10)
            expect(False, "call should fail")
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.PERMISSION_DENIED, repr(error.code()))
            expect(error.details() == NON_ASCII, repr(error.details()))
    elif scenario == "unimplemented":
        try:
            channel.unary_unary("/test.Echo/Missing")(b"x", timeout=10)
            expect(False, "call should fail")
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.UNIMPLEMENTED, repr(error.code()))
    elif scenario == "gzip":
        payload = b"z" * 100000
        response = unary_call(payload, timeout=10, compression=grpc.Compression.Gzip)
        expect(response == payload, "gzip echo")
    elif scenario == "deadline":
        try:
            channel.unary_unary("/test.Echo/Sleep")(b"x", timeout=0.3)
            expect(False, "call should time out")
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, repr(error.code()))
    else:
        expect(False, "unknown scenario " + scenario)
    channel.close()
    print("PASS", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        run_server(*sys.argv[2:5])
    else:
        run_client(*sys.argv[2:7])
