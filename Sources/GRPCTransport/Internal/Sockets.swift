internal import Glibc

enum Sockets {
  /// Binds and listens; returns the descriptor and the bound port.
  static func listen(host: String, port: Int) throws -> (fd: Int32, port: Int) {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST
    var result: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &result)
    guard status == 0, let info = result else {
      throw TransportError(
        code: .bindFailed, message: "cannot bind to \(host):\(port): not a numeric address",
        cause: String(cString: gai_strerror(status)))
    }
    defer { freeaddrinfo(result) }

    let fd = socket(
      info.pointee.ai_family,
      Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else {
      throw TransportError(code: .bindFailed, message: "cannot create a socket", cause: errnoText())
    }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, Glibc.listen(fd, 1024) == 0
    else {
      let cause = errnoText()
      close(fd)
      throw TransportError(
        code: .bindFailed, message: "cannot listen on \(host):\(port)", cause: cause)
    }

    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    return (fd, addressText(&storage).port)
  }

  /// Starts a non-blocking connect; the descriptor becomes writable when it settles.
  static func connect(host: String, port: Int) throws -> (fd: Int32, address: String) {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var result: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &result)
    guard status == 0, let info = result else {
      throw TransportError(
        code: .connectFailed, message: "cannot resolve \(host)",
        cause: String(cString: gai_strerror(status)))
    }
    defer { freeaddrinfo(result) }

    let fd = socket(
      info.pointee.ai_family,
      Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else {
      throw TransportError(
        code: .connectFailed, message: "cannot create a socket", cause: errnoText())
    }
    setNoDelay(fd)
    let rc = Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
    guard rc == 0 || errno == EINPROGRESS else {
      let cause = errnoText()
      close(fd)
      throw TransportError(
        code: .connectFailed, message: "cannot connect to \(host):\(port)", cause: cause)
    }
    return (fd, "\(host):\(port)")
  }

  static func setNoDelay(_ fd: Int32) {
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
  }

  static func addressText(_ storage: UnsafeMutablePointer<sockaddr_storage>) -> (
    host: String, port: Int
  ) {
    var buffer = [CChar](repeating: 0, count: 64)
    if Int32(storage.pointee.ss_family) == AF_INET6 {
      return storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
        inet_ntop(AF_INET6, &address.pointee.sin6_addr, &buffer, 64)
        return (
          "[" + String(nulTerminated: buffer) + "]",
          Int(UInt16(bigEndian: address.pointee.sin6_port))
        )
      }
    }
    return storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
      inet_ntop(AF_INET, &address.pointee.sin_addr, &buffer, 64)
      return (String(nulTerminated: buffer), Int(UInt16(bigEndian: address.pointee.sin_port)))
    }
  }
}

func onlineCores() -> Int {
  Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}

extension String {
  /// Decodes a C character buffer up to its first NUL.
  init(nulTerminated buffer: [CChar]) {
    self.init(
      decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
