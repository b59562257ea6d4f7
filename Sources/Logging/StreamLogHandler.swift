#if canImport(Glibc)
  import Glibc
#endif

/// A handler that writes one line per record to standard error, for executables.
///
/// Lines look like `2026-12-03T18:00:00Z warning openshell.gateway: message key=value`,
/// with metadata sorted by key so that lines are stable to grep.
public struct StreamLogHandler: LogHandler {
  /// The lowest level written.
  public let logLevel: Logger.Level

  /// Creates a handler writing to standard error.
  ///
  /// - Parameter logLevel: The lowest level written; defaults to ``Logger/Level/info``.
  public init(logLevel: Logger.Level = .info) {
    self.logLevel = logLevel
  }

  /// Formats `record` and writes it with a single `write(2)`, so lines from
  /// concurrent threads never interleave mid-line.
  public func log(_ record: LogRecord) {
    var bytes = Array(Self.line(for: record, timestamp: Self.timestamp()).utf8)
    bytes.withUnsafeMutableBytes { buffer in
      _ = write(2, buffer.baseAddress, buffer.count)
    }
  }

  /// The line written for `record`, newline included.
  ///
  /// Control characters in the message and in metadata values are escaped: a caller-chosen
  /// value (a path, a certificate or token subject) can neither forge a second line nor
  /// send terminal escape sequences to whoever reads the log.
  static func line(for record: LogRecord, timestamp: String) -> String {
    let message = escaped(record.message, backslashes: true)
    var line = "\(timestamp) \(record.level) \(record.label): \(message)"
    for key in record.metadata.keys.sorted() {
      line += " \(key)=\(quoted(record.metadata[key]!))"
    }
    return line + "\n"
  }

  private static func quoted(_ value: String) -> String {
    let needsQuotes =
      value.isEmpty
      || value.unicodeScalars.contains { " \"=\\".unicodeScalars.contains($0) || isControl($0) }
    guard needsQuotes else { return value }
    return "\"" + escaped(value, quotes: true, backslashes: true) + "\""
  }

  /// Escapes control characters, and optionally quotes and backslashes, so that an escape
  /// in the output always came from this function.
  private static func escaped(
    _ text: String, quotes: Bool = false, backslashes: Bool = false
  ) -> String {
    guard
      text.unicodeScalars.contains(where: {
        isControl($0) || (quotes && $0 == "\"") || (backslashes && $0 == "\\")
      })
    else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"" where quotes, "\\" where backslashes: result += "\\\(scalar)"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where isControl(scalar):
        result += "\\u{\(String(scalar.value, radix: 16))}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the
  /// bidirectional embeddings, overrides and isolates, which reorder how the rest of a line
  /// is displayed.
  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E,
      0x2066...0x2069:
      true
    default:
      false
    }
  }

  private static func timestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int = 2) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))"
      + "T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
  }
}
