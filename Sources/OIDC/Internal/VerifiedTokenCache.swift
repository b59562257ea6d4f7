internal import AuthCore
internal import COpenSSL
internal import Synchronization

/// Tokens that already verified, by the SHA-256 of their text, so a client that sends the
/// same token on every call pays for one signature check.
///
/// Bounded: when full, expired entries go first, then the oldest. An entry is never used at
/// or past its token's `exp` (the leeway applies only to full checks), and the whole cache
/// empties when the issuer stops publishing a key, so revoking a key takes effect at once.
final class VerifiedTokenCache: Sendable {
  /// A SHA-256 digest as four words, cheap to hash and compare.
  struct Digest: Hashable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64)

    static func == (lhs: Digest, rhs: Digest) -> Bool {
      lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(words.0)
      hasher.combine(words.1)
      hasher.combine(words.2)
      hasher.combine(words.3)
    }

    init(of token: String) {
      var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
      var text = token
      text.withUTF8 { utf8 in
        withUnsafeMutableBytes(of: &bytes) { out in
          _ = COpenSSL_oidc_sha256(
            sha256.md, utf8.baseAddress, utf8.count,
            out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
      }
      words = bytes
    }
  }

  private struct Entry: Sendable {
    var identity: Identity
    var expiresAt: Double
  }

  private struct State: Sendable {
    var entries: [Digest: Entry] = [:]
    /// Insertion order, for evicting the oldest; `head` marks the first live slot.
    var order: [Digest] = []
    var head = 0
  }

  private let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int) {
    self.capacity = capacity
  }

  /// Whether the cache holds anything at all.
  var isEnabled: Bool { capacity > 0 }

  /// The identity remembered for `digest`, if it has not expired at `now`.
  func lookup(_ digest: Digest, now: Double) -> Identity? {
    guard isEnabled else { return nil }
    return state.withLock { state in
      guard let entry = state.entries[digest] else { return nil }
      guard now < entry.expiresAt else {
        state.entries[digest] = nil
        return nil
      }
      return entry.identity
    }
  }

  /// Remembers a verified token until `expiresAt`.
  func insert(_ digest: Digest, identity: Identity, expiresAt: Double, now: Double) {
    guard isEnabled, now < expiresAt else { return }
    state.withLock { state in
      if state.entries[digest] != nil {
        state.entries[digest] = Entry(identity: identity, expiresAt: expiresAt)
        return
      }
      if state.entries.count >= capacity {
        state.entries = state.entries.filter { now < $0.value.expiresAt }
      }
      while state.entries.count >= capacity, state.head < state.order.count {
        state.entries[state.order[state.head]] = nil
        state.head += 1
      }
      // Drop order slots that are spent, or whose entries expired and were filtered out,
      // before the array grows far past the capacity.
      if state.order.count - state.head > 2 * capacity || state.head > capacity {
        state.order = state.order[state.head...].filter { state.entries[$0] != nil }
        state.head = 0
      }
      state.entries[digest] = Entry(identity: identity, expiresAt: expiresAt)
      state.order.append(digest)
    }
  }

  /// Forgets every token.
  func removeAll() {
    state.withLock { state in state = State() }
  }

  /// How many tokens are remembered.
  var count: Int {
    state.withLock { $0.entries.count }
  }
}

/// SHA-256 fetched from OpenSSL's provider once, not on every digest: a fetch cost about as
/// much as hashing the token itself. Never freed; it lives as long as the process.
private final class FetchedDigest: @unchecked Sendable {
  // Immutable after init; OpenSSL's fetched algorithms are safe to share between threads.
  let md: OpaquePointer?

  init(_ name: String) {
    md = EVP_MD_fetch(nil, name, nil)
  }
}

private let sha256 = FetchedDigest("SHA256")
