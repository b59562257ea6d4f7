public import AuthCore
import Logging
public import OpenShellAPI

extension GatewayService {
  /// The most lines one `GetSandboxLogs` returns; also the default when the request says 0.
  static let defaultLogLines = 2000

  /// One `PushSandboxLogs` message: stores its lines for the sandbox, durably, before the
  /// transport reads the next message.
  ///
  /// - Returns: How many lines were stored.
  public func pushSandboxLogs(_ request: PushSandboxLogsRequest, principal: Principal)
    async throws -> Int
  {
    let (row, _) = try await sandboxForSupervisor(request.sandboxID, principal, "push logs for")
    guard !request.logs.isEmpty else { return 0 }
    let rows = request.logs.map { line in
      var line = line
      // The line belongs to the sandbox the call was admitted for, whatever it claims.
      line.sandboxID = row.id
      if line.source.isEmpty { line.source = "sandbox" }
      return LogLineRow(
        timestampMs: line.timestampMs, source: line.source, line: line.serializedBytes())
    }
    try await store.appendLogs(sandbox: row.name, lines: rows)
    return rows.count
  }

  /// `GetSandboxLogs`: the newest lines, oldest first, filtered by time, source and level.
  public func getSandboxLogs(_ request: GetSandboxLogsRequest, principal: Principal) async throws
    -> GetSandboxLogsResponse
  {
    let (row, _) = try await loadSandbox(request.sandboxID)
    try checkAccess(principal, to: row.name, "read the logs of")
    let minimum = try Self.levelRank(request.minLevel)
    let sources = Set(request.sources)
    let limit = request.lines == 0 ? Self.defaultLogLines : min(Int(request.lines), 10_000)

    // Filtering by level happens after the fetch, so fetch the whole ring when one is set.
    let fetch = minimum == nil && sources.isEmpty ? limit : store.logCapacity
    let (stored, total) = try await store.logs(
      sandbox: row.name, limit: fetch, sinceMs: request.sinceMs)
    var response = GetSandboxLogsResponse()
    for entry in stored where sources.isEmpty || sources.contains(entry.source) {
      let line = try SandboxLogLine(serializedBytes: entry.line)
      if let minimum, (try? Self.levelRank(line.level)).flatMap({ $0 }) ?? 0 < minimum { continue }
      response.logs.append(line)
    }
    if response.logs.count > limit { response.logs.removeFirst(response.logs.count - limit) }
    response.bufferTotal = UInt32(clamping: total)
    return response
  }

  /// Orders level names; `nil` for an empty name (no filter).
  static func levelRank(_ name: String) throws -> Int? {
    switch name.uppercased() {
    case "": return nil
    case "TRACE": return 0
    case "DEBUG": return 1
    case "INFO": return 2
    case "WARN", "WARNING": return 3
    case "ERROR": return 4
    default:
      throw RPCError.invalidArgument(
        "min_level '\(name)' is not one of TRACE, DEBUG, INFO, WARN, ERROR"
      )
    }
  }
}
