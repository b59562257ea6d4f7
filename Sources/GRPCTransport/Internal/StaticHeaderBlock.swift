internal import CNGHTTP2

/// A header block built once and kept for the life of the process.
///
/// Nearly every successful call answers with the same response headers and the same
/// `grpc-status: 0` trailers; building those from strings for each call (and having nghttp2
/// copy them again) was a measurable part of a small call's cost. nghttp2 is told not to copy
/// these fields, which is safe because their storage is never freed.
final class StaticHeaderBlock: @unchecked Sendable {
  // Sendable by construction: the fields and their bytes are written once, in `init`, and
  // only read afterwards, by nghttp2 on any loop.
  let fields: UnsafePointer<nghttp2_nv>
  let count: Int

  private init(_ headers: [(String, String)]) {
    let size = headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
    let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, 1))
    let fields = UnsafeMutablePointer<nghttp2_nv>.allocate(capacity: headers.count)
    var offset = 0
    func place(_ text: String) -> (UnsafeMutablePointer<UInt8>, Int) {
      let start = storage + offset
      for byte in text.utf8 {
        storage[offset] = byte
        offset += 1
      }
      return (start, text.utf8.count)
    }
    for (index, (name, value)) in headers.enumerated() {
      // Names must be lowercase for NO_COPY_NAME; these are written that way below.
      let (namePointer, nameLength) = place(name)
      let (valuePointer, valueLength) = place(value)
      (fields + index).initialize(
        to: nghttp2_nv(
          name: namePointer, value: valuePointer, namelen: nameLength, valuelen: valueLength,
          flags: UInt8(
            NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
        ))
    }
    self.fields = UnsafePointer(fields)
    self.count = headers.count
  }

  /// The response headers of an admitted call with no compression and no initial metadata.
  static let plainResponse = StaticHeaderBlock([
    (":status", "200"), ("content-type", "application/grpc"),
    ("grpc-accept-encoding", HTTP2Connection.acceptedEncodings),
  ])

  /// The trailers of a call that ended `OK` with no message and no trailing metadata.
  static let okTrailers = StaticHeaderBlock([("grpc-status", "0")])
}
