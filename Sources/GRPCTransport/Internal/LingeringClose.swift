internal import CEpoll
internal import Glibc

/// Closes a server's socket after its last words: FIN behind the output, then reads and
/// drops whatever the peer still sends until it closes too, or two seconds pass.
///
/// Closing a socket whose input has not been read makes the kernel answer with RST, and the
/// peer's kernel then throws away what it had received but not yet delivered, such as the TLS
/// alert that says why a client certificate was refused (under TLS 1.3 the client has already
/// sent its first HTTP/2 bytes when that alert comes) or a GOAWAY. The peer would see only "connection
/// reset".
final class LingeringClose: EventLoopWatcher {
  private let fd: Int32
  private let loop: EventLoop
  private var timer: UInt64?
  private var finished = false

  private init(fd: Int32, loop: EventLoop) {
    self.fd = fd
    self.loop = loop
  }

  /// Takes over `fd`, which the caller has already deregistered; loop thread only.
  static func start(fd: Int32, on loop: EventLoop) {
    let closer = LingeringClose(fd: fd, loop: loop)
    shutdown(fd, Int32(SHUT_WR))
    loop.register(fd: fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue, watcher: closer)
    closer.timer = loop.schedule(afterNanoseconds: 2_000_000_000) { closer.finish() }
  }

  func handleEvents(_ events: UInt32) {
    guard !finished else { return }
    if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
      finish()
      return
    }
    var buffer = loop.borrowReadBuffer()
    defer { loop.returnReadBuffer(buffer) }
    while true {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count > 0 { continue }
      if count < 0 && errno == EINTR { continue }
      if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
      finish()
      return
    }
  }

  private func finish() {
    guard !finished else { return }
    finished = true
    if let timer { loop.cancelTimer(timer) }
    loop.deregister(fd: fd)
    close(fd)
  }
}
