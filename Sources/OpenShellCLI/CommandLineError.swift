/// Why a command line could not be used, with the exit status the executable should return.
public struct CommandLineError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What went wrong.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
      case usage
      case removedOption
      case invalidValue
      case invalidConfiguration
    }

    private let kind: Kind

    /// An unknown option, a missing value, a stray argument.
    public static let usage = Code(kind: .usage)
    /// An option that was removed; the message says what replaces it.
    public static let removedOption = Code(kind: .removedOption)
    /// A value that does not parse (a port that is not a number).
    public static let invalidValue = Code(kind: .invalidValue)
    /// Values that parse but do not make a working configuration together.
    public static let invalidConfiguration = Code(kind: .invalidConfiguration)

    /// A short name for the code.
    public var description: String {
      switch kind {
      case .usage: "usage"
      case .removedOption: "removed option"
      case .invalidValue: "invalid value"
      case .invalidConfiguration: "invalid configuration"
      }
    }
  }

  /// What went wrong.
  public var code: Code

  /// What to fix, as the operator reads it.
  public var message: String

  /// Underlying detail, when there is any.
  public var cause: String?

  /// Creates an error.
  public init(code: Code, message: String, cause: String? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  /// The exit status: 2 for usage errors and removed options, 1 for configuration errors.
  public var exitStatus: Int32 {
    code == .invalidConfiguration ? 1 : 2
  }

  /// The message, and the cause when present.
  public var description: String {
    guard let cause else { return message }
    return "\(message) (\(cause))"
  }
}
