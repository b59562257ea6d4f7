internal import CSQLite
import Dispatch
import Synchronization

/// The gateway's SQLite database: one writer on a thread of its own, readers where the call is.
///
/// A write ends in an `fsync` (`synchronous=FULL`), which can take milliseconds, so writes
/// never run on the thread that serves calls: they hop to the writer's serial queue. One
/// writer is all a gateway needs. Reads take a read-only connection from a small pool and run
/// on the calling thread: WAL lets them proceed beside the writer, they see every committed
/// write, and they touch pages the OS already caches, so the hop to another thread and back
/// would cost more than the read. A read that misses the page cache does block its caller
/// for that disk read.
final class Database: Sendable {
  private let queue: DispatchQueue
  private let handle: Mutex<OpaquePointer?>
  private let statements = StatementCache()
  private let readers = Mutex(ReaderPool())
  /// Counts the write transactions that may change what a cached read saw; see
  /// ``read(cachedAs:_:)``.
  private let generation = Atomic<UInt64>(0)
  private let cache = Mutex(ReadCache())
  let path: String

  /// Opens (creating when absent) the database at `path` in WAL mode with full syncs.
  init(path: String) throws(StorageError) {
    let connection = try openConnection(
      path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
      purpose: "")
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

  /// Runs the read-only `body` on the calling thread with a read-only connection.
  ///
  /// - Throws: ``StorageError`` when the database is closed, cannot be opened for reading, or
  ///   `body` fails; a write inside `body` fails as SQLite refuses it on a read-only
  ///   connection.
  ///
  /// - Parameter snapshot: Whether every query in `body` sees the same committed state; off,
  ///   each query sees the state as of its own start. Defaults to `false`, which saves the
  ///   two statements of a transaction on reads of one query.
  func read<T>(
    snapshot: Bool = false,
    _ body: (Connection) throws(StorageError) -> T
  ) throws(StorageError) -> T {
    let reader = try takeReader()
    defer { giveBack(reader) }
    let connection = Connection(raw: reader.raw, statements: reader.statements)
    guard snapshot else { return try body(connection) }
    return try connection.inTransaction("BEGIN", body)
  }

  /// Runs the read-only, single-query `body` like ``read(snapshot:_:)``, or answers with
  /// what it returned before when no write that could change it has committed since.
  ///
  /// Reads that every call makes (a supervisor's config poll, a CLI listing sandboxes) then
  /// cost a lock and a lookup, not a read transaction with its file locks. A write bumps the
  /// generation after it commits and before its caller hears of it, so a read that starts
  /// after a write was acknowledged never gets an answer from before it.
  ///
  /// - Important: Only this process may write the database: a write from outside it would
  ///   leave cached answers stale. ``GatewayStore`` locks its state directory to hold others
  ///   off.
  /// - Parameters:
  ///   - key: The query's name, then its arguments; equal keys must mean equal queries.
  ///   - body: The read; what it returns tells its size, so the cache stays bounded (see
  ///     ``ReadCache``).
  func read<T: Sendable & CacheSized>(
    cachedAs key: [String],
    _ body: (Connection) throws(StorageError) -> T
  ) throws(StorageError) -> T {
    // Loaded before the read: if a write commits meanwhile, the answer is filed under the
    // older generation and never served after that write's bump.
    let current = generation.load(ordering: .acquiring)
    if let hit = cache.withLock({ $0.entries[key] }), hit.generation == current,
      let value = hit.value as? T
    {
      return value
    }
    let value = try read(body)
    let bytes = value.cacheBytes + key.reduce(64) { $0 + $1.utf8.count }
    cache.withLock { $0.insert(CachedRead(generation: current, value: value, bytes: bytes), key) }
    return value
  }

  private func takeReader() throws(StorageError) -> Reader {
    let pooled = readers.withLock { pool -> Result<Reader?, StorageError> in
      guard !pool.closed else {
        return .failure(StorageError(code: .closed, message: "the database is closed"))
      }
      return .success(pool.idle.popLast())
    }
    if let reader = try pooled.get() { return reader }
    return try Reader(path: path)
  }

  private func giveBack(_ reader: Reader) {
    let kept = readers.withLock { pool -> Bool in
      guard !pool.closed, pool.idle.count < ReaderPool.maximumIdle else { return false }
      pool.idle.append(reader)
      return true
    }
    if !kept { reader.close() }
  }

  /// Runs `body` on the writer's queue and returns its result.
  private func write<T: Sendable>(
    invalidatingCachedReads: Bool,
    _ body: @escaping @Sendable (Connection) throws(StorageError) -> T
  ) async throws(StorageError) -> T {
    let result: Result<T, StorageError> = await withCheckedContinuation { continuation in
      queue.async {
        let result: Result<T, StorageError>
        do throws(StorageError) {
          result = .success(try self.withConnection(body))
        } catch {
          result = .failure(error)
        }
        // Bumped whatever the outcome (a failed COMMIT may still have written), and before
        // the caller resumes: a read that starts after the answer misses the cache.
        if invalidatingCachedReads { self.generation.add(1, ordering: .releasing) }
        continuation.resume(returning: result)
      }
    }
    return try result.get()
  }

  /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, so a read-modify-write (the next policy
  /// version) cannot race another writer, and rolls back when it throws.
  ///
  /// - Parameters:
  ///   - invalidatingCachedReads: Whether cached reads must be redone after this write;
  ///     defaults to `true`. Only a write that touches no table a cached read reads (log
  ///     lines) may pass `false`.
  ///   - body: The statements.
  func transaction<T: Sendable>(
    invalidatingCachedReads: Bool = true,
    _ body: @escaping @Sendable (Connection) throws(StorageError) -> T
  ) async throws(StorageError) -> T {
    try await write(invalidatingCachedReads: invalidatingCachedReads) {
      connection throws(StorageError) in
      try connection.inTransaction("BEGIN IMMEDIATE", body)
    }
  }

  /// Closes the connection; later calls fail.
  func close() {
    // Nothing cached may answer once the database is gone.
    generation.add(1, ordering: .releasing)
    cache.withLock { $0 = ReadCache() }
    let idle = readers.withLock { pool in
      pool.closed = true
      defer { pool.idle = [] }
      return pool.idle
    }
    for reader in idle { reader.close() }
    queue.sync {
      handle.withLock { connection in
        statements.finalizeAll()
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
    return try body(Connection(raw: connection, statements: statements))
  }
}

/// Opens the database at `path` with `flags`; `purpose` ends the error message.
private func openConnection(
  _ path: String, flags: Int32, purpose: String
) throws(StorageError) -> OpaquePointer {
  var connection: OpaquePointer?
  let status = sqlite3_open_v2(path, &connection, flags, nil)
  guard status == SQLITE_OK, let connection else {
    let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
    sqlite3_close(connection)
    throw StorageError(
      code: .open, message: "cannot open the database at \(path)\(purpose)", cause: message)
  }
  return connection
}

/// About how many bytes a value holds, so the read cache can bound what it keeps.
protocol CacheSized {
  var cacheBytes: Int { get }
}

extension Array: CacheSized where Element: CacheSized {
  var cacheBytes: Int { reduce(16) { $0 + $1.cacheBytes } }
}

extension Optional: CacheSized where Wrapped: CacheSized {
  var cacheBytes: Int { self?.cacheBytes ?? 0 }
}

extension UInt8: CacheSized {
  var cacheBytes: Int { 1 }
}

extension Row: CacheSized {
  var cacheBytes: Int {
    columns.reduce(16) { total, column in
      switch column {
      case .text(let text): total + text.utf8.count + 16
      case .blob(let bytes): total + bytes.count + 16
      default: total + 16
      }
    }
  }
}

/// An answer ``Database/read(cachedAs:_:)`` keeps, and the write generation it was read
/// in.
struct CachedRead: Sendable {
  var generation: UInt64
  var value: any Sendable
  var bytes: Int
}

/// The answers ``Database/read(cachedAs:_:)`` keeps, bounded in count and in bytes.
///
/// A caller can ask for many different pages, or a listing of every row, without a write in
/// between; the bound keeps that from growing the gateway's memory. When full, the cache
/// starts over: it is refilled by the reads that are actually repeated.
struct ReadCache: Sendable {
  static let maximumEntries = 256
  static let maximumBytes = 16 << 20
  /// Larger answers are not kept at all, so one cannot evict everything else.
  static let maximumEntryBytes = maximumBytes / 16

  var entries: [[String]: CachedRead] = [:]
  var bytes = 0

  mutating func insert(_ entry: CachedRead, _ key: [String]) {
    guard entry.bytes <= Self.maximumEntryBytes else { return }
    if let old = entries[key] { bytes -= old.bytes }
    if entries.count >= Self.maximumEntries || bytes + entry.bytes > Self.maximumBytes {
      entries.removeAll(keepingCapacity: true)
      bytes = 0
    }
    entries[key] = entry
    bytes += entry.bytes
  }
}

/// Read-only connections not in use, at most ``maximumIdle`` of them.
private struct ReaderPool {
  /// Enough for every loop thread and a few other tasks reading at once; a reader past it
  /// is closed when its read ends.
  static let maximumIdle = 8
  var idle: [Reader] = []
  var closed = false
}

/// A read-only connection, used by one read at a time.
// Safe to send: the pool hands a reader to one caller at a time, through its Mutex, and the
// connection is opened with SQLITE_OPEN_NOMUTEX because it is never used by two at once.
private final class Reader: @unchecked Sendable {
  let raw: OpaquePointer
  let statements = StatementCache()

  init(path: String) throws(StorageError) {
    let connection = try openConnection(
      path, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, purpose: " for reading")
    sqlite3_busy_timeout(connection, 5000)
    raw = connection
  }

  func close() {
    statements.finalizeAll()
    sqlite3_close_v2(raw)
  }
}

/// Prepared statements by SQL text, so a statement is parsed and planned once per connection
/// rather than on every call.
///
/// Each cache belongs to one connection and is used only by whoever holds that connection:
/// the writer's serial queue, or the one caller that took a reader from the pool. The Mutex
/// makes that safe to state, and it is never contended.
private final class StatementCache: Sendable {
  private struct Statements: @unchecked Sendable {
    // Safe: the pointers are touched only by the connection's one user at a time, under the
    // Mutex.
    var byText: [String: OpaquePointer] = [:]
  }

  private let cache = Mutex(Statements())

  /// The cached statement for `sql`, prepared on first use; reset and unbound.
  func statement(_ sql: String, on connection: OpaquePointer) -> OpaquePointer? {
    if let statement = cache.withLock({ $0.byText[sql] }) { return statement }
    var statement: OpaquePointer?
    let flags = UInt32(SQLITE_PREPARE_PERSISTENT)
    guard sqlite3_prepare_v3(connection, sql, -1, flags, &statement, nil) == SQLITE_OK,
      let statement
    else {
      sqlite3_finalize(statement)
      return nil
    }
    cache.withLock { $0.byText[sql] = statement }
    return statement
  }

  func finalizeAll() {
    cache.withLock { statements in
      for statement in statements.byText.values { sqlite3_finalize(statement) }
      statements.byText = [:]
    }
  }
}

/// A borrowed view of a connection, valid only inside the closure it is handed to.
struct Connection {
  fileprivate let raw: OpaquePointer
  fileprivate let statements: StatementCache

  /// Runs one or more statements that take no parameters and return no rows.
  /// Runs `body` between `begin` and `COMMIT`, rolling back when it throws.
  func inTransaction<T>(
    _ begin: String, _ body: (Connection) throws(StorageError) -> T
  ) throws(StorageError) -> T {
    try execute(begin)
    do throws(StorageError) {
      let value = try body(self)
      try execute("COMMIT")
      return value
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  func execute(_ sql: String) throws(StorageError) {
    var message: UnsafeMutablePointer<CChar>?
    guard sqlite3_exec(raw, sql, nil, nil, &message) == SQLITE_OK else {
      let detail = message.map { String(cString: $0) } ?? "unknown error"
      sqlite3_free(message)
      throw StorageError(code: .query, message: "a database statement failed", cause: detail)
    }
  }

  /// Runs `sql` with `bindings` and returns every row.
  ///
  /// `sql` is a fixed text (values go in `bindings`): its prepared statement is cached for
  /// the life of the connection.
  @discardableResult
  func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StorageError) -> [Row] {
    guard let statement = statements.statement(sql, on: raw) else {
      throw error("preparing a statement failed")
    }
    // Reset even after an error, so the cached statement holds no lock and no bound value.
    defer {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
    }

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
