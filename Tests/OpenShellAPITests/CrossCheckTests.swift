import OpenShellAPI
import Testing

/// A case of `Python/peer.py` and the Swift message type and value it corresponds to.
struct PeerCase: Sendable, CustomTestStringConvertible {
  var name: String
  /// Decodes bytes with the Swift type and lists the fields that differ from the fixture.
  var compare: @Sendable ([UInt8]) throws -> [String]
  /// The fixture, encoded by the Swift encoder.
  var encodeExpected: @Sendable () -> [UInt8]
  /// Decodes bytes with the Swift type and encodes the result again.
  var roundTrip: @Sendable ([UInt8]) throws -> [UInt8]

  var testDescription: String { name }

  static func make<Message: ProtoMessage>(
    _ name: String,
    _ expected: @escaping @Sendable () -> Message
  ) -> PeerCase {
    PeerCase(
      name: name,
      compare: { bytes in fieldDifferences(try Message(serializedBytes: bytes), expected()) },
      encodeExpected: { expected().serializedBytes() },
      roundTrip: { bytes in try Message(serializedBytes: bytes).serializedBytes() }
    )
  }
}

@Suite("Cross-check with the Python protobuf runtime")
struct CrossCheckTests {
  /// Cases whose fixtures compare with `==`; NaN cases are checked separately.
  static let comparableCases: [PeerCase] = [
    .make("update_config_request", Fixtures.updateConfigRequest),
    .make("get_sandbox_config_response", Fixtures.getSandboxConfigResponse),
    .make("get_gateway_config_response", Fixtures.getGatewayConfigResponse),
    .make("sandbox_log_line", Fixtures.sandboxLogLine),
    .make("push_sandbox_logs_request", Fixtures.pushSandboxLogsRequest),
    .make("provider", Fixtures.provider),
    .make("sandbox", Fixtures.sandbox),
    .make("get_inference_bundle_response", Fixtures.getInferenceBundleResponse),
    .make("report_policy_status_request", Fixtures.reportPolicyStatusRequest),
    .make("report_policy_status_unknown", Fixtures.reportPolicyStatusUnknown),
    .make("policy_chunk", Fixtures.policyChunk),
    .make("denial_summary", Fixtures.denialSummary),
    .make("all_types_max", Fixtures.allTypesMax),
    .make("all_types_min", Fixtures.allTypesMin),
  ]

  static let allCases = comparableCases + [.make("all_types_special", Fixtures.allTypesSpecial)]

  /// Python's bytes for every case, or the reason Python could not produce them.
  private func python() throws -> PythonPeer.Encoded {
    try PythonPeer.encoded.get()
  }

  @Test("the .proto files compile with grpc_tools.protoc")
  func protosCompile() async throws {
    _ = try PythonPeer.generatedDirectory.get()
  }

  @Test(
    "bytes Python wrote decode to the expected value, field by field", arguments: comparableCases)
  func swiftDecodesPython(testCase: PeerCase) async throws {
    let differences = try testCase.compare(try python().bytes(testCase.name))
    #expect(differences.isEmpty, "\(testCase.name): \(differences.joined(separator: "; "))")
  }

  @Test("bytes Swift wrote decode in Python to the expected value, field by field")
  func pythonDecodesSwift() async throws {
    let encoded = Dictionary(
      uniqueKeysWithValues: Self.allCases.map { ($0.name, $0.encodeExpected()) })
    let report = try await PythonPeer.check(encoded)
    #expect(report.keys.sorted() == encoded.keys.sorted())
    for (name, mismatches) in report.sorted(by: { $0.key < $1.key }) {
      #expect(mismatches.isEmpty, "\(name): \(mismatches.joined(separator: "; "))")
    }
  }

  @Test(
    "Swift writes the same canonical bytes as pure-Python protobuf for the same message",
    arguments: allCases
  )
  func sameCanonicalBytes(testCase: PeerCase) async throws {
    let pure = try PythonPeer.encodedPure.get()
    #expect(Hex.encode(testCase.encodeExpected()) == Hex.encode(try pure.bytes(testCase.name)))
  }

  @Test(
    "every message Python wrote re-encodes to the same bytes, with either runtime's map order",
    arguments: allCases
  )
  func reencodeIdentical(testCase: PeerCase) async throws {
    for encoded in [try python(), try PythonPeer.encodedPure.get()] {
      let bytes = try encoded.bytes(testCase.name)
      #expect(Hex.encode(try testCase.roundTrip(bytes)) == Hex.encode(bytes))
    }
  }

  @Test("the nesting limit is the one both Python runtimes enforce, map entries included")
  func depthLimitMatchesPython() async throws {
    let keyOnly = Hex.decode("8202020a00")
    let withValue = Hex.decode("8202021200")
    let inputs: [String: [UInt8]] = [
      "100 levels": nested(depth: 100),
      "101 levels": nested(depth: 101),
      "99 levels and a map entry": nested(depth: 99, innermost: keyOnly),
      "100 levels and a map entry": nested(depth: 100, innermost: keyOnly),
      "98 levels and a map value": nested(depth: 98, innermost: withValue),
      "99 levels and a map value": nested(depth: 99, innermost: withValue),
    ]
    let swift = inputs.mapValues { bytes in (try? AllTypes(serializedBytes: bytes)) != nil }
    #expect(swift.values.contains(true) && swift.values.contains(false))
    for runtime in [nil, "python"] {
      #expect(
        try await PythonPeer.accepts(inputs, runtime: runtime) == swift,
        "runtime \(runtime ?? "upb")")
    }
  }

  @Test("input we refuse as malformed is refused by upb too, except where we are stricter")
  func malformedMatchesPython() async throws {
    // Protobuf parsers treat a known field with a mismatched wire type, and a group on an unknown
    // field, as unknown fields; our decoder refuses both on purpose.
    let stricterByDesign: Set<ProtoDecodingError.Code> = [.wrongWireType, .groupNotSupported]
    let inputs = Dictionary(
      uniqueKeysWithValues: MalformedInputTests.cases.map { ($0.name, Hex.decode($0.hex)) }
    )
    let upb = try await PythonPeer.accepts(inputs)
    for testCase in MalformedInputTests.cases where !stricterByDesign.contains(testCase.code) {
      #expect(upb[testCase.name] == false, "upb accepted \(testCase.name)")
    }
  }

  @Test("edge-case UTF-8 that is valid is accepted by us and by both Python runtimes")
  func validUTF8MatchesPython() async throws {
    let inputs: [String: [UInt8]] = [
      "U+10FFFF": Hex.decode("7204f48fbfbf"),
      "noncharacter U+FFFE": Hex.decode("7203efbfbe"),
      "NUL": Hex.decode("720100"),
      "U+0080": Hex.decode("7202c280"),
      "U+FFFD": Hex.decode("7203efbfbd"),
    ]
    for (label, bytes) in inputs {
      #expect(throws: Never.self, "\(label)") { _ = try AllTypes(serializedBytes: bytes) }
    }
    for runtime in [nil, "python"] {
      #expect(try await PythonPeer.accepts(inputs, runtime: runtime).values.allSatisfy { $0 })
    }
  }

  @Test("the Python check reports a wrong value, so the cross-check can fail")
  func checkerCatchesMismatch() async throws {
    var wrong = Fixtures.denialSummary()
    wrong.count = 1
    var wrongPolicy = Fixtures.updateConfigRequest()
    wrongPolicy.policy?.networkPolicies["github"]?.endpoints[0].ports.removeLast()

    let report = try await PythonPeer.check([
      "denial_summary": wrong.serializedBytes(),
      "update_config_request": wrongPolicy.serializedBytes(),
    ])
    #expect(report["denial_summary"]?.contains { $0.contains("count") } == true)
    #expect(report["update_config_request"]?.contains { $0.contains("ports") } == true)
  }

  @Test("NaN, infinities and negative zero from Python keep their bits")
  func specialFloats() async throws {
    let decoded = try AllTypes(serializedBytes: try python().bytes("all_types_special"))
    let expected = Fixtures.allTypesSpecial()
    #expect(decoded.fFloat.bitPattern == expected.fFloat.bitPattern)
    #expect(decoded.fDouble.bitPattern == expected.fDouble.bitPattern)
    #expect(decoded.rFloat.map(\.bitPattern) == expected.rFloat.map(\.bitPattern))
    #expect(decoded.rDouble.map(\.bitPattern) == expected.rDouble.map(\.bitPattern))
    #expect(decoded.fInt32 == -1)
    #expect(decoded.choice == .oUInt32(0))
  }

  @Test("unpacked repeated scalars from Python decode to the same values as packed ones")
  func unpackedFromPython() async throws {
    let bytes = try python().bytes("unpacked_types")
    let decoded = try AllTypes(serializedBytes: bytes)
    #expect(fieldDifferences(decoded, Fixtures.unpackedTypes()).isEmpty)
    #expect(decoded.unknownFields.isEmpty)
  }

  @Test(
    "messages with unknown fields from a newer peer re-encode to Python's exact bytes",
    arguments: [
      PeerCase.make("ext_sandbox_policy", SandboxPolicy.init),
      PeerCase.make("ext_update_config_request", UpdateConfigRequest.init),
      PeerCase.make("appended_get_sandbox_config_response", GetSandboxConfigResponse.init),
    ]
  )
  func unknownFieldsRoundTrip(testCase: PeerCase) async throws {
    // Both runtimes, because they order map entries differently and each order must survive.
    for encoded in [try python(), try PythonPeer.encodedPure.get()] {
      let bytes = try encoded.bytes(testCase.name)
      #expect(Hex.encode(try testCase.roundTrip(bytes)) == Hex.encode(bytes))
    }
  }

  @Test("a policy from a newer peer keeps unknown fields deep inside NetworkEndpoint")
  func deepUnknownFieldsFromPython() async throws {
    let policy = try SandboxPolicy(serializedBytes: try python().bytes("ext_sandbox_policy"))
    let rule = try #require(policy.networkPolicies["github"])
    let endpoint = try #require(rule.endpoints.first)

    #expect(endpoint.host == "api.github.com")
    #expect(endpoint.port == 443)
    #expect(endpoint.`protocol` == "rest")
    #expect(endpoint.allowedIPs == ["10.0.0.0/8"])
    #expect(endpoint.ports == [443, 8443])
    #expect(endpoint.path == "/v1")
    #expect(endpoint.unknownFields.bytes == (try python().bytes("ext_endpoint_unknown")))
    #expect(rule.unknownFields.bytes == Hex.decode("2005"))
    #expect(rule.endpoints[1].host == "h2")
    #expect(policy.networkPolicies["z"]?.unknownFields.bytes == Hex.decode("2009"))
    #expect(policy.filesystem?.readOnly == ["/usr"])
    #expect(!policy.unknownFields.isEmpty)
  }

  @Test("unknown fields Python appended are kept apart from the known values")
  func appendedUnknownFieldsFromPython() async throws {
    let response = try GetSandboxConfigResponse(
      serializedBytes: try python().bytes("appended_get_sandbox_config_response")
    )
    #expect(response.unknownFields.bytes == Hex.decode(Fixtures.responseUnknownHex))
    let endpoint = try #require(response.policy?.networkPolicies["github"]?.endpoints.first)
    #expect(endpoint.unknownFields.bytes == Hex.decode(Fixtures.endpointUnknownHex))

    var stripped = response
    stripped.unknownFields = UnknownFields()
    stripped.policy?.networkPolicies["github"]?.endpoints[0].unknownFields = UnknownFields()
    #expect(fieldDifferences(stripped, Fixtures.getSandboxConfigResponse()).isEmpty)
  }

  @Test("an UpdateConfigRequest from a newer peer keeps its merge operations byte for byte")
  func mergeOperationsFromPython() async throws {
    let request = try UpdateConfigRequest(
      serializedBytes: try python().bytes("ext_update_config_request")
    )
    #expect(request.name == "sandbox-1")
    #expect(request.settingValue?.value == .stringValue("v"))
    #expect(request.mergeOperations.count == 3)
    #expect(request.mergeOperations[1].unknownFields.bytes == Hex.decode("3001"))
    #expect(request.policy?.networkPolicies.count == 2)
  }
}
