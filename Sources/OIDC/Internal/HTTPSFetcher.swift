internal import CCurl
internal import Dispatch
internal import Foundation

/// Fetches small JSON documents from the issuer with libcurl: certificate and host name
/// verification on, no redirects, time and size limits.
///
/// curl's easy interface blocks, so each fetch runs on a Dispatch worker thread rather than
/// on Swift's cooperative pool; fetches are rare (a refresh per TTL or per miss interval).
struct HTTPSFetcher: Sendable {
  let caBundlePath: String?
  let timeout: Double
  let connectTimeout: Double
  let maximumBytes: Int

  /// Why a fetch failed, for the log; never sent to a caller.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// curl_global_init is not thread-safe; a static let runs it exactly once.
  private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

  /// Fetches `url` and returns the body of a 200 response.
  ///
  /// - Throws: ``Failure`` for a refused URL, a transport error, another status, or a
  ///   body over the size limit.
  func get(_ url: String) async throws -> [UInt8] {
    try IssuerURL.check(url, allowQuery: true)
    return try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async {
        continuation.resume(with: Result { try getBlocking(url) })
      }
    }
  }

  /// The response body as it arrives; a class so curl's C callback can reach it.
  private final class Body {
    var bytes: [UInt8] = []
    let limit: Int
    var overLimit = false
    init(limit: Int) { self.limit = limit }
  }

  private func getBlocking(_ url: String) throws -> [UInt8] {
    guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
      throw Failure(description: "libcurl could not start")
    }
    defer { curl_easy_cleanup(handle) }

    let body = Body(limit: maximumBytes)
    let context = Unmanaged.passUnretained(body).toOpaque()
    let plainHTTP = url.lowercased().hasPrefix("http://")
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
      var setup = [
        CCurl_setopt_string(handle, CURLOPT_URL, url),
        // Loopback http was allowed by IssuerURL; anything else must stay https, and no
        // redirect may lead elsewhere.
        CCurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, plainHTTP ? "http" : "https"),
        CCurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
        CCurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
        CCurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
        CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
        CCurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000)),
        CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000)),
        CCurl_setopt_long(handle, CURLOPT_MAXFILESIZE, maximumBytes),
        CCurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress),
        CCurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
        CCurl_setopt_write_function(handle) { data, size, count, context in
          let body = Unmanaged<Body>.fromOpaque(context!).takeUnretainedValue()
          let length = size * count
          guard body.bytes.count + length <= body.limit else {
            body.overLimit = true
            return 0  // makes curl stop with CURLE_WRITE_ERROR
          }
          guard let data, length > 0 else { return length }
          data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            body.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
          }
          return length
        },
      ]
      if let caBundlePath {
        setup.append(CCurl_setopt_string(handle, CURLOPT_CAINFO, caBundlePath))
      }
      if let failed = setup.first(where: { $0 != CURLE_OK }) {
        return failed
      }
      return curl_easy_perform(handle)
    }

    if body.overLimit || code == CURLE_FILESIZE_EXCEEDED {
      throw Failure(description: "\(url): response larger than \(maximumBytes) bytes")
    }
    guard code == CURLE_OK else {
      let detail = String(
        decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
      throw Failure(description: "\(url): \(reason)")
    }
    var status = 0
    _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
    guard status == 200 else {
      throw Failure(description: "\(url): HTTP status \(status)")
    }
    return body.bytes
  }
}
