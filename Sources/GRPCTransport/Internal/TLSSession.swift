internal import AuthCore
internal import COpenSSL
internal import Glibc

/// One connection's TLS state over memory BIOs, so all socket I/O stays in the connection.
///
/// Ciphertext from the socket goes in with ``feed(_:)``; ciphertext to send comes out of
/// ``takeOutput()``. Used only on the connection's loop thread.
final class TLSSession {
  private let ssl: OpaquePointer
  private let readBIO: OpaquePointer
  private let writeBIO: OpaquePointer
  private(set) var handshakeDone = false
  private var scratch = [UInt8](repeating: 0, count: TLSSession.scratchSize)
  private static let scratchSize = 16384

  enum HandshakeResult {
    case done
    case needMore
    case failed(String)
  }

  init(context: TLSContext, serverName: String?) throws {
    guard let ssl = SSL_new(context.context),
      let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem())
    else { throw TLSContext.error("could not start a TLS session", code: .handshakeFailed) }
    self.ssl = ssl
    self.readBIO = readBIO
    self.writeBIO = writeBIO
    SSL_set_bio(ssl, readBIO, writeBIO)

    if context.isServer {
      SSL_set_accept_state(ssl)
    } else {
      SSL_set_connect_state(ssl)
      if let serverName {
        var address = in6_addr()
        let isIP =
          inet_pton(AF_INET, serverName, &address) == 1
          || inet_pton(AF_INET6, serverName, &address) == 1
        if isIP {
          X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName)
        } else {
          _ = COpenSSL_transport_set_sni(ssl, serverName)
          SSL_set1_host(ssl, serverName)
        }
      }
    }
  }

  deinit {
    SSL_free(ssl)
  }

  func feed(_ bytes: UnsafeRawBufferPointer) {
    guard bytes.count > 0 else { return }
    _ = BIO_write(readBIO, bytes.baseAddress, Int32(bytes.count))
  }

  func handshake() -> HandshakeResult {
    ERR_clear_error()
    let result = SSL_do_handshake(ssl)
    if result == 1 {
      handshakeDone = true
      return .done
    }

    let error = SSL_get_error(ssl, result)
    if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return .needMore }
    var reason = TLSContext.drainErrorQueue() ?? "TLS error \(error)"
    let verify = SSL_get_verify_result(ssl)
    if verify != X509_V_OK {
      reason += " (certificate verify: \(String(cString: X509_verify_cert_error_string(verify))))"
    }
    return .failed(reason)
  }

  /// Whether the peer agreed to ALPN `h2`.
  var negotiatedH2: Bool {
    var data: UnsafePointer<UInt8>?
    var length: UInt32 = 0
    SSL_get0_alpn_selected(ssl, &data, &length)
    guard let data, length == 2 else { return false }
    return data[0] == UInt8(ascii: "h") && data[1] == UInt8(ascii: "2")
  }

  /// The verified leaf certificate, or `nil` when none was presented or it did not verify.
  func verifiedPeer() -> PeerCertificate? {
    guard let cert = SSL_get0_peer_certificate(ssl), SSL_get_verify_result(ssl) == X509_V_OK
    else { return nil }
    return PeerCertificate(x509: cert)
  }

  /// Decrypts what is buffered; returns `false` when the session failed or the peer closed.
  func readPlaintext(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
    // Taken out rather than copied: a buffer still shared with `scratch` would be copied
    // whole on the first write. A nested read (from `body`) gets a fresh one.
    var buffer: [UInt8] = []
    swap(&buffer, &scratch)
    if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: Self.scratchSize) }
    defer { scratch = buffer }
    while true {
      ERR_clear_error()
      let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
      if count > 0 {
        buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)])) }
        continue
      }
      let error = SSL_get_error(ssl, count)
      if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return true }
      // With TLS 1.3 a client learns that the server refused its certificate only here, as an
      // alert after the handshake; keep OpenSSL's words ("tlsv1 alert unknown ca") so the
      // caller can say which side refused what.
      failureReason =
        error == SSL_ERROR_ZERO_RETURN
        ? "the peer closed the TLS session" : TLSContext.drainErrorQueue()
      return false
    }
  }

  /// Why ``readPlaintext(_:)`` last reported the session as failed, when OpenSSL said.
  private(set) var failureReason: String?

  func writePlaintext(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count > 0 else { return true }
    ERR_clear_error()
    return SSL_write(ssl, bytes.baseAddress, Int32(bytes.count)) == Int32(bytes.count)
  }

  /// Ciphertext waiting to be written to the socket.
  func takeOutput(into out: inout [UInt8]) {
    while BIO_ctrl_pending(writeBIO) > 0 {
      let pending = Int(BIO_ctrl_pending(writeBIO))
      // BIO_read writes straight into new storage: padding `out` with placeholder bytes first
      // ran a per-byte generic loop, and unoptimized builds held the loop thread for seconds
      // per few MiB, stalling every other connection and timer on it.
      let chunk = [UInt8](unsafeUninitializedCapacity: pending) { buffer, initialized in
        initialized = max(0, Int(BIO_read(writeBIO, buffer.baseAddress, Int32(pending))))
      }
      if chunk.isEmpty { break }
      if out.isEmpty {
        out = chunk
      } else {
        out.append(contentsOf: chunk)
      }
    }
  }

  func shutdown() {
    SSL_shutdown(ssl)
  }
}
