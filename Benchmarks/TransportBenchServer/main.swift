// The server side of Benchmarks/transport-bench.sh: GRPCTransport serving one unary method,
// `/bench.Echo/Unary`, over TLS, answering each request with its own bytes. It prints
// `listening on 127.0.0.1:PORT` once the port accepts connections, then serves until killed.
//
// Usage: transport-bench-server CERT KEY [PORT]   (PORT defaults to 0, the system's choice)

import Foundation
import GRPCTransport

let arguments = CommandLine.arguments
guard arguments.count == 3 || arguments.count == 4 else {
  FileHandle.standardError.write(
    Data("usage: transport-bench-server CERT KEY [PORT]\n".utf8))
  exit(2)
}
let port = arguments.count == 4 ? Int(arguments[3]) ?? 0 : 0

var router = Router()
router.registerUnary(
  "/bench.Echo/Unary", deserializer: RawBytesCodec(), serializer: RawBytesCodec()
) { request, _ in request }

let server = try GRPCServer(
  config: GRPCServer.Config(
    host: "127.0.0.1",
    port: port,
    tls: ServerTLSConfiguration(certificateChainPath: arguments[1], privateKeyPath: arguments[2])
  ),
  router: router
)

// Written straight to the descriptor so a script reading a pipe sees it at once.
FileHandle.standardOutput.write(Data("listening on 127.0.0.1:\(server.port)\n".utf8))
try await server.run()
