/// Options as parsed from the command line and the environment; a flag wins over its
/// variable.
public struct ParsedOptions: Sendable {
  /// Every value given for each option name, flag values first in command-line order.
  public var values: [String: [String]] = [:]

  /// Arguments that are not options, in order.
  public var positionals: [String] = []

  /// Warnings to show the operator, such as a removed option's variable still being set.
  public var warnings: [String] = []

  /// The last value of `name`, or `nil` when it was not given.
  public func value(_ name: String) -> String? {
    values[name]?.last
  }

  /// Every value of a repeatable option.
  public func allValues(_ name: String) -> [String] {
    values[name] ?? []
  }

  /// Whether a flag is on.
  public func isSet(_ name: String) -> Bool {
    value(name) == "true"
  }
}

/// Parses `--name value`, `--name=value` and boolean `--name` options, with an environment
/// variable behind each, and refuses removed options with their migration hint.
public struct CommandLineParser: Sendable {
  /// The options accepted.
  public let options: [OptionSpec]

  /// The options that were removed.
  public let removed: [RemovedOption]

  /// Creates a parser.
  ///
  /// - Parameters:
  ///   - options: The options accepted.
  ///   - removed: Removed options; defaults to the SSH handshake options.
  public init(options: [OptionSpec], removed: [RemovedOption] = RemovedOption.sshHandshake) {
    self.options = options
    self.removed = removed
  }

  /// Parses `arguments` (without the executable's name) over `environment`.
  ///
  /// - Parameters:
  ///   - arguments: The command-line arguments after the executable and any subcommand.
  ///   - environment: The process environment.
  /// - Returns: The values, positionals and warnings.
  /// - Throws: ``CommandLineError`` for an unknown or removed option, a missing value, or a
  ///   boolean variable that is not a boolean.
  public func parse(
    _ arguments: [String],
    environment: [String: String]
  ) throws(CommandLineError) -> ParsedOptions {
    var parsed = ParsedOptions()
    var index = arguments.startIndex
    var onlyPositionals = false

    while index < arguments.endIndex {
      let argument = arguments[index]
      index += 1
      guard !onlyPositionals, argument.hasPrefix("--") else {
        parsed.positionals.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositionals = true
        continue
      }

      let body = argument.dropFirst(2)
      let name = String(body.prefix { $0 != "=" })
      let inlineValue = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }

      if let gone = removed.first(where: { $0.name == name }) {
        throw CommandLineError(code: .removedOption, message: "--\(name): \(gone.migration)")
      }
      guard let spec = options.first(where: { $0.name == name }) else {
        throw CommandLineError(
          code: .usage,
          message: "unknown option --\(name); run with --help to see the options"
        )
      }

      switch spec.kind {
      case .flag:
        guard inlineValue == nil else {
          throw CommandLineError(code: .usage, message: "--\(name) takes no value")
        }
        parsed.values[name, default: []].append("true")
      case .value, .repeatedValue:
        let value: String
        if let inlineValue {
          value = inlineValue
        } else if index < arguments.endIndex {
          value = arguments[index]
          index += 1
        } else {
          throw CommandLineError(code: .usage, message: "--\(name) needs a value")
        }
        parsed.values[name, default: []].append(value)
      }
    }

    for spec in options {
      guard parsed.values[spec.name] == nil, let variable = spec.environment,
        let raw = environment[variable]
      else { continue }
      if case .flag = spec.kind {
        parsed.values[spec.name] = [try Self.boolean(raw, variable: variable) ? "true" : "false"]
      } else {
        parsed.values[spec.name] = [raw]
      }
    }

    for gone in removed where environment[gone.environment] != nil {
      parsed.warnings.append(
        "\(gone.environment) is set but has no effect: \(gone.migration)"
      )
    }
    return parsed
  }

  private static func boolean(_ raw: String, variable: String) throws(CommandLineError) -> Bool {
    switch raw.lowercased() {
    case "1", "true", "yes", "on": return true
    case "0", "false", "no", "off", "": return false
    default:
      throw CommandLineError(
        code: .invalidValue,
        message: "\(variable)='\(raw)' is not a boolean; use true or false"
      )
    }
  }

  /// The OPTIONS section of a manual page for these options.
  public func optionsHelp() -> String {
    var text = ""
    for spec in options {
      var flag = "  --\(spec.name)"
      switch spec.kind {
      case .flag: break
      case .value(let placeholder), .repeatedValue(let placeholder): flag += " \(placeholder)"
      }
      text += flag + "\n"
      var lines = [spec.help]
      if let variable = spec.environment { lines.append("Environment: \(variable).") }
      if let defaultDescription = spec.defaultDescription {
        lines.append("Default: \(defaultDescription).")
      }
      text += Self.wrap(lines.joined(separator: " "), indent: 6, width: 78) + "\n"
    }
    return text
  }

  static func wrap(_ text: String, indent: Int, width: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    var lines: [String] = []
    var line = pad
    for word in text.split(separator: " ") {
      if line.count > indent, line.count + 1 + word.count > width {
        lines.append(line)
        line = pad
      }
      line += (line.count > indent ? " " : "") + word
    }
    if line.count > indent { lines.append(line) }
    return lines.joined(separator: "\n")
  }
}
