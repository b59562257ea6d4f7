internal import CSQLite
import Dispatch
import Synchronization

/// A SQLite connection whose work runs on a thread of its own.
///
/// SQLite calls block on disk I/O (a `FULL` sync is an `fsync`), so they never run on the
/// cooperative pool that serves calls; every operation hops to the connection's serial queue.
/// One connection means one writer, which is all a gateway needs.
final class Database: Sendable {
  private let queue: DispatchQueue
  private let handle: Mutex<OpaquePointer?>
  let path: String

  /// Opens (creating when absent) the database at `path` in WAL mode with full syncs.
  init(path: String) throws(StorageError) {
    var connection: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
    let status = sqlite3_open_v2(path, &connection, flags, nil)
    guard status == SQLITE_OK, let connection else {
      let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close(connection)
      throw StorageError(
        code: .open, message: "cannot open the database at \(path)", cause: message)
    }
    self.path = path
    self.handle = Mutex(connection)
    self.queue = DispatchQueue(label: "openshell.gateway.database")
    try withConnection { connection throws(StorageError) in
      try connection.execute("PRAGMA journal_mode=WAL")
      // An acknowledged write must survive power loss, not only a process crash.
      try connection.execute("PRAGMA synchronous=FULL")
      try connection.execute("PRAGMA foreign_keys=ON")
      try connection.execute("PRAGMA busy_timeout=5000")
    }
  }

  /// Runs `body` on the database's queue and returns its result.
  func run<T: Sendable>(
    _ body: @escaping @Sendable (Connection) throws(StorageError) -> T
  ) async throws(StorageError) -> T {
    let result: Result<T, StorageError> = await withCheckedContinuation { continuation in
      queue.async {
        do throws(StorageError) {
          continuation.resume(returning: .success(try self.withConnection(body)))
        } catch {
          continuation.resume(returning: .failure(error))
        }
      }
    }
    return try result.get()
  }

  /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, so a read-modify-write (the next policy
  /// version) cannot race another writer, and rolls back when it throws.
  func transaction<T: Sendable>(
    _ body: @escaping @Sendable (Connection) throws(StorageError) -> T
  ) async throws(StorageError) -> T {
    try await run { connection throws(StorageError) in
      try connection.execute("BEGIN IMMEDIATE")
      do throws(StorageError) {
        let value = try body(connection)
        try connection.execute("COMMIT")
        return value
      } catch {
        try? connection.execute("ROLLBACK")
        throw error
      }
    }
  }

  /// Closes the connection; later calls fail.
  func close() {
    queue.sync {
      handle.withLock { connection in
        sqlite3_close_v2(connection)
        connection = nil
      }
    }
  }

  private func withConnection<T>(
    _ body: (Connection) throws(StorageError) -> T
  ) throws(StorageError) -> T {
    let connection = handle.withLock { $0 }
    guard let connection else {
      throw StorageError(code: .closed, message: "the database is closed")
    }
    return try body(Connection(raw: connection))
  }
}

/// A borrowed view of the connection, valid only inside ``Database/run(_:)``.
struct Connection {
  fileprivate let raw: OpaquePointer

  /// Runs one or more statements that take no parameters and return no rows.
  func execute(_ sql: String) throws(StorageError) {
    var message: UnsafeMutablePointer<CChar>?
    guard sqlite3_exec(raw, sql, nil, nil, &message) == SQLITE_OK else {
      let detail = message.map { String(cString: $0) } ?? "unknown error"
      sqlite3_free(message)
      throw StorageError(code: .query, message: "a database statement failed", cause: detail)
    }
  }

  /// Runs `sql` with `bindings` and returns every row.
  @discardableResult
  func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StorageError) -> [Row] {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(raw, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw error("preparing a statement failed")
    }
    defer { sqlite3_finalize(statement) }

    for (offset, value) in bindings.enumerated() {
      let index = Int32(offset + 1)
      let status: Int32
      switch value {
      case .null:
        status = sqlite3_bind_null(statement, index)
      case .integer(let integer):
        status = sqlite3_bind_int64(statement, index, integer)
      case .text(let text):
        status = sqlite3_bind_text(statement, index, text, -1, Self.transient)
      case .blob(let bytes):
        status = bytes.withUnsafeBytes { buffer in
          // A zero-length blob still binds as a blob, not NULL.
          sqlite3_bind_blob64(
            statement,
            index,
            buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
            sqlite3_uint64(buffer.count),
            Self.transient
          )
        }
      }
      guard status == SQLITE_OK else { throw error("binding a parameter failed") }
    }

    var rows: [Row] = []
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { return rows }
      guard status == SQLITE_ROW else { throw error("running a statement failed") }
      rows.append(Row(columns: (0..<sqlite3_column_count(statement)).map { column(statement, $0) }))
    }
  }

  /// The row id of the last insert.
  var lastInsertRowID: Int64 {
    sqlite3_last_insert_rowid(raw)
  }

  /// How many rows the last statement changed.
  var changes: Int {
    Int(sqlite3_changes(raw))
  }

  private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
    switch sqlite3_column_type(statement, index) {
    case SQLITE_INTEGER:
      return .integer(sqlite3_column_int64(statement, index))
    case SQLITE_TEXT:
      return .text(String(cString: sqlite3_column_text(statement, index)))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(statement, index))
      guard count > 0, let base = sqlite3_column_blob(statement, index) else { return .blob([]) }
      return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
    default:
      return .null
    }
  }

  private func error(_ message: String) -> StorageError {
    StorageError(code: .query, message: message, cause: String(cString: sqlite3_errmsg(raw)))
  }

  /// SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A value bound to or read from a statement.
enum SQLValue: Hashable, Sendable {
  case null
  case integer(Int64)
  case text(String)
  case blob([UInt8])
}

/// One result row.
struct Row: Sendable {
  let columns: [SQLValue]

  func integer(_ index: Int) -> Int64 {
    if case .integer(let value) = columns[index] { return value }
    return 0
  }

  func text(_ index: Int) -> String {
    if case .text(let value) = columns[index] { return value }
    return ""
  }

  func blob(_ index: Int) -> [UInt8] {
    switch columns[index] {
    case .blob(let bytes): bytes
    case .text(let text): Array(text.utf8)
    default: []
    }
  }
}
