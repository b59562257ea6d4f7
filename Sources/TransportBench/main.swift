import GRPCTransport
import Glibc

// The Swift side of Benchmarks/transport-bench.sh: a TLS server echoing one unary method.
let arguments = CommandLine.arguments
guard arguments.count >= 4, let port = Int(arguments[1]) else {
  print("usage: TransportBench PORT CERT KEY [LOOP-THREADS]")
  exit(2)
}

var router = Router()
router.registerUnary(
  "/bench.Bench/Echo", deserializer: RawBytesCodec(), serializer: RawBytesCodec()
) { request, _ in request }

let tls = ServerTLSConfiguration(certificateChainPath: arguments[2], privateKeyPath: arguments[3])
let threads = arguments.count > 4 ? Int(arguments[4]) ?? System.coreCount : System.coreCount
let server = try GRPCServer(
  config: .init(host: "127.0.0.1", port: port, tls: tls, eventLoopThreads: threads),
  router: router)
print("listening")
fflush(nil)
try await server.run()
