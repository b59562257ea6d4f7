/// Why an ``OIDCVerifier/Configuration`` was refused at start.
///
/// Thrown by ``OIDCVerifier/init(configuration:)`` so that a typo in the issuer URL stops the
/// gateway at start with a message that names the setting, rather than failing every call.
public struct OIDCConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The setting at fault, such as `issuer` or `keys.cacheTTL`.
  public var setting: String

  /// What is wrong with it and what would be accepted.
  public var message: String

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - setting: The setting at fault.
  ///   - message: What is wrong with it.
  public init(setting: String, message: String) {
    self.setting = setting
    self.message = message
  }

  /// `invalid OIDC configuration: <setting>: <message>`.
  public var description: String {
    "invalid OIDC configuration: \(setting): \(message)"
  }
}
