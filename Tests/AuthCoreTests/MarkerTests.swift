import AuthCore
import Testing

@Suite("Auth markers")
struct MarkerTests {
  @Test("clearing removes every copy of the marker whatever its letter case")
  func clearsEveryCopy() {
    var metadata: Metadata = [
      "x-openshell-auth-source": "sandbox",
      "X-OpenShell-Auth-Source": "sandbox",
      "user-agent": "grpc-go",
      "X-OPENSHELL-AUTH-SOURCE": "user",
      "x-openshell-auth-source": "",
    ]
    metadata.clearAuthMarkers()
    #expect(metadata.entries == [Metadata.Entry(name: "user-agent", value: "grpc-go")])
    #expect(!metadata.isSandboxCaller)
  }

  @Test("marking leaves exactly one marker")
  func marksOnce() {
    var metadata: Metadata = ["X-OpenShell-Auth-Source": "sandbox", "a": "b"]
    metadata.markSandboxCaller()
    #expect(metadata.values(forName: AuthMarker.key) == ["sandbox"])
    #expect(metadata.isSandboxCaller)
  }

  @Test(
    "only one marker with the exact value counts as a sandbox caller",
    arguments: [
      [:],
      ["x-openshell-auth-source": "Sandbox"],
      ["x-openshell-auth-source": "sandbox "],
      ["x-openshell-auth-source": "sandbox", "x-openshell-auth-source": "sandbox"],
    ] as [Metadata]
  )
  func notASandboxCaller(metadata: Metadata) {
    #expect(!metadata.isSandboxCaller)
  }

  @Test("names fold only ASCII letters")
  func asciiFolding() {
    // U+017F (long s) upper-cases to S under Unicode rules; it must not match the marker.
    var metadata: Metadata = ["x-openshell-auth-\u{017F}ource": "sandbox"]
    metadata.clearAuthMarkers()
    #expect(metadata.entries.count == 1)
    #expect(!metadata.isSandboxCaller)
  }
}
