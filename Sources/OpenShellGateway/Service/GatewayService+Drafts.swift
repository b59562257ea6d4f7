public import AuthCore
import Foundation
public import OpenShellAPI

extension GatewayService {
  /// `SubmitPolicyAnalysis`: a sandbox proposes policy chunks for a user to review.
  public func submitPolicyAnalysis(_ request: SubmitPolicyAnalysisRequest, principal: Principal)
    async throws -> SubmitPolicyAnalysisResponse
  {
    var name = request.name
    if name.isEmpty, case .sandbox(let sandbox) = principal, let bound = sandbox.sandboxName {
      name = bound
    }
    let (row, _) = try await sandboxForSupervisor(name, principal, "submit an analysis for")

    let now = nowMs()
    var response = SubmitPolicyAnalysisResponse()
    var accepted: [(id: String, chunk: [UInt8])] = []
    for (index, proposed) in request.proposedChunks.enumerated() {
      guard let rule = proposed.proposedRule, !proposed.ruleName.isEmpty else {
        response.rejectedChunks += 1
        response.rejectionReasons.append("chunk \(index) has no rule name or proposed rule")
        continue
      }
      var chunk = proposed
      chunk.proposedRule = rule
      // Ids are the gateway's, so a sandbox cannot overwrite a chunk a user already decided.
      chunk.id = UUID().uuidString.lowercased()
      chunk.status = "pending"
      chunk.createdAtMs = now
      chunk.decidedAtMs = 0
      accepted.append((chunk.id, chunk.serializedBytes()))
      response.acceptedChunkIDs.append(chunk.id)
    }
    if !accepted.isEmpty {
      _ = try await store.putDraftChunks(sandbox: row.name, chunks: accepted, nowMs: now)
    }
    response.acceptedChunks = UInt32(accepted.count)
    return response
  }

  /// `GetDraftPolicy`: the proposed chunks of one sandbox, optionally by status.
  public func getDraftPolicy(_ request: GetDraftPolicyRequest, principal: Principal) async throws
    -> GetDraftPolicyResponse
  {
    let (row, _) = try await loadSandbox(request.name)
    try checkAccess(principal, to: row.name, "read the draft policy of")
    let (chunks, lastAnalyzed) = try await store.draftChunks(sandbox: row.name)
    var response = GetDraftPolicyResponse()
    for bytes in chunks {
      let chunk = try PolicyChunk(serializedBytes: bytes)
      if request.statusFilter.isEmpty || chunk.status == request.statusFilter {
        response.chunks.append(chunk)
      }
    }
    response.draftVersion = try await store.value(of: .draftVersion)
    response.lastAnalyzedAtMs = lastAnalyzed
    return response
  }
}
