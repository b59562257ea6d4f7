import OpenShellAPI
import Testing

@Suite("Unknown fields")
struct UnknownFieldTests {
  @Test("fields of every wire type the type does not model are kept and written back in order")
  func keptInOrder() throws {
    // HealthResponse knows 1 and 2; 3 (varint), 4 (fixed32), 5 (bytes), 6 (fixed64) and a large
    // field number are unknown.
    let unknown = "1805 2501020304 2a026869 310102030405060708 faffffff0f0100"
    let wire = Hex.decode("0801 1203312e30 " + unknown)
    let decoded = try HealthResponse(serializedBytes: wire)

    #expect(decoded.status == .healthy)
    #expect(decoded.version == "1.0")
    #expect(decoded.unknownFields.bytes == Hex.decode(unknown))
    #expect(decoded.serializedBytes() == wire)
  }

  @Test("an unknown field between two known ones is written back between them")
  func interleavedPlacement() throws {
    // NetworkEndpoint: host (1), then unknown 7, then allowed_ips (8), unknown 10, path (15),
    // unknown 16, as a peer with the full schema writes them.
    let wire = Hex.decode("0a0168 3807 4201 61 5001 7a012f 8201 0178")
    let decoded = try NetworkEndpoint(serializedBytes: wire)

    #expect(decoded.host == "h")
    #expect(decoded.allowedIPs == ["a"])
    #expect(decoded.path == "/")
    #expect(decoded.serializedBytes() == wire)
  }

  @Test("unknown fields before every known field stay first")
  func leadingUnknown() throws {
    let wire = Hex.decode("a00601 0801")
    let decoded = try HealthResponse(serializedBytes: wire)
    #expect(decoded.serializedBytes() == wire)
  }

  @Test("changing known fields keeps each unknown field right after the known field it followed")
  func mutationKeepsPlacement() throws {
    var decoded = try NetworkEndpoint(serializedBytes: Hex.decode("0a0168 3807 7a012f"))
    decoded.host = "example"
    decoded.port = 443
    #expect(Hex.encode(decoded.serializedBytes()) == "0a076578616d706c65" + "3807" + "10bb037a012f")

    decoded.path = ""
    #expect(Hex.encode(decoded.serializedBytes()) == "0a076578616d706c65" + "3807" + "10bb03")
  }

  @Test("unknown fields added in code are written after the known fields")
  func appendedInCode() {
    var endpoint = NetworkEndpoint.with { $0.host = "h" }
    endpoint.unknownFields.append(Hex.decode("3807"))
    endpoint.path = "/"
    #expect(Hex.encode(endpoint.serializedBytes()) == "0a01687a012f3807")
  }

  @Test("a merge operation is opaque: its bytes pass through untouched")
  func opaqueMergeOperations() throws {
    // Field 7 holds two PolicyMergeOperation messages whose contents our subset does not model.
    let wire = Hex.decode("0a0173 3a0512036f6c64 3a022807")
    let decoded = try UpdateConfigRequest(serializedBytes: wire)
    #expect(decoded.mergeOperations.count == 2)
    #expect(
      decoded.mergeOperations.map(\.unknownFields.bytes) == [
        Hex.decode("12036f6c64"), Hex.decode("2807"),
      ])
    #expect(decoded.serializedBytes() == wire)
  }

  @Test("a policy with unknown fields deep inside keeps its exact bytes")
  func deepPolicyRoundTrip() throws {
    // SandboxPolicy > network_policies["r"] > NetworkPolicyRule > endpoints[0] > NetworkEndpoint
    // carrying unknown fields 7 and 16, next to an unknown field 4 on the rule and 6 on the policy.
    let endpoint = "0a0168 3a0178 4a02bb03 8201 0178"
    let rule = "0a0172 120e" + endpoint + " 2005"
    let entry = "0a0172 1215" + rule
    let wire = Hex.decode("0803 2a1a" + entry + " 32036e6577")
    let decoded = try SandboxPolicy(serializedBytes: wire)

    let decodedEndpoint = try #require(decoded.networkPolicies["r"]?.endpoints.first)
    #expect(decodedEndpoint.ports == [443])
    #expect(decodedEndpoint.unknownFields.bytes == Hex.decode("3a0178 82010178"))
    #expect(decoded.networkPolicies["r"]?.unknownFields.bytes == Hex.decode("2005"))
    #expect(decoded.unknownFields.bytes == Hex.decode("32036e6577"))
    #expect(decoded.serializedBytes() == wire)
  }

  @Test("a message outside our subset passes every field through and still refuses bad input")
  func outsideSubsetMessages() throws {
    let wire = Hex.decode("0a0568656c6c6f 1001 1a03010203 210102030405060708")
    let frame = try RelayFrame(serializedBytes: wire)
    #expect(frame.unknownFields.bytes == wire)
    #expect(frame.serializedBytes() == wire)

    #expect(throws: ProtoDecodingError.self) {
      _ = try SupervisorMessage(serializedBytes: Hex.decode("0a05686869"))
    }
  }
}
