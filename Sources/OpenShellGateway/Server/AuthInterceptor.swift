import AuthCore
import Foundation
import GRPCTransport
import Logging

/// Runs AuthCore's decision on every call's headers, before the transport reads a byte of its
/// body or looks up its handler.
///
/// Refusals are answered Trailers-Only with the decision's status and message, and logged once
/// each with the method, the principal kind, the certificate or token subject, the reason and
/// the peer address. Tokens and other credential values are never logged.
struct AuthInterceptor: HeaderInterceptor {
  let authenticator: Authenticator
  /// Whether the listener speaks TLS; with h2c the channel proves nothing.
  let tls: Bool
  let logger: Logger

  func admit(_ head: CallHead) async -> GRPCTransport.Admission {
    answer(await authenticator.decide(request(head)), head)
  }

  func admitImmediately(_ head: CallHead) -> GRPCTransport.Admission? {
    authenticator.decideWithoutWaiting(request(head)).map { answer($0, head) }
  }

  private func request(_ head: CallHead) -> AuthRequest {
    AuthRequest(
      path: head.path,
      metadata: Self.authMetadata(head.metadata),
      channel: tls ? .tls(clientCertificate: head.peer) : .plaintext
    )
  }

  private func answer(_ decision: AuthDecision, _ head: CallHead) -> GRPCTransport.Admission {
    switch decision {
    case .allow(let admission):
      return .admit(
        metadata: Self.transportMetadata(admission.metadata), context: admission.principal)
    case .deny(let refusal):
      var metadata: Logger.Metadata = [
        "auth.method": refusal.method,
        "auth.principal": refusal.principalKind,
        "auth.code": "\(refusal.error.code)",
        "auth.reason": refusal.error.message,
        "net.peer": head.remoteAddress,
      ]
      if let subject = refusal.subject { metadata["auth.subject"] = subject }
      if let cause = refusal.error.cause { metadata["auth.detail"] = cause }
      logger.notice("call refused", metadata: metadata)
      let code = GRPCStatus.Code(rawValue: refusal.error.code.rawValue) ?? .permissionDenied
      return .refuse(GRPCStatus(code: code, message: refusal.error.message))
    }
  }

  /// AuthCore decides on the header block as sent: binary values travel as their base64 text.
  static func authMetadata(_ metadata: GRPCTransport.Metadata) -> AuthCore.Metadata {
    AuthCore.Metadata(
      metadata.map { entry in
        switch entry.value {
        case .string(let text):
          AuthCore.Metadata.Entry(name: entry.key, value: text)
        case .binary(let bytes):
          AuthCore.Metadata.Entry(name: entry.key, value: Data(bytes).base64EncodedString())
        }
      }
    )
  }

  static func transportMetadata(_ metadata: AuthCore.Metadata) -> GRPCTransport.Metadata {
    var result = GRPCTransport.Metadata()
    for entry in metadata {
      if entry.name.lowercased().hasSuffix("-bin"), let bytes = Data(base64Encoded: entry.value) {
        result.addBinary(Array(bytes), forKey: entry.name)
      } else {
        result.addString(entry.value, forKey: entry.name)
      }
    }
    return result
  }
}
