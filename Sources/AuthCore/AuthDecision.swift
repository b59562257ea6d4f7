/// One call as the auth decision sees it: the request headers and what the channel proved.
public struct AuthRequest: Sendable {
  /// The `:path` pseudo-header exactly as sent.
  public var path: String

  /// The request metadata as received, repeated names and letter case untouched.
  public var metadata: Metadata

  /// What the TLS channel proved about the caller.
  public var channel: ChannelSecurity

  /// Creates a request.
  public init(path: String, metadata: Metadata, channel: ChannelSecurity) {
    self.path = path
    self.metadata = metadata
    self.channel = channel
  }
}

/// The outcome of the auth decision for one call.
public enum AuthDecision: Sendable {
  /// Run the call as ``Admission/principal`` with ``Admission/metadata``.
  case allow(Admission)
  /// Refuse the call before reading any of its body.
  case deny(Refusal)
}

/// A call the decision admitted.
public struct Admission: Sendable {
  /// Who the call runs as.
  public var principal: Principal

  /// The metadata to hand on: every caller-sent auth marker removed, the marker set for a
  /// sandbox caller, and the `authorization` field removed so the token travels no further.
  public var metadata: Metadata

  /// The rule that admitted the call.
  public var rule: MethodRule
}

/// A call the decision refused, with what an operator needs to understand the refusal.
public struct Refusal: Error, Sendable, CustomStringConvertible {
  /// The status and message the caller receives.
  public var error: AuthError

  /// The method path as sent.
  public var method: String

  /// What the caller tried to be: `anonymous`, `sandbox` or `user`.
  public var principalKind: String

  /// The certificate subject or verified token subject, when one is known; never a token.
  public var subject: String?

  /// The refusal as one line for logs.
  public var description: String {
    var text = "\(method) refused for \(principalKind)"
    if let subject { text += " '\(subject)'" }
    return text + ": \(error)"
  }
}
