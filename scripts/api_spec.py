"""The OpenShell API subset from /work/shared/WIRE.md, as data.

scripts/generate-api.py turns this into the .proto files under Protos/ and the Swift message
types under Sources/OpenShellAPI/Messages, so the two can never disagree on a field number.
Field lines read `<number> <type> <name> | <doc>`; types are proto types, `map<k,v>`,
`repeated <t>`, or a message/enum name. A line `oneof <name> | <doc>` opens a oneof whose
fields follow, indented by two spaces.
"""

PACKAGES = {
    "openshell.datamodel.v1": ("Protos/openshell/datamodel/v1/datamodel.proto", "Datamodel"),
    "openshell.sandbox.v1": ("Protos/openshell/sandbox/v1/sandbox.proto", "Sandbox"),
    "openshell.v1": ("Protos/openshell/v1/openshell.proto", "OpenShell"),
    "openshell.inference.v1": ("Protos/openshell/inference/v1/inference.proto", "Inference"),
}

PACKAGE_DOCS = {
    "openshell.datamodel.v1": "Records the gateway stores and hands out: object metadata and providers.",
    "openshell.sandbox.v1": "What a sandbox runs under: its policy, its settings and how it fetches them.",
    "openshell.v1": "The gateway's main API, called by the CLI and by sandbox supervisors.",
    "openshell.inference.v1": "Inference routing: which model provider a sandbox's inference calls reach.",
}

IMPORTS = {
    "openshell.datamodel.v1": [],
    "openshell.sandbox.v1": [],
    "openshell.v1": ["openshell.datamodel.v1", "openshell.sandbox.v1"],
    "openshell.inference.v1": ["openshell.v1"],
}

# (package, name, doc, [(value name, number, doc)])
ENUMS = [
    ("openshell.v1", "ServiceStatus", "How healthy the gateway says it is.", [
        ("SERVICE_STATUS_UNSPECIFIED", 0, "The peer did not say."),
        ("SERVICE_STATUS_HEALTHY", 1, "Serving normally."),
        ("SERVICE_STATUS_DEGRADED", 2, "Serving, with some dependency failing."),
        ("SERVICE_STATUS_UNHEALTHY", 3, "Not able to serve."),
    ]),
    ("openshell.v1", "PolicyStatus", "Where a sandbox is in loading a policy version.", [
        ("POLICY_STATUS_UNSPECIFIED", 0, "The supervisor did not say."),
        ("POLICY_STATUS_PENDING", 1, "Fetched, not yet enforced."),
        ("POLICY_STATUS_LOADED", 2, "Enforced."),
        ("POLICY_STATUS_FAILED", 3, "Refused by the supervisor; the load error says why."),
        ("POLICY_STATUS_SUPERSEDED", 4, "Replaced by a newer version before it loaded."),
    ]),
    ("openshell.v1", "SandboxPhase", "Where a sandbox is in its life.", [
        ("SANDBOX_PHASE_UNSPECIFIED", 0, "The gateway did not say."),
        ("SANDBOX_PHASE_PROVISIONING", 1, "Being created."),
        ("SANDBOX_PHASE_READY", 2, "Running and reachable."),
        ("SANDBOX_PHASE_ERROR", 3, "Failed; it will not become ready on its own."),
        ("SANDBOX_PHASE_DELETING", 4, "Being torn down."),
        ("SANDBOX_PHASE_UNKNOWN", 5, "The gateway lost track of it."),
    ]),
    ("openshell.sandbox.v1", "PolicySource", "Which level a sandbox's effective policy came from.", [
        ("POLICY_SOURCE_UNSPECIFIED", 0, "The gateway did not say."),
        ("POLICY_SOURCE_SANDBOX", 1, "The sandbox's own policy."),
        ("POLICY_SOURCE_GLOBAL", 2, "The gateway-wide policy, which overrides the sandbox's."),
    ]),
    ("openshell.sandbox.v1", "SettingScope", "Which level a setting's effective value came from.", [
        ("SETTING_SCOPE_UNSPECIFIED", 0, "The gateway did not say."),
        ("SETTING_SCOPE_SANDBOX", 1, "Set on the sandbox."),
        ("SETTING_SCOPE_GLOBAL", 2, "Set gateway-wide."),
    ]),
]

# (package, name, doc, fields)
MESSAGES = [
    # openshell.datamodel.v1
    ("openshell.datamodel.v1", "ObjectMeta", "Identity and labels every stored object carries.", """
1 string id | The object's unique id, assigned by the gateway.
2 string name | The object's name, unique within its kind.
3 int64 created_at_ms | When it was created, in milliseconds since the Unix epoch.
4 map<string,string> labels | Labels for selection, such as `team=infra`.
"""),
    ("openshell.datamodel.v1", "Provider", "An external service and the credentials sandboxes use to reach it.", """
1 ObjectMeta metadata | The provider's identity and labels.
2 string type | The kind of provider, such as `openai` or `github`.
3 map<string,string> credentials | Secret values by name; never log them.
4 map<string,string> config | Non-secret settings by name.
"""),
    # openshell.sandbox.v1
    ("openshell.sandbox.v1", "GetSandboxConfigRequest", "Asks for the configuration a sandbox runs under.", """
1 string sandbox_id | The sandbox asking; the gateway checks it against the caller's identity.
"""),
    ("openshell.sandbox.v1", "GetSandboxConfigResponse", "The policy and settings a sandbox runs under.", """
1 SandboxPolicy policy | The effective policy.
2 uint32 version | The policy's version, increasing with each change.
3 string policy_hash | Hex SHA-256 of the serialized policy.
4 map<string,EffectiveSetting> settings | Effective settings by key.
5 uint64 config_revision | Changes whenever anything in this response changes.
6 PolicySource policy_source | Whether the policy is the sandbox's own or the global one.
7 uint32 global_policy_version | The global policy's version when it applies.
8 uint64 provider_env_revision | The revision of the provider environment the sandbox should fetch.
"""),
    ("openshell.sandbox.v1", "GetGatewayConfigRequest", "Asks for the gateway-wide settings.", ""),
    ("openshell.sandbox.v1", "GetGatewayConfigResponse", "The gateway-wide settings.", """
1 map<string,SettingValue> settings | Settings by key.
2 uint64 settings_revision | Changes whenever any setting changes.
"""),
    ("openshell.sandbox.v1", "SettingValue", "One setting's value, of one of four kinds.", """
oneof value | The value; `nil` when unset.
  1 string string_value | A text value.
  2 bool bool_value | A flag.
  3 int64 int_value | A number.
  4 bytes bytes_value | Raw bytes.
"""),
    ("openshell.sandbox.v1", "EffectiveSetting", "A setting's value and the level it came from.", """
1 SettingValue value | The effective value.
2 SettingScope scope | Whether the sandbox or the gateway set it.
"""),
    ("openshell.sandbox.v1", "SandboxPolicy", "Everything a sandbox may touch: files, processes and network.", """
1 uint32 version | The policy format version.
2 FilesystemPolicy filesystem | Which paths the sandbox may read and write.
3 LandlockPolicy landlock | How strictly Landlock is applied.
4 ProcessPolicy process | Which user and group the sandbox runs as.
5 map<string,NetworkPolicyRule> network_policies | Network rules by name.
"""),
    ("openshell.sandbox.v1", "FilesystemPolicy", "Which paths a sandbox may read and write.", """
1 bool include_workdir | Whether the working directory is writable.
2 repeated string read_only | Paths the sandbox may read.
3 repeated string read_write | Paths the sandbox may read and write.
"""),
    ("openshell.sandbox.v1", "LandlockPolicy", "How strictly the Landlock LSM is applied.", """
1 string compatibility | The compatibility mode, such as `best_effort` or `hard_requirement`.
"""),
    ("openshell.sandbox.v1", "ProcessPolicy", "Which user and group a sandbox's processes run as.", """
1 string run_as_user | The user name.
2 string run_as_group | The group name.
"""),
    ("openshell.sandbox.v1", "NetworkPolicyRule", "A named rule allowing some binaries to reach some endpoints.", """
1 string name | The rule's name.
2 repeated NetworkEndpoint endpoints | The endpoints it allows.
3 repeated NetworkBinary binaries | The binaries it applies to.
"""),
    ("openshell.sandbox.v1", "NetworkEndpoint", "One endpoint a network rule allows; the full API has more fields, kept as unknown.", """
1 string host | The host name or pattern.
2 uint32 port | A single port; see `ports` for several.
3 string protocol | The application protocol, such as `rest`.
4 string tls | How TLS is handled, such as `terminate` or `passthrough`.
5 string enforcement | Whether violations are blocked or only audited.
6 string access | The access preset, such as `read-only`.
8 repeated string allowed_ips | Addresses or CIDRs the host may resolve to.
9 repeated uint32 ports | Several ports; packed on the wire.
15 string path | A path prefix the rule is limited to.
"""),
    ("openshell.sandbox.v1", "NetworkBinary", "A binary a network rule applies to.", """
1 string path | The binary's absolute path.
"""),
    # openshell.v1
    ("openshell.v1", "HealthRequest", "Asks whether the gateway is serving.", ""),
    ("openshell.v1", "HealthResponse", "Whether the gateway is serving.", """
1 ServiceStatus status | The gateway's health.
2 string version | The gateway's version.
"""),
    ("openshell.v1", "PolicyMergeOperation", "One incremental change to a policy, opaque to our subset.\n\nThe full API makes this a oneof of six merge kinds; our subset models none of them, so every field is kept as unknown bytes and forwarded intact.", ""),
    ("openshell.v1", "UpdateConfigRequest", "Changes a sandbox's or the gateway's policy or one setting.", """
1 string name | The sandbox to change; empty with `global` set.
2 openshell.sandbox.v1.SandboxPolicy policy | A whole new policy.
3 string setting_key | The setting to change.
4 openshell.sandbox.v1.SettingValue setting_value | The setting's new value.
5 bool delete_setting | Whether to remove the setting instead.
6 bool global | Whether the change is gateway-wide.
7 repeated PolicyMergeOperation merge_operations | Incremental policy changes, forwarded as opaque bytes.
"""),
    ("openshell.v1", "UpdateConfigResponse", "The outcome of a configuration change.", """
1 uint32 version | The policy version now in force.
2 string policy_hash | Hex SHA-256 of the serialized policy.
3 uint64 settings_revision | The settings revision now in force.
4 bool deleted | Whether a setting was removed.
"""),
    ("openshell.v1", "ReportPolicyStatusRequest", "A supervisor reporting how loading a policy version went.", """
1 string sandbox_id | The reporting sandbox.
2 uint32 version | The policy version the report is about.
3 PolicyStatus status | How loading it went.
4 string load_error | Why it failed, when it did.
"""),
    ("openshell.v1", "ReportPolicyStatusResponse", "Acknowledges a policy status report.", ""),
    ("openshell.v1", "PushSandboxLogsRequest", "A batch of log lines a supervisor streams to the gateway.", """
1 string sandbox_id | The sandbox the lines come from.
2 repeated SandboxLogLine logs | The lines, oldest first.
"""),
    ("openshell.v1", "PushSandboxLogsResponse", "Acknowledges a log stream when it ends.", ""),
    ("openshell.v1", "SandboxLogLine", "One log line from a sandbox.", """
1 string sandbox_id | The sandbox that wrote it.
2 int64 timestamp_ms | When, in milliseconds since the Unix epoch.
3 string level | The level, such as `INFO`.
4 string target | The component that logged it.
5 string message | The text.
6 string source | Where it came from, such as `gateway` or `sandbox`.
7 map<string,string> fields | Structured fields by name.
"""),
    ("openshell.v1", "GetSandboxLogsRequest", "Asks for a sandbox's recent log lines.", """
1 string sandbox_id | The sandbox.
2 uint32 lines | How many lines at most.
3 int64 since_ms | Only lines from this time on, in milliseconds since the Unix epoch.
4 repeated string sources | Only lines from these sources; all when empty.
5 string min_level | Only lines at this level or above.
"""),
    ("openshell.v1", "GetSandboxLogsResponse", "A sandbox's recent log lines.", """
1 repeated SandboxLogLine logs | The lines, oldest first.
2 uint32 buffer_total | How many lines the gateway holds for the sandbox.
"""),
    ("openshell.v1", "GetSandboxProviderEnvironmentRequest", "Asks for the environment variables a sandbox's providers supply.", """
1 string sandbox_id | The sandbox.
"""),
    ("openshell.v1", "GetSandboxProviderEnvironmentResponse", "The environment variables a sandbox's providers supply.", """
1 map<string,string> environment | Variables by name; values may be credentials.
2 uint64 provider_env_revision | Changes whenever the environment changes.
"""),
    ("openshell.v1", "SubmitPolicyAnalysisRequest", "Denials a sandbox saw and the policy changes proposed for them.", """
1 repeated DenialSummary summaries | The denials.
2 repeated PolicyChunk proposed_chunks | The proposed rules.
3 string analysis_mode | How the proposals were made.
4 string name | The sandbox.
"""),
    ("openshell.v1", "SubmitPolicyAnalysisResponse", "Which proposed policy chunks the gateway accepted.", """
1 uint32 accepted_chunks | How many were accepted.
2 uint32 rejected_chunks | How many were rejected.
3 repeated string rejection_reasons | Why each rejected one was.
4 repeated string accepted_chunk_ids | The accepted chunks' ids.
"""),
    ("openshell.v1", "DenialSummary", "Connections a sandbox was refused, grouped; the full API has more fields, kept as unknown.", """
1 string sandbox_id | The sandbox.
2 string host | The host it tried to reach.
3 uint32 port | The port.
4 string binary | The binary that tried.
6 string deny_reason | Why it was refused.
9 uint32 count | How many times.
"""),
    ("openshell.v1", "PolicyChunk", "A proposed network rule awaiting a decision; the full API has more fields, kept as unknown.", """
1 string id | The chunk's id.
2 string status | Its review status, such as `pending`.
3 string rule_name | The rule it would add or change.
4 openshell.sandbox.v1.NetworkPolicyRule proposed_rule | The rule.
5 string rationale | Why it was proposed.
7 float confidence | How confident the analysis is, from 0 to 1.
9 int64 created_at_ms | When it was proposed, in milliseconds since the Unix epoch.
10 int64 decided_at_ms | When it was decided, in milliseconds since the Unix epoch.
"""),
    ("openshell.v1", "GetDraftPolicyRequest", "Asks for a sandbox's draft policy chunks.", """
1 string name | The sandbox.
2 string status_filter | Only chunks with this status; all when empty.
"""),
    ("openshell.v1", "GetDraftPolicyResponse", "A sandbox's draft policy chunks.", """
1 repeated PolicyChunk chunks | The chunks.
2 string rolling_summary | A summary of recent analysis.
3 uint64 draft_version | Changes whenever the draft changes.
4 int64 last_analyzed_at_ms | When analysis last ran, in milliseconds since the Unix epoch.
"""),
    ("openshell.v1", "GetSandboxPolicyStatusRequest", "Asks how loading a policy version went.", """
1 string name | The sandbox; empty with `global` set.
2 uint32 version | The policy version; the latest when 0.
3 bool global | Whether to ask about the global policy.
"""),
    ("openshell.v1", "GetSandboxPolicyStatusResponse", "How loading one policy version went.", """
1 SandboxPolicyRevision revision | The version asked about.
2 uint32 active_version | The version the sandbox last loaded; 0 when none has loaded.
"""),
    ("openshell.v1", "ListSandboxPoliciesRequest", "Asks for a page of a sandbox's policy versions.", """
1 string name | The sandbox; ignored with `global` set.
2 uint32 limit | How many versions at most.
3 uint32 offset | How many of the newest versions to skip.
4 bool global | Whether to list the global policy's versions.
"""),
    ("openshell.v1", "ListSandboxPoliciesResponse", "A page of policy versions, newest first.", """
1 repeated SandboxPolicyRevision revisions | The versions.
"""),
    ("openshell.v1", "SandboxPolicyRevision", "One stored policy version and what became of it.", """
1 uint32 version | The version, increasing per sandbox.
2 string policy_hash | Hex SHA-256 of the serialized policy.
3 PolicyStatus status | How loading it went.
4 string load_error | Why it failed, when it did.
5 int64 created_at_ms | When the gateway stored it, in milliseconds since the Unix epoch.
6 int64 loaded_at_ms | When the sandbox reported it loaded, in milliseconds since the Unix epoch.
7 openshell.sandbox.v1.SandboxPolicy policy | The policy itself, when asked for.
"""),
    ("openshell.v1", "CreateSandboxRequest", "Asks for a new sandbox.", """
1 SandboxSpec spec | What to run.
2 string name | The sandbox's name; the gateway picks one when empty.
3 map<string,string> labels | Labels for selection.
"""),
    ("openshell.v1", "SandboxSpec", "What a sandbox runs; the full API has more fields, kept as unknown.", """
1 string log_level | The supervisor's log level.
5 map<string,string> environment | Environment variables by name.
7 openshell.sandbox.v1.SandboxPolicy policy | The sandbox's own policy.
8 repeated string providers | The providers attached to it, by name.
"""),
    ("openshell.v1", "GetSandboxRequest", "Asks for one sandbox.", """
1 string name | The sandbox.
"""),
    ("openshell.v1", "DeleteSandboxRequest", "Asks to delete a sandbox.", """
1 string name | The sandbox.
"""),
    ("openshell.v1", "DeleteSandboxResponse", "Whether a sandbox was deleted.", """
1 bool deleted | Whether it existed and was deleted.
"""),
    ("openshell.v1", "ListSandboxesRequest", "Asks for a page of sandboxes.", """
1 uint32 limit | How many at most; the gateway's default when 0.
2 uint32 offset | How many to skip.
3 string label_selector | Only sandboxes matching this selector, such as `team=infra`.
"""),
    ("openshell.v1", "ListSandboxesResponse", "A page of sandboxes.", """
1 repeated Sandbox sandboxes | The sandboxes.
"""),
    ("openshell.v1", "SandboxResponse", "One sandbox.", """
1 Sandbox sandbox | The sandbox.
"""),
    ("openshell.v1", "Sandbox", "A sandbox as the gateway tracks it; the full API has more fields, kept as unknown.", """
1 openshell.datamodel.v1.ObjectMeta metadata | Its identity and labels.
2 SandboxSpec spec | What it runs.
4 SandboxPhase phase | Where it is in its life.
5 uint32 current_policy_version | The policy version it has loaded.
"""),
    ("openshell.v1", "CreateProviderRequest", "Asks to store a new provider.", """
1 openshell.datamodel.v1.Provider provider | The provider.
"""),
    ("openshell.v1", "UpdateProviderRequest", "Asks to replace a stored provider.", """
1 openshell.datamodel.v1.Provider provider | The provider, found by its name.
"""),
    ("openshell.v1", "ProviderResponse", "One provider.", """
1 openshell.datamodel.v1.Provider provider | The provider.
"""),
    ("openshell.v1", "GetProviderRequest", "Asks for one provider.", """
1 string name | The provider.
"""),
    ("openshell.v1", "DeleteProviderRequest", "Asks to delete a provider.", """
1 string name | The provider.
"""),
    ("openshell.v1", "DeleteProviderResponse", "Whether a provider was deleted.", """
1 bool deleted | Whether it existed and was deleted.
"""),
    ("openshell.v1", "ListProvidersRequest", "Asks for a page of providers.", """
1 uint32 limit | How many at most; the gateway's default when 0.
2 uint32 offset | How many to skip.
"""),
    ("openshell.v1", "ListProvidersResponse", "A page of providers.", """
1 repeated openshell.datamodel.v1.Provider providers | The providers.
"""),
    ("openshell.v1", "AttachSandboxProviderRequest", "Asks to attach a provider to a sandbox.", """
1 string sandbox_name | The sandbox.
2 string provider_name | The provider.
"""),
    ("openshell.v1", "AttachSandboxProviderResponse", "The sandbox after attaching a provider.", """
1 Sandbox sandbox | The sandbox as it is now.
2 bool attached | Whether the provider was newly attached.
"""),
    ("openshell.v1", "DetachSandboxProviderRequest", "Asks to detach a provider from a sandbox.", """
1 string sandbox_name | The sandbox.
2 string provider_name | The provider.
"""),
    ("openshell.v1", "DetachSandboxProviderResponse", "The sandbox after detaching a provider.", """
1 Sandbox sandbox | The sandbox as it is now.
2 bool detached | Whether the provider was attached and is now detached.
"""),
    # openshell.inference.v1
    ("openshell.inference.v1", "GetInferenceBundleRequest", "Asks for the inference routes a sandbox may use.", ""),
    ("openshell.inference.v1", "GetInferenceBundleResponse", "The inference routes a sandbox may use.", """
1 repeated ResolvedRoute routes | The routes.
2 string revision | Changes whenever any route changes.
3 int64 generated_at_ms | When the bundle was built, in milliseconds since the Unix epoch.
"""),
    ("openshell.inference.v1", "ResolvedRoute", "One inference route with everything needed to call it.", """
1 string name | The route's name.
2 string base_url | The provider's API base URL.
3 repeated string protocols | The API dialects it speaks, such as `openai_chat_completions`.
4 string api_key | The credential; never log it.
5 string model_id | The model to request.
6 string provider_type | The kind of provider.
7 uint64 timeout_secs | How long a call may take, in seconds.
"""),
    ("openshell.inference.v1", "SetClusterInferenceRequest", "Asks to point a route at a provider and model.", """
1 string provider_name | The provider.
2 string model_id | The model.
3 string route_name | The route; the default route when empty.
6 uint64 timeout_secs | How long a call may take, in seconds.
"""),
    ("openshell.inference.v1", "SetClusterInferenceResponse", "A route's configuration after setting it.", """
1 string provider_name | The provider.
2 string model_id | The model.
3 uint64 version | Increases with each change.
4 string route_name | The route.
"""),
    ("openshell.inference.v1", "GetClusterInferenceRequest", "Asks for a route's configuration.", """
1 string route_name | The route; the default route when empty.
"""),
    ("openshell.inference.v1", "GetClusterInferenceResponse", "A route's configuration.", """
1 string provider_name | The provider.
2 string model_id | The model.
3 uint64 version | Increases with each change.
4 string route_name | The route.
"""),
]

# Streaming kinds.
U, SS, CS, BI = "unary", "serverStreaming", "clientStreaming", "bidirectionalStreaming"

# (service full name, doc, [(rpc, kind, request, response, doc)]). Requests and responses
# not in MESSAGES get a minimal proto message whose fields are outside our subset.
SERVICES = [
    ("openshell.v1.OpenShell", "The gateway's API.", [
        ("Health", U, "HealthRequest", "HealthResponse", "Reports whether the gateway is serving."),
        ("CreateSandbox", U, "CreateSandboxRequest", "SandboxResponse", "Creates a sandbox."),
        ("GetSandbox", U, "GetSandboxRequest", "SandboxResponse", "Returns one sandbox."),
        ("ListSandboxes", U, "ListSandboxesRequest", "ListSandboxesResponse", "Returns a page of sandboxes."),
        ("ListSandboxProviders", U, "ListSandboxProvidersRequest", "ListSandboxProvidersResponse", "Lists the providers attached to a sandbox."),
        ("AttachSandboxProvider", U, "AttachSandboxProviderRequest", "AttachSandboxProviderResponse", "Attaches a provider to a sandbox."),
        ("DetachSandboxProvider", U, "DetachSandboxProviderRequest", "DetachSandboxProviderResponse", "Detaches a provider from a sandbox."),
        ("DeleteSandbox", U, "DeleteSandboxRequest", "DeleteSandboxResponse", "Deletes a sandbox."),
        ("CreateSshSession", U, "CreateSshSessionRequest", "CreateSshSessionResponse", "Opens an SSH session into a sandbox."),
        ("ExposeService", U, "ExposeServiceRequest", "ExposeServiceResponse", "Exposes a port of a sandbox as a service."),
        ("GetService", U, "GetServiceRequest", "GetServiceResponse", "Returns one exposed service."),
        ("ListServices", U, "ListServicesRequest", "ListServicesResponse", "Lists exposed services."),
        ("DeleteService", U, "DeleteServiceRequest", "DeleteServiceResponse", "Stops exposing a service."),
        ("RevokeSshSession", U, "RevokeSshSessionRequest", "RevokeSshSessionResponse", "Ends an SSH session."),
        ("ExecSandbox", SS, "ExecSandboxRequest", "ExecSandboxEvent", "Runs a command in a sandbox and streams its output."),
        ("ForwardTcp", BI, "ForwardTcpFrame", "ForwardTcpFrame", "Carries a TCP connection to a port inside a sandbox."),
        ("CreateProvider", U, "CreateProviderRequest", "ProviderResponse", "Stores a new provider."),
        ("GetProvider", U, "GetProviderRequest", "ProviderResponse", "Returns one provider."),
        ("ListProviders", U, "ListProvidersRequest", "ListProvidersResponse", "Returns a page of providers."),
        ("ListProviderProfiles", U, "ListProviderProfilesRequest", "ListProviderProfilesResponse", "Lists provider profiles."),
        ("GetProviderProfile", U, "GetProviderProfileRequest", "GetProviderProfileResponse", "Returns one provider profile."),
        ("ImportProviderProfiles", U, "ImportProviderProfilesRequest", "ImportProviderProfilesResponse", "Imports provider profiles."),
        ("LintProviderProfiles", U, "LintProviderProfilesRequest", "LintProviderProfilesResponse", "Checks provider profiles without storing them."),
        ("UpdateProvider", U, "UpdateProviderRequest", "ProviderResponse", "Replaces a stored provider."),
        ("DeleteProvider", U, "DeleteProviderRequest", "DeleteProviderResponse", "Deletes a provider."),
        ("DeleteProviderProfile", U, "DeleteProviderProfileRequest", "DeleteProviderProfileResponse", "Deletes a provider profile."),
        ("GetSandboxConfig", U, "openshell.sandbox.v1.GetSandboxConfigRequest", "openshell.sandbox.v1.GetSandboxConfigResponse", "Returns the policy and settings a sandbox runs under."),
        ("GetGatewayConfig", U, "openshell.sandbox.v1.GetGatewayConfigRequest", "openshell.sandbox.v1.GetGatewayConfigResponse", "Returns the gateway-wide settings."),
        ("UpdateConfig", U, "UpdateConfigRequest", "UpdateConfigResponse", "Changes a policy or a setting."),
        ("GetSandboxPolicyStatus", U, "GetSandboxPolicyStatusRequest", "GetSandboxPolicyStatusResponse", "Reports how loading a policy version went."),
        ("ListSandboxPolicies", U, "ListSandboxPoliciesRequest", "ListSandboxPoliciesResponse", "Lists a sandbox's policy versions."),
        ("ReportPolicyStatus", U, "ReportPolicyStatusRequest", "ReportPolicyStatusResponse", "Records how loading a policy version went."),
        ("GetSandboxProviderEnvironment", U, "GetSandboxProviderEnvironmentRequest", "GetSandboxProviderEnvironmentResponse", "Returns the environment a sandbox's providers supply."),
        ("GetSandboxLogs", U, "GetSandboxLogsRequest", "GetSandboxLogsResponse", "Returns a sandbox's recent log lines."),
        ("PushSandboxLogs", CS, "PushSandboxLogsRequest", "PushSandboxLogsResponse", "Streams a sandbox's log lines to the gateway."),
        ("ConnectSupervisor", BI, "SupervisorMessage", "GatewayMessage", "The control channel a sandbox supervisor holds open for the sandbox's life."),
        ("RelayStream", BI, "RelayFrame", "RelayFrame", "Carries SSH and exec traffic between the gateway and a sandbox supervisor."),
        ("WatchSandbox", SS, "WatchSandboxRequest", "SandboxStreamEvent", "Streams changes to a sandbox."),
        ("SubmitPolicyAnalysis", U, "SubmitPolicyAnalysisRequest", "SubmitPolicyAnalysisResponse", "Submits denials and proposed policy chunks."),
        ("GetDraftPolicy", U, "GetDraftPolicyRequest", "GetDraftPolicyResponse", "Returns a sandbox's draft policy chunks."),
        ("ApproveDraftChunk", U, "ApproveDraftChunkRequest", "ApproveDraftChunkResponse", "Approves one draft chunk."),
        ("RejectDraftChunk", U, "RejectDraftChunkRequest", "RejectDraftChunkResponse", "Rejects one draft chunk."),
        ("ApproveAllDraftChunks", U, "ApproveAllDraftChunksRequest", "ApproveAllDraftChunksResponse", "Approves every pending draft chunk."),
        ("EditDraftChunk", U, "EditDraftChunkRequest", "EditDraftChunkResponse", "Changes a draft chunk before deciding on it."),
        ("UndoDraftChunk", U, "UndoDraftChunkRequest", "UndoDraftChunkResponse", "Reverts the last decision on a draft chunk."),
        ("ClearDraftChunks", U, "ClearDraftChunksRequest", "ClearDraftChunksResponse", "Removes every draft chunk."),
        ("GetDraftHistory", U, "GetDraftHistoryRequest", "GetDraftHistoryResponse", "Returns the decisions made on draft chunks."),
    ]),
    ("openshell.inference.v1.Inference", "Inference routing.", [
        ("GetInferenceBundle", U, "GetInferenceBundleRequest", "GetInferenceBundleResponse", "Returns the routes a sandbox may use."),
        ("SetClusterInference", U, "SetClusterInferenceRequest", "SetClusterInferenceResponse", "Points a route at a provider and model."),
        ("GetClusterInference", U, "GetClusterInferenceRequest", "GetClusterInferenceResponse", "Returns a route's configuration."),
        ("Health", U, "openshell.v1.HealthRequest", "openshell.v1.HealthResponse", "Legacy health check that older deployments still call; unauthenticated."),
    ]),
    ("openshell.sandbox.v1.SandboxService", "Legacy sandbox API that older supervisors still call.", [
        ("GetSandboxConfig", U, "GetSandboxConfigRequest", "GetSandboxConfigResponse", "Legacy path of `OpenShell.GetSandboxConfig`."),
    ]),
]
