public import Logging

#if canImport(Glibc)
  import Glibc
#endif

extension ParsedOptions {
  /// The value of `name`, treating an empty value (`OPENSHELL_TLS_CA=`) as absent.
  public func nonEmptyValue(_ name: String) -> String? {
    value(name).flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The log level `--log-level` names, or `fallback` when it is absent.
  ///
  /// - Throws: ``CommandLineError`` listing the levels when the name is not one.
  public func logLevel(default fallback: Logger.Level = .info) throws(CommandLineError)
    -> Logger.Level
  {
    guard let text = nonEmptyValue("log-level") else { return fallback }
    guard let level = Logger.Level(name: text) else {
      let names = Logger.Level.allCases.map(\.description).joined(separator: ", ")
      throw CommandLineError(
        code: .invalidValue,
        message: "--log-level '\(text)' is not one of \(names)"
      )
    }
    return level
  }
}

/// Checks at start-up that a file an option names can be read, so a typo is reported with the
/// option and the path instead of surfacing later as a TLS or parse failure.
///
/// - Parameters:
///   - path: The file.
///   - option: The option that named it, such as `--tls-key`.
/// - Throws: ``CommandLineError`` naming the option, the path and the reason.
public func requireReadableFile(_ path: String, option: String) throws(CommandLineError) {
  guard access(path, R_OK) == 0 else {
    throw CommandLineError(
      code: .invalidConfiguration,
      message: "\(option) \(path): \(String(cString: strerror(errno)))"
    )
  }
}
