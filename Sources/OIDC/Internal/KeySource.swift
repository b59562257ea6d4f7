/// Discovery and JWKS download: turns the issuer URL into a fresh set of keys.
struct KeySource: Sendable {
  let issuer: String
  let fetcher: HTTPSFetcher

  /// Why keys could not be had; goes to the log, never to a caller.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Reads the discovery document and returns its `jwks_uri`, after checking that the
  /// document speaks for our issuer.
  func discoverKeySetURL() async throws -> String {
    let url = IssuerURL.normalized(issuer) + "/.well-known/openid-configuration"
    let bytes = try await fetcher.get(String(url))
    guard let document = JSONValue.object(from: bytes) else {
      throw Failure(description: "\(url): not a JSON object")
    }
    guard let advertised = document["issuer"]?.stringValue else {
      throw Failure(description: "\(url): no issuer in the discovery document")
    }
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for,
    // or an attacker who controls one path could vouch for another issuer's tokens.
    guard IssuerURL.normalized(advertised) == IssuerURL.normalized(issuer) else {
      throw Failure(
        description: "\(url): the document's issuer \(advertised.prefix(200)) is not \(issuer)")
    }
    guard let keySetURL = document["jwks_uri"]?.stringValue else {
      throw Failure(description: "\(url): no jwks_uri in the discovery document")
    }
    do {
      try IssuerURL.check(keySetURL, allowQuery: true)
    } catch let refusal as IssuerURL.Refusal {
      throw Failure(description: "\(url): jwks_uri refused: \(refusal.reason)")
    }
    return keySetURL
  }

  /// Downloads the key set at `url` and builds every usable key in it.
  ///
  /// - Returns: The keys by `kid`, and one line per key that was skipped, for the log.
  func fetchKeys(from url: String) async throws -> (
    keys: [String: VerificationKey], skipped: [String]
  ) {
    let bytes = try await fetcher.get(url)
    guard let document = JSONValue.object(from: bytes),
      case .array(let entries)? = document["keys"]
    else {
      throw Failure(description: "\(url): not a JWK set")
    }
    var keys: [String: VerificationKey] = [:]
    var skipped: [String] = []
    for case .object(let jwk) in entries {
      do {
        let key = try VerificationKey(jwk: jwk)
        if keys[key.keyID] != nil {
          // Two keys with one kid make the choice ambiguous; keep the first, like most
          // issuers' clients, and say so.
          skipped.append("duplicate kid \(key.keyID)")
          continue
        }
        keys[key.keyID] = key
      } catch let refusal as Refusal {
        skipped.append(refusal.detail)
      }
    }
    return (keys, skipped)
  }
}
