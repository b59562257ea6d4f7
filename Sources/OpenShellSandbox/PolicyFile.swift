public import Foundation
public import OpenShellAPI

/// Reads a sandbox policy from a JSON file, in protobuf's JSON form.
///
/// Field names are accepted in both spellings protobuf's JSON mapping allows (`read_only` and
/// `readOnly`). Unknown keys and wrongly typed values are errors that name the key: a typo in
/// a policy must not silently drop a rule.
public enum PolicyFile {
  /// Loads and parses `path`.
  ///
  /// - Parameter path: The JSON file.
  /// - Returns: The policy.
  /// - Throws: ``PolicyFileError`` naming the file and the offending key.
  public static func load(_ path: String) throws(PolicyFileError) -> SandboxPolicy {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw PolicyFileError("cannot read the policy file \(path): \(error.localizedDescription)")
    }
    do {
      return try parse(data)
    } catch {
      throw PolicyFileError("\(path): \(error.message)")
    }
  }

  /// Parses a policy from JSON bytes.
  ///
  /// - Parameter data: The JSON document.
  /// - Returns: The policy.
  /// - Throws: ``PolicyFileError`` naming the offending key.
  public static func parse(_ data: Data) throws(PolicyFileError) -> SandboxPolicy {
    let root: Any
    do {
      root = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw PolicyFileError("not valid JSON: \(error.localizedDescription)")
    }
    var reader = try Reader(root, at: "policy")
    var policy = SandboxPolicy()
    policy.version = try reader.uint32("version") ?? 0
    if let filesystem = try reader.object("filesystem") {
      var fields = filesystem
      var value = FilesystemPolicy()
      value.includeWorkdir = try fields.bool("include_workdir") ?? false
      value.readOnly = try fields.strings("read_only") ?? []
      value.readWrite = try fields.strings("read_write") ?? []
      try fields.finish()
      policy.filesystem = value
    }
    if let landlock = try reader.object("landlock") {
      var fields = landlock
      var value = LandlockPolicy()
      value.compatibility = try fields.string("compatibility") ?? ""
      try fields.finish()
      policy.landlock = value
    }
    if let process = try reader.object("process") {
      var fields = process
      var value = ProcessPolicy()
      value.runAsUser = try fields.string("run_as_user") ?? ""
      value.runAsGroup = try fields.string("run_as_group") ?? ""
      try fields.finish()
      policy.process = value
    }
    if let rules = try reader.object("network_policies") {
      var map = ProtoMap<String, NetworkPolicyRule>()
      for key in rules.keys {
        var fields = try Reader(rules.raw[key]!, at: "\(rules.path).\(key)")
        map[key] = try networkRule(&fields)
      }
      policy.networkPolicies = map
    }
    try reader.finish()
    return policy
  }

  private static func networkRule(_ fields: inout Reader) throws(PolicyFileError)
    -> NetworkPolicyRule
  {
    var rule = NetworkPolicyRule()
    rule.name = try fields.string("name") ?? ""
    for var endpointFields in try fields.objects("endpoints") ?? [] {
      var endpoint = NetworkEndpoint()
      endpoint.host = try endpointFields.string("host") ?? ""
      endpoint.port = try endpointFields.uint32("port") ?? 0
      endpoint.protocol = try endpointFields.string("protocol") ?? ""
      endpoint.tls = try endpointFields.string("tls") ?? ""
      endpoint.enforcement = try endpointFields.string("enforcement") ?? ""
      endpoint.access = try endpointFields.string("access") ?? ""
      endpoint.allowedIPs = try endpointFields.strings("allowed_ips") ?? []
      endpoint.ports = try endpointFields.uint32s("ports") ?? []
      endpoint.path = try endpointFields.string("path") ?? ""
      try endpointFields.finish()
      rule.endpoints.append(endpoint)
    }
    for var binaryFields in try fields.objects("binaries") ?? [] {
      var binary = NetworkBinary()
      binary.path = try binaryFields.string("path") ?? ""
      try binaryFields.finish()
      rule.binaries.append(binary)
    }
    try fields.finish()
    return rule
  }
}

/// Why a policy file could not be used.
public struct PolicyFileError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What is wrong, naming the file or key.
  public var message: String

  init(_ message: String) {
    self.message = message
  }

  /// The message.
  public var description: String { message }
}

/// Reads one JSON object, tracking which keys were used so leftovers can be refused.
private struct Reader {
  let raw: [String: Any]
  let path: String
  private var used: Set<String> = []

  var keys: [String] { raw.keys.sorted() }

  init(_ value: Any, at path: String) throws(PolicyFileError) {
    guard let object = value as? [String: Any] else {
      throw PolicyFileError("\(path) must be a JSON object")
    }
    self.raw = object
    self.path = path
  }

  /// The value under `name` or its lowerCamelCase spelling.
  private mutating func value(_ name: String) throws(PolicyFileError) -> Any? {
    let camel = Self.camelCase(name)
    if raw[name] != nil, camel != name, raw[camel] != nil {
      throw PolicyFileError("\(path) has both '\(name)' and '\(camel)'")
    }
    for key in [name, camel] {
      if let value = raw[key] {
        used.insert(key)
        return value is NSNull ? nil : value
      }
    }
    return nil
  }

  mutating func string(_ name: String) throws(PolicyFileError) -> String? {
    guard let value = try value(name) else { return nil }
    guard let text = value as? String else { throw typeError(name, "a string") }
    return text
  }

  mutating func bool(_ name: String) throws(PolicyFileError) -> Bool? {
    guard let value = try value(name) else { return nil }
    guard let number = value as? NSNumber, Self.isBoolean(number) else {
      throw typeError(name, "true or false")
    }
    return number.boolValue
  }

  mutating func uint32(_ name: String) throws(PolicyFileError) -> UInt32? {
    guard let value = try value(name) else { return nil }
    return try Self.uint32(value, "\(path).\(name)")
  }

  mutating func strings(_ name: String) throws(PolicyFileError) -> [String]? {
    guard let value = try value(name) else { return nil }
    guard let list = value as? [Any], let texts = list as? [String], texts.count == list.count
    else { throw typeError(name, "a list of strings") }
    return texts
  }

  mutating func uint32s(_ name: String) throws(PolicyFileError) -> [UInt32]? {
    guard let value = try value(name) else { return nil }
    guard let list = value as? [Any] else { throw typeError(name, "a list of numbers") }
    var numbers: [UInt32] = []
    for (index, item) in list.enumerated() {
      numbers.append(try Self.uint32(item, "\(path).\(name)[\(index)]"))
    }
    return numbers
  }

  mutating func object(_ name: String) throws(PolicyFileError) -> Reader? {
    guard let value = try value(name) else { return nil }
    return try Reader(value, at: "\(path).\(name)")
  }

  mutating func objects(_ name: String) throws(PolicyFileError) -> [Reader]? {
    guard let value = try value(name) else { return nil }
    guard let list = value as? [Any] else { throw typeError(name, "a list of objects") }
    var readers: [Reader] = []
    for (index, item) in list.enumerated() {
      readers.append(try Reader(item, at: "\(path).\(name)[\(index)]"))
    }
    return readers
  }

  func finish() throws(PolicyFileError) {
    if let extra = raw.keys.sorted().first(where: { !used.contains($0) }) {
      throw PolicyFileError("\(path) has an unknown key '\(extra)'")
    }
  }

  private func typeError(_ name: String, _ expected: String) -> PolicyFileError {
    PolicyFileError("\(path).\(name) must be \(expected)")
  }

  private static func uint32(_ value: Any, _ path: String) throws(PolicyFileError) -> UInt32 {
    // Protobuf's JSON form allows numbers as strings too.
    if let number = value as? NSNumber, !isBoolean(number) {
      let double = number.doubleValue
      guard double >= 0, double <= Double(UInt32.max), double.rounded() == double else {
        throw PolicyFileError("\(path) must be a whole number from 0 to \(UInt32.max)")
      }
      return UInt32(double)
    }
    if let text = value as? String, let number = UInt32(text) { return number }
    throw PolicyFileError("\(path) must be a whole number from 0 to \(UInt32.max)")
  }

  /// JSONSerialization hands back `true` and `false` as numbers whose type code is `c`; JSON
  /// numbers never get that code, so it tells a boolean from 1 and 0.
  private static func isBoolean(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c"
  }

  private static func camelCase(_ name: String) -> String {
    let parts = name.split(separator: "_")
    return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }
      .joined()
  }
}
