internal import Foundation

/// The rule for every URL the verifier fetches: HTTPS, or plain HTTP only to a loopback host.
///
/// Applied to the configured issuer and to the `jwks_uri` a discovery document names, so a
/// document cannot send key fetches somewhere weaker than the issuer itself.
enum IssuerURL {
  /// Why a URL was refused.
  struct Refusal: Error {
    var reason: String
  }

  /// Refuses a URL that is not `https://host…` or `http://<loopback>…`.
  ///
  /// - Parameters:
  ///   - text: The URL as configured or as the discovery document gave it.
  ///   - allowQuery: Whether a query is allowed; an issuer may have none, and no URL a fragment.
  /// - Throws: ``Refusal`` with a reason an operator can act on.
  static func check(_ text: String, allowQuery: Bool) throws {
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
      throw Refusal(reason: "'\(text)' is not a URL")
    }
    guard let host = url.host, !host.isEmpty else {
      throw Refusal(reason: "'\(text)' has no host")
    }
    if url.user != nil || url.password != nil {
      throw Refusal(reason: "'\(text)' must not carry a user name or password")
    }
    if !allowQuery, url.query != nil {
      throw Refusal(reason: "'\(text)' must not have a query")
    }
    if url.fragment != nil {
      throw Refusal(reason: "'\(text)' must not have a fragment")
    }
    switch scheme {
    case "https":
      return
    case "http" where isLoopback(host):
      return
    case "http":
      throw Refusal(
        reason: "'\(text)' uses http:// to a host that is not loopback; use https://")
    default:
      throw Refusal(reason: "'\(text)' must use https://")
    }
  }

  /// Whether `host` names this machine: `localhost`, `127.0.0.0/8` or `::1`.
  static func isLoopback(_ host: String) -> Bool {
    var name = host.lowercased()
    if name.hasPrefix("[") && name.hasSuffix("]") {
      name = String(name.dropFirst().dropLast())
    }
    if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" {
      return true
    }
    let octets = name.split(separator: ".", omittingEmptySubsequences: false)
    guard octets.count == 4, octets.first == "127" else { return false }
    return octets.allSatisfy { octet in
      guard let value = UInt8(octet), octet.count <= 3 else { return false }
      return String(value) == octet
    }
  }

  /// `text` without one trailing slash, the form issuers are compared in.
  static func normalized(_ text: String) -> Substring {
    text.hasSuffix("/") ? text.dropLast() : Substring(text)
  }
}
