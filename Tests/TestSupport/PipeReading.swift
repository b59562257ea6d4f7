#if canImport(Glibc)
  import Glibc
#endif

/// Reads what a pipe has, retrying reads a signal interrupted.
///
/// Foundation's `FileHandle.availableData` and `readDataToEndOfFile()` trap on `EINTR`, and a
/// test process full of child processes receives `SIGCHLD` often; these read the descriptor
/// directly instead.
///
/// - Parameter descriptor: The read end of a pipe.
/// - Returns: The bytes read, or `nil` at end of file or on a read error.
public func readAvailable(_ descriptor: Int32) -> [UInt8]? {
  var buffer = [UInt8](repeating: 0, count: 65_536)
  while true {
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count > 0 { return Array(buffer[..<count]) }
    if count < 0 && errno == EINTR { continue }
    return nil
  }
}

/// Reads a pipe until its writer closes it, retrying reads a signal interrupted.
///
/// - Parameter descriptor: The read end of a pipe.
/// - Returns: Every byte written to the pipe.
public func readToEnd(_ descriptor: Int32) -> [UInt8] {
  var all: [UInt8] = []
  while let chunk = readAvailable(descriptor) { all += chunk }
  return all
}
