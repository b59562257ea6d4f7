internal import CZlib

/// gzip for `grpc-encoding: gzip` messages, through zlib.
enum Gzip {
  static func compress(_ input: [UInt8]) throws(GRPCStatus) -> [UInt8] {
    var stream = z_stream()
    // windowBits 15 + 16 asks zlib for a gzip wrapper rather than raw zlib.
    guard
      deflateInit2_(
        &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
        ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { throw GRPCStatus(code: .internal, message: "gzip: deflateInit failed") }
    defer { deflateEnd(&stream) }

    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
    var input = input
    let result = input.withUnsafeMutableBufferPointer { inBuffer in
      output.withUnsafeMutableBufferPointer { outBuffer in
        stream.next_in = inBuffer.baseAddress
        stream.avail_in = UInt32(inBuffer.count)
        stream.next_out = outBuffer.baseAddress
        stream.avail_out = UInt32(outBuffer.count)
        return deflate(&stream, Z_FINISH)
      }
    }
    guard result == Z_STREAM_END else {
      throw GRPCStatus(code: .internal, message: "gzip: deflate failed (\(result))")
    }
    output.removeLast(output.count - Int(stream.total_out))
    return output
  }

  static func decompress(_ input: [UInt8], limit: Int) throws(GRPCStatus) -> [UInt8] {
    var stream = z_stream()
    guard
      inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { throw GRPCStatus(code: .internal, message: "gzip: inflateInit failed") }
    defer { inflateEnd(&stream) }

    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    var input = input
    var status: Int32 = Z_OK
    input.withUnsafeMutableBufferPointer { inBuffer in
      stream.next_in = inBuffer.baseAddress
      stream.avail_in = UInt32(inBuffer.count)
      while status == Z_OK {
        let produced = chunk.withUnsafeMutableBufferPointer { outBuffer -> Int in
          stream.next_out = outBuffer.baseAddress
          stream.avail_out = UInt32(outBuffer.count)
          status = inflate(&stream, Z_NO_FLUSH)
          return outBuffer.count - Int(stream.avail_out)
        }
        output.append(contentsOf: chunk[0..<produced])
        if output.count > limit || (status == Z_BUF_ERROR && stream.avail_in == 0) { break }
      }
    }
    guard output.count <= limit else {
      throw GRPCStatus(
        code: .resourceExhausted,
        message: "decompressed message exceeds the limit of \(limit) bytes")
    }
    guard status == Z_STREAM_END else {
      throw GRPCStatus(code: .internal, message: "gzip: corrupt compressed message")
    }
    return output
  }
}
