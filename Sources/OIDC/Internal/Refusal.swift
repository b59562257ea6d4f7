/// Why a token was refused, in two registers: a short `reason` the caller sees, and
/// operator `detail` that goes only to the debug log.
///
/// Neither ever holds the token or key material.
struct Refusal: Error, Sendable {
  /// The short reason sent back as the UNAUTHENTICATED message.
  var reason: String
  /// What exactly failed, for the debug log.
  var detail: String

  init(_ reason: String, detail: String? = nil) {
    self.reason = reason
    self.detail = detail ?? reason
  }
}
