import AuthCore
import Foundation
import OpenShellAPI
import Testing

/// Every RPC declared in the repository's `.proto` files, read from the files themselves.
private func rpcPathsInProtos() throws -> [String] {
  let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Protos")
  let files =
    FileManager.default.enumerator(atPath: root.path)?
    .compactMap { $0 as? String }
    .filter { $0.hasSuffix(".proto") } ?? []

  var paths: [String] = []
  for file in files {
    let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
    var package = ""
    var service: String?
    for rawLine in text.split(separator: "\n") {
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      let words = line.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ";" })
      guard let first = words.first else { continue }
      switch first {
      case "package": package = String(words[1])
      case "service": service = String(words[1])
      case "rpc":
        let name = try #require(service, "rpc outside a service in \(file)")
        paths.append("/\(package).\(name)/\(words[1])")
      case "}" where line == "}": service = nil
      default: break
      }
    }
  }
  return paths.sorted()
}

@Suite("Method table covers the API")
struct ProtoCoverageTests {
  @Test("every RPC in the .proto files has an entry in the method table")
  func everyProtoRPC() throws {
    let paths = try rpcPathsInProtos()
    #expect(paths.count > 50, "found only \(paths.count) RPCs; is the Protos folder missing?")
    let missing = paths.filter { MethodTable.openShell.rule(forPath: $0) == nil }
    #expect(missing.isEmpty, "no auth rule for \(missing)")
  }

  @Test("the table names no method that the .proto files lack")
  func noPhantomMethods() throws {
    let declared = Set(try rpcPathsInProtos())
    let phantom = MethodTable.openShell.exactPaths.filter { !declared.contains($0) }
    #expect(phantom.isEmpty, "table entries with no RPC: \(phantom)")
  }

  @Test("the API module's method list agrees with the .proto files")
  func apiModuleAgrees() throws {
    #expect(RPCMethods.all.map(\.path).sorted() == (try rpcPathsInProtos()))
  }
}
