internal import Foundation

/// A JSON value as decoded from a token's header or claims, keeping numbers apart from
/// booleans (which `JSONSerialization` on Linux blurs), so `"exp": true` is refused.
enum JSONValue: Sendable, Equatable, Decodable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  /// Decodes `bytes` as a JSON object; `nil` for anything else.
  ///
  /// Known shortcoming: a key given twice keeps its first value, while jansson (inside
  /// libjwt) keeps the last, and RFC 7515 asks for refusal. It forges nothing, since the
  /// signature covers the bytes and the algorithm is pinned by the key, but whether a signed
  /// header with two `typ` values is accepted depends on their order.
  static func object(from bytes: [UInt8]) -> [String: JSONValue]? {
    guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    else { return nil }
    return object
  }

  /// The value at a dot-separated path of object keys, or `nil` when any step is missing.
  func value(atPath path: String) -> JSONValue? {
    var current = self
    for key in path.split(separator: ".") {
      guard case .object(let object) = current, let next = object[String(key)] else {
        return nil
      }
      current = next
    }
    return current
  }

  var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  var numberValue: Double? {
    if case .number(let value) = self { return value }
    return nil
  }
}
