/// The gateway's durable state in an embedded SQLite database.
///
/// The store knows rows, not API messages: records are kept as the serialized messages the
/// service layer hands it, so a policy keeps its exact bytes (and hash), unknown fields
/// included. Every write is acknowledged only after SQLite committed it with a full sync.
public final class GatewayStore: Sendable {
  private let database: Database
  /// Holds an exclusive `flock` on `gateway.lock` in the state folder while the store is open.
  private let lock: StateDirectoryLock

  /// How many log lines each sandbox keeps; older lines are dropped first.
  public let logCapacity: Int

  /// Opens (creating when absent) the store in `directory`.
  ///
  /// - Parameters:
  ///   - directory: The state folder; the database is `gateway.sqlite3` inside it.
  ///   - logCapacity: Log lines kept per sandbox; defaults to 10,000.
  /// - Throws: ``StorageError`` when the database cannot be opened or migrated.
  public init(directory: String, logCapacity: Int = 10_000) async throws(StorageError) {
    // One gateway per state folder: the store answers repeated reads from memory until its
    // own next write, which only holds while nobody else writes the database.
    lock = try StateDirectoryLock(directory: directory)
    database = try Database(path: "\(directory)/gateway.sqlite3")
    self.logCapacity = logCapacity
    try await database.transaction { connection throws(StorageError) in
      try connection.execute(Self.schema)
    }
  }

  /// The database file.
  public var path: String { database.path }

  /// Closes the database; the gateway calls this last on shutdown.
  public func close() {
    database.close()
    lock.release()
  }

  private static let schema = """
    CREATE TABLE IF NOT EXISTS counters (
      name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS sandboxes (
      id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,
      created_at_ms INTEGER NOT NULL, record BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS providers (
      name TEXT PRIMARY KEY, record BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS policies (
      scope TEXT NOT NULL, version INTEGER NOT NULL, policy BLOB NOT NULL,
      hash TEXT NOT NULL, status INTEGER NOT NULL, load_error TEXT NOT NULL DEFAULT '',
      created_at_ms INTEGER NOT NULL, loaded_at_ms INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (scope, version));
    CREATE TABLE IF NOT EXISTS settings (
      scope TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
      PRIMARY KEY (scope, key));
    CREATE TABLE IF NOT EXISTS logs (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, sandbox TEXT NOT NULL,
      timestamp_ms INTEGER NOT NULL, source TEXT NOT NULL, line BLOB NOT NULL);
    CREATE INDEX IF NOT EXISTS logs_by_sandbox ON logs (sandbox, seq);
    CREATE TABLE IF NOT EXISTS draft_chunks (
      sandbox TEXT NOT NULL, id TEXT NOT NULL, chunk BLOB NOT NULL,
      created_at_ms INTEGER NOT NULL, PRIMARY KEY (sandbox, id));
    CREATE TABLE IF NOT EXISTS inference_routes (
      route TEXT PRIMARY KEY, record BLOB NOT NULL, version INTEGER NOT NULL);
    """
}

// MARK: - Rows

/// A stored sandbox.
public struct SandboxRow: Hashable, Sendable {
  /// The sandbox's id, assigned at creation.
  public var id: String
  /// The sandbox's unique name.
  public var name: String
  /// When it was created, in milliseconds since 1970.
  public var createdAtMs: Int64
  /// The serialized `Sandbox` message.
  public var record: [UInt8]

  /// Creates a row.
  public init(id: String, name: String, createdAtMs: Int64, record: [UInt8]) {
    self.id = id
    self.name = name
    self.createdAtMs = createdAtMs
    self.record = record
  }
}

/// One stored policy version.
public struct PolicyRow: Hashable, Sendable {
  /// The version, from 1, increasing per scope.
  public var version: UInt32
  /// The serialized `SandboxPolicy`, exactly as received.
  public var policy: [UInt8]
  /// Lower-case hex SHA-256 of ``policy``.
  public var hash: String
  /// The `PolicyStatus` the sandbox last reported for this version.
  public var status: Int32
  /// The sandbox's error when it failed to load this version.
  public var loadError: String
  /// When this version was stored, in milliseconds since 1970.
  public var createdAtMs: Int64
  /// When the sandbox reported it loaded, in milliseconds since 1970; 0 until then.
  public var loadedAtMs: Int64
}

/// One stored log line.
public struct LogLineRow: Hashable, Sendable {
  /// When the line was logged, in milliseconds since 1970.
  public var timestampMs: Int64
  /// Where it came from (`sandbox`, `gateway`…).
  public var source: String
  /// The serialized `SandboxLogLine`.
  public var line: [UInt8]

  /// Creates a row.
  public init(timestampMs: Int64, source: String, line: [UInt8]) {
    self.timestampMs = timestampMs
    self.source = source
    self.line = line
  }
}

// MARK: - Counters

extension GatewayStore {
  /// A monotonic counter, such as the settings revision.
  public struct Counter: Hashable, Sendable {
    let name: String

    /// Bumped on every change to settings at either scope.
    public static let settingsRevision = Counter(name: "settings_revision")
    /// Bumped on every change to a provider or an attachment.
    public static let providerEnvironmentRevision = Counter(name: "provider_env_revision")
    /// Bumped on every policy analysis submitted.
    public static let draftVersion = Counter(name: "draft_version")
  }

  /// The current value of `counter`; 0 before its first change.
  public func value(of counter: Counter) async throws(StorageError) -> UInt64 {
    try database.read { connection throws(StorageError) in
      try Self.read(counter, connection)
    }
  }

  fileprivate static func read(_ counter: Counter, _ connection: Connection) throws(StorageError)
    -> UInt64
  {
    let rows = try connection.query(
      "SELECT value FROM counters WHERE name = ?",
      [.text(counter.name)]
    )
    return UInt64(rows.first?.integer(0) ?? 0)
  }

  @discardableResult
  fileprivate static func bump(_ counter: Counter, _ connection: Connection) throws(StorageError)
    -> UInt64
  {
    try connection.query(
      """
      INSERT INTO counters (name, value) VALUES (?, 1)
      ON CONFLICT (name) DO UPDATE SET value = value + 1
      """,
      [.text(counter.name)]
    )
    return try read(counter, connection)
  }
}

// MARK: - Sandboxes

extension GatewayStore {
  /// Stores a new sandbox; returns `false` when the name is taken.
  public func insertSandbox(_ row: SandboxRow) async throws(StorageError) -> Bool {
    try await database.transaction { connection throws(StorageError) in
      guard
        try connection.query("SELECT 1 FROM sandboxes WHERE name = ?", [.text(row.name)])
          .isEmpty
      else { return false }
      try connection.query(
        "INSERT INTO sandboxes (id, name, created_at_ms, record) VALUES (?, ?, ?, ?)",
        [.text(row.id), .text(row.name), .integer(row.createdAtMs), .blob(row.record)]
      )
      return true
    }
  }

  /// The sandbox with `name`, or with the id `name` when no sandbox has that name.
  public func sandbox(named name: String) async throws(StorageError) -> SandboxRow? {
    try database.read(cachedAs: ["sandbox", name]) { connection throws(StorageError) in
      try connection.query(
        """
        SELECT id, name, created_at_ms, record FROM sandboxes
        WHERE name = ?1 OR id = ?1 ORDER BY name = ?1 DESC LIMIT 1
        """,
        [.text(name)]
      ).first.map(Self.sandboxRow)
    }
  }

  /// Sandboxes ordered by name.
  public func sandboxes(limit: Int, offset: Int) async throws(StorageError) -> [SandboxRow] {
    try database.read(cachedAs: ["sandboxes", "\(limit)", "\(offset)"]) {
      connection throws(StorageError) in
      try connection.query(
        "SELECT id, name, created_at_ms, record FROM sandboxes ORDER BY name LIMIT ? OFFSET ?",
        [.integer(Int64(limit)), .integer(Int64(offset))]
      ).map(Self.sandboxRow)
    }
  }

  /// Replaces a sandbox's record with what `transform` makes of it, atomically.
  ///
  /// - Returns: The new row, or `nil` when no such sandbox exists.
  public func updateSandbox(
    named name: String,
    _ transform: @escaping @Sendable (SandboxRow) throws(StorageError) -> [UInt8]
  ) async throws(StorageError) -> SandboxRow? {
    try await database.transaction { connection throws(StorageError) in
      guard
        var row = try connection.query(
          "SELECT id, name, created_at_ms, record FROM sandboxes WHERE name = ?",
          [.text(name)]
        ).first.map(Self.sandboxRow)
      else { return nil }
      row.record = try transform(row)
      try connection.query(
        "UPDATE sandboxes SET record = ? WHERE name = ?",
        [.blob(row.record), .text(name)]
      )
      try Self.bump(.providerEnvironmentRevision, connection)
      return row
    }
  }

  /// Deletes a sandbox with its policies, settings, logs and drafts.
  ///
  /// - Returns: Whether a sandbox was deleted.
  public func deleteSandbox(named name: String) async throws(StorageError) -> Bool {
    try await database.transaction { connection throws(StorageError) in
      try connection.query("DELETE FROM sandboxes WHERE name = ?", [.text(name)])
      guard connection.changes > 0 else { return false }
      let scope = Self.sandboxScope(name)
      try connection.query("DELETE FROM policies WHERE scope = ?", [.text(scope)])
      try connection.query("DELETE FROM settings WHERE scope = ?", [.text(scope)])
      try connection.query("DELETE FROM logs WHERE sandbox = ?", [.text(name)])
      try connection.query("DELETE FROM draft_chunks WHERE sandbox = ?", [.text(name)])
      return true
    }
  }

  private static func sandboxRow(_ row: Row) -> SandboxRow {
    SandboxRow(id: row.text(0), name: row.text(1), createdAtMs: row.integer(2), record: row.blob(3))
  }
}

// MARK: - Providers

extension GatewayStore {
  /// Stores a new provider; returns `false` when the name is taken.
  public func insertProvider(name: String, record: [UInt8]) async throws(StorageError) -> Bool {
    try await database.transaction { connection throws(StorageError) in
      try connection.query(
        "INSERT INTO providers (name, record) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        [.text(name), .blob(record)]
      )
      guard connection.changes > 0 else { return false }
      try Self.bump(.providerEnvironmentRevision, connection)
      return true
    }
  }

  /// Replaces a provider's record; returns `false` when there is no such provider.
  public func updateProvider(name: String, record: [UInt8]) async throws(StorageError) -> Bool {
    try await database.transaction { connection throws(StorageError) in
      try connection.query(
        "UPDATE providers SET record = ? WHERE name = ?",
        [.blob(record), .text(name)]
      )
      guard connection.changes > 0 else { return false }
      try Self.bump(.providerEnvironmentRevision, connection)
      return true
    }
  }

  /// The provider named `name`.
  public func provider(named name: String) async throws(StorageError) -> [UInt8]? {
    try database.read(cachedAs: ["provider", name]) { connection throws(StorageError) in
      try connection.query("SELECT record FROM providers WHERE name = ?", [.text(name)])
        .first?.blob(0)
    }
  }

  /// Providers ordered by name.
  public func providers(limit: Int, offset: Int) async throws(StorageError) -> [[UInt8]] {
    try database.read(cachedAs: ["providers", "\(limit)", "\(offset)"]) {
      connection throws(StorageError) in
      try connection.query(
        "SELECT record FROM providers ORDER BY name LIMIT ? OFFSET ?",
        [.integer(Int64(limit)), .integer(Int64(offset))]
      ).map { $0.blob(0) }
    }
  }

  /// Deletes a provider; returns whether one was deleted.
  public func deleteProvider(named name: String) async throws(StorageError) -> Bool {
    try await database.transaction { connection throws(StorageError) in
      try connection.query("DELETE FROM providers WHERE name = ?", [.text(name)])
      guard connection.changes > 0 else { return false }
      try Self.bump(.providerEnvironmentRevision, connection)
      return true
    }
  }
}

// MARK: - Policies

extension GatewayStore {
  /// The policy scope of one sandbox.
  public static func sandboxScope(_ name: String) -> String { "sandbox/\(name)" }

  /// The global policy scope.
  public static let globalScope = "global"

  /// Stores `policy` as the next version of `scope`, unless it equals the latest version.
  ///
  /// The read of the latest version and the insert run in one `BEGIN IMMEDIATE`
  /// transaction, so two concurrent updates never get the same version.
  ///
  /// - Returns: The version and whether it is new.
  public func appendPolicy(
    scope: String,
    policy: [UInt8],
    hash: String,
    pendingStatus: Int32,
    nowMs: Int64
  ) async throws(StorageError) -> (version: UInt32, created: Bool) {
    try await database.transaction { connection throws(StorageError) in
      if let latest = try Self.latestPolicy(scope, connection), latest.hash == hash {
        return (latest.version, false)
      }
      let next =
        try connection.query(
          "SELECT COALESCE(MAX(version), 0) + 1 FROM policies WHERE scope = ?",
          [.text(scope)]
        ).first?.integer(0) ?? 1
      try connection.query(
        """
        INSERT INTO policies (scope, version, policy, hash, status, created_at_ms)
        VALUES (?, ?, ?, ?, ?, ?)
        """,
        [
          .text(scope), .integer(next), .blob(policy), .text(hash),
          .integer(Int64(pendingStatus)), .integer(nowMs),
        ]
      )
      return (UInt32(truncatingIfNeeded: next), true)
    }
  }

  /// The latest policy version of `scope`.
  public func latestPolicy(scope: String) async throws(StorageError) -> PolicyRow? {
    try database.read(cachedAs: ["latestPolicy", scope]) { connection throws(StorageError) in
      try Self.latestPolicy(scope, connection)
    }
  }

  /// One policy version of `scope`.
  public func policy(scope: String, version: UInt32) async throws(StorageError) -> PolicyRow? {
    try database.read { connection throws(StorageError) in
      try connection.query(
        "\(Self.policyColumns) WHERE scope = ? AND version = ?",
        [.text(scope), .integer(Int64(version))]
      ).first.map(Self.policyRow)
    }
  }

  /// Records the status a sandbox reported for one version; a version that loaded
  /// supersedes every older version that had loaded.
  ///
  /// - Returns: Whether the version exists.
  public func reportPolicyStatus(
    scope: String,
    version: UInt32,
    status: Int32,
    loadError: String,
    loadedStatus: Int32,
    supersededStatus: Int32,
    nowMs: Int64
  ) async throws(StorageError) -> Bool {
    try await database.transaction { connection throws(StorageError) in
      try connection.query(
        """
        UPDATE policies SET status = ?, load_error = ?,
          loaded_at_ms = CASE WHEN ? THEN ? ELSE loaded_at_ms END
        WHERE scope = ? AND version = ?
        """,
        [
          .integer(Int64(status)), .text(loadError), .integer(status == loadedStatus ? 1 : 0),
          .integer(nowMs), .text(scope), .integer(Int64(version)),
        ]
      )
      guard connection.changes > 0 else { return false }
      if status == loadedStatus {
        try connection.query(
          "UPDATE policies SET status = ? WHERE scope = ? AND version < ? AND status = ?",
          [
            .integer(Int64(supersededStatus)), .text(scope), .integer(Int64(version)),
            .integer(Int64(loadedStatus)),
          ]
        )
      }
      return true
    }
  }

  /// Policy versions of `scope`, newest first.
  public func policies(scope: String, limit: Int, offset: Int) async throws(StorageError)
    -> [PolicyRow]
  {
    try database.read { connection throws(StorageError) in
      try connection.query(
        "\(Self.policyColumns) WHERE scope = ? ORDER BY version DESC LIMIT ? OFFSET ?",
        [.text(scope), .integer(Int64(limit)), .integer(Int64(offset))]
      ).map(Self.policyRow)
    }
  }

  /// The newest version of `scope` whose status is `loadedStatus`, or 0.
  public func activePolicyVersion(scope: String, loadedStatus: Int32) async throws(StorageError)
    -> UInt32
  {
    try database.read { connection throws(StorageError) in
      let rows = try connection.query(
        "SELECT COALESCE(MAX(version), 0) FROM policies WHERE scope = ? AND status = ?",
        [.text(scope), .integer(Int64(loadedStatus))]
      )
      return UInt32(truncatingIfNeeded: rows.first?.integer(0) ?? 0)
    }
  }

  private static let policyColumns =
    "SELECT version, policy, hash, status, load_error, created_at_ms, loaded_at_ms FROM policies"

  private static func latestPolicy(_ scope: String, _ connection: Connection) throws(StorageError)
    -> PolicyRow?
  {
    try connection.query(
      "\(policyColumns) WHERE scope = ? ORDER BY version DESC LIMIT 1",
      [.text(scope)]
    ).first.map(policyRow)
  }

  private static func policyRow(_ row: Row) -> PolicyRow {
    PolicyRow(
      version: UInt32(truncatingIfNeeded: row.integer(0)),
      policy: row.blob(1),
      hash: row.text(2),
      status: Int32(truncatingIfNeeded: row.integer(3)),
      loadError: row.text(4),
      createdAtMs: row.integer(5),
      loadedAtMs: row.integer(6)
    )
  }
}

// MARK: - Settings

extension GatewayStore {
  /// Sets one setting and returns the new settings revision.
  public func setSetting(scope: String, key: String, value: [UInt8]) async throws(StorageError)
    -> UInt64
  {
    try await database.transaction { connection throws(StorageError) in
      try connection.query(
        """
        INSERT INTO settings (scope, key, value) VALUES (?, ?, ?)
        ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value
        """,
        [.text(scope), .text(key), .blob(value)]
      )
      return try Self.bump(.settingsRevision, connection)
    }
  }

  /// Deletes one setting; returns whether it existed and the settings revision after.
  public func deleteSetting(scope: String, key: String) async throws(StorageError)
    -> (deleted: Bool, revision: UInt64)
  {
    try await database.transaction { connection throws(StorageError) in
      try connection.query(
        "DELETE FROM settings WHERE scope = ? AND key = ?",
        [.text(scope), .text(key)]
      )
      guard connection.changes > 0 else {
        return (false, try Self.read(.settingsRevision, connection))
      }
      return (true, try Self.bump(.settingsRevision, connection))
    }
  }

  /// Every setting of `scope`, ordered by key, as serialized `SettingValue`s.
  public func settings(scope: String) async throws(StorageError) -> [(key: String, value: [UInt8])]
  {
    let rows = try database.read(cachedAs: ["settings", scope]) {
      connection throws(StorageError) in
      try connection.query(
        "SELECT key, value FROM settings WHERE scope = ? ORDER BY key",
        [.text(scope)]
      )
    }
    return rows.map { ($0.text(0), $0.blob(1)) }
  }
}

// MARK: - Logs

extension GatewayStore {
  /// Appends log lines for one sandbox, then drops the oldest beyond ``logCapacity``.
  public func appendLogs(sandbox: String, lines: [LogLineRow]) async throws(StorageError) {
    let capacity = logCapacity
    // Log lines are the one table no cached read looks at, and the busiest to write.
    try await database.transaction(invalidatingCachedReads: false) {
      connection throws(StorageError) in
      for line in lines {
        try connection.query(
          "INSERT INTO logs (sandbox, timestamp_ms, source, line) VALUES (?, ?, ?, ?)",
          [.text(sandbox), .integer(line.timestampMs), .text(line.source), .blob(line.line)]
        )
      }
      try connection.query(
        """
        DELETE FROM logs WHERE sandbox = ?1 AND seq <= (
          SELECT seq FROM logs WHERE sandbox = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)
        """,
        [.text(sandbox), .integer(Int64(capacity))]
      )
    }
  }

  /// The newest `limit` lines of a sandbox at or after `sinceMs`, oldest first, and how many
  /// lines the sandbox's buffer holds in all.
  public func logs(sandbox: String, limit: Int, sinceMs: Int64) async throws(StorageError)
    -> (lines: [LogLineRow], total: Int)
  {
    // One snapshot, so the total counts the same lines the page was taken from.
    try database.read(snapshot: true) { connection throws(StorageError) in
      let rows = try connection.query(
        """
        SELECT timestamp_ms, source, line FROM logs
        WHERE sandbox = ? AND timestamp_ms >= ? ORDER BY seq DESC LIMIT ?
        """,
        [.text(sandbox), .integer(sinceMs), .integer(Int64(limit))]
      )
      let total =
        try connection.query(
          "SELECT COUNT(*) FROM logs WHERE sandbox = ?",
          [.text(sandbox)]
        ).first?.integer(0) ?? 0
      let lines = rows.reversed().map {
        LogLineRow(timestampMs: $0.integer(0), source: $0.text(1), line: $0.blob(2))
      }
      return (lines, Int(total))
    }
  }
}

// MARK: - Draft policy

extension GatewayStore {
  /// Stores proposed chunks for a sandbox and bumps the draft version.
  ///
  /// - Returns: The new draft version.
  public func putDraftChunks(
    sandbox: String,
    chunks: [(id: String, chunk: [UInt8])],
    nowMs: Int64
  ) async throws(StorageError) -> UInt64 {
    try await database.transaction { connection throws(StorageError) in
      for (id, chunk) in chunks {
        try connection.query(
          """
          INSERT INTO draft_chunks (sandbox, id, chunk, created_at_ms) VALUES (?, ?, ?, ?)
          ON CONFLICT (sandbox, id) DO UPDATE SET chunk = excluded.chunk
          """,
          [.text(sandbox), .text(id), .blob(chunk), .integer(nowMs)]
        )
      }
      return try Self.bump(.draftVersion, connection)
    }
  }

  /// Every draft chunk of a sandbox, oldest first, and when the last was submitted.
  public func draftChunks(sandbox: String) async throws(StorageError)
    -> (chunks: [[UInt8]], lastAnalyzedAtMs: Int64)
  {
    try database.read { connection throws(StorageError) in
      let rows = try connection.query(
        "SELECT chunk, created_at_ms FROM draft_chunks WHERE sandbox = ? ORDER BY created_at_ms, id",
        [.text(sandbox)]
      )
      return (rows.map { $0.blob(0) }, rows.map { $0.integer(1) }.max() ?? 0)
    }
  }
}

// MARK: - Cluster inference

extension GatewayStore {
  /// Stores an inference route and returns its new version.
  public func setInferenceRoute(route: String, record: [UInt8]) async throws(StorageError)
    -> UInt64
  {
    try await database.transaction { connection throws(StorageError) in
      try connection.query(
        """
        INSERT INTO inference_routes (route, record, version) VALUES (?, ?, 1)
        ON CONFLICT (route) DO UPDATE SET record = excluded.record, version = version + 1
        """,
        [.text(route), .blob(record)]
      )
      return UInt64(
        try connection.query(
          "SELECT version FROM inference_routes WHERE route = ?",
          [.text(route)]
        ).first?.integer(0) ?? 1
      )
    }
  }

  /// Every inference route with its version, ordered by route name.
  public func inferenceRoutes() async throws(StorageError)
    -> [(route: String, record: [UInt8], version: UInt64)]
  {
    let rows = try database.read { connection throws(StorageError) in
      try connection.query("SELECT route, record, version FROM inference_routes ORDER BY route")
    }
    return rows.map { ($0.text(0), $0.blob(1), UInt64($0.integer(2))) }
  }
}

// MARK: - Sizes for the read cache

extension SandboxRow: CacheSized {
  var cacheBytes: Int { id.utf8.count + name.utf8.count + record.count + 32 }
}

extension PolicyRow: CacheSized {
  var cacheBytes: Int { policy.count + hash.utf8.count + loadError.utf8.count + 64 }
}
