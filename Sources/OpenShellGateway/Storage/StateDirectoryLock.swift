internal import Glibc
import Synchronization

/// An exclusive `flock` on `gateway.lock` in a state folder, so two gateways never share one
/// database.
///
/// The kernel drops the lock when the process exits, `kill -9` included, so a crashed gateway
/// never leaves a stale lock behind.
final class StateDirectoryLock: Sendable {
  private let descriptor: Mutex<Int32>

  /// Takes the lock, or throws when another process holds it.
  init(directory: String) throws(StorageError) {
    let path = "\(directory)/gateway.lock"
    var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    if fd < 0 && errno == EACCES {
      // flock needs no write access; a lock file left read-only (made by another user once)
      // still serves.
      fd = open(path, O_RDONLY | O_CLOEXEC)
    }
    guard fd >= 0 else {
      throw StorageError(
        code: .open, message: "cannot open \(path)",
        cause: String(cString: strerror(errno)))
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let busy = errno == EWOULDBLOCK
      let cause = String(cString: strerror(errno))
      close(fd)
      if busy {
        throw StorageError(
          code: .open,
          message: "another openshell-gateway is using the state directory \(directory); stop "
            + "it, or give this one its own --state-dir")
      }
      throw StorageError(code: .open, message: "cannot lock \(path)", cause: cause)
    }
    descriptor = Mutex(fd)
  }

  /// Releases the lock; later calls do nothing.
  func release() {
    descriptor.withLock { fd in
      guard fd >= 0 else { return }
      close(fd)
      fd = -1
    }
  }

  deinit {
    release()
  }
}
