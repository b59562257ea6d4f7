import OpenShellAPI

/// The expected values of the Python peer's cases (`Python/peer.py`), built in Swift.
///
/// Each builder mirrors the Python function of the same name; a value changed on one side only
/// makes the cross-check tests fail.
enum Fixtures {
  static let mergeOperationHex = ["12036f6c64", "2807"]
  static let endpointUnknownHex = "3a0178a00601"
  static let responseUnknownHex = "9d0601020304c13e0102030405060708faffffff0f026869"

  static func ruleGitHub() -> NetworkPolicyRule {
    .with {
      $0.name = "github"
      $0.endpoints = [
        .with {
          $0.host = "api.github.com"
          $0.port = 443
          $0.protocol = "rest"
          $0.tls = "terminate"
          $0.enforcement = "enforce"
          $0.access = "read-only"
          $0.allowedIPs = ["140.82.112.0/20", "192.30.252.0/22"]
          $0.ports = [443, 8443, 70000, 0]
          $0.path = "/repos"
        },
        .with { $0.host = "*.githubusercontent.com" },
      ]
      $0.binaries = [.with { $0.path = "/usr/bin/git" }, .with { $0.path = "/usr/bin/curl" }]
    }
  }

  static func policy() -> SandboxPolicy {
    .with {
      $0.version = 3
      $0.filesystem = .with {
        $0.includeWorkdir = true
        $0.readOnly = ["/usr", "/etc"]
        $0.readWrite = ["/sandbox", "/tmp"]
      }
      $0.landlock = .with { $0.compatibility = "best_effort" }
      $0.process = .with {
        $0.runAsUser = "sandbox"
        $0.runAsGroup = "sandbox"
      }
      $0.networkPolicies = [
        "github": ruleGitHub(),
        "pypi": .with {
          $0.name = "pypi"
          $0.endpoints = [
            .with {
              $0.host = "pypi.org"
              $0.port = 443
              $0.ports = [4_294_967_295]
            }
          ]
        },
      ]
    }
  }

  static func updateConfigRequest() -> UpdateConfigRequest {
    .with {
      $0.name = "sandbox-1"
      $0.policy = policy()
      $0.settingKey = "log.level"
      $0.settingValue = .with { $0.value = .intValue(-1) }
      $0.deleteSetting = true
      $0.global = true
      $0.mergeOperations = mergeOperationHex.map { hex in
        .with { $0.unknownFields = .raw(Hex.decode(hex)) }
      }
    }
  }

  static func getSandboxConfigResponse() -> GetSandboxConfigResponse {
    .with {
      $0.policy = policy()
      $0.version = 4_294_967_295
      $0.policyHash = String(repeating: "ab", count: 32)
      $0.settings = [
        "log.level": .with {
          $0.value = .with { $0.value = .stringValue("debug") }
          $0.scope = .sandbox
        },
        "proxy.enabled": .with {
          $0.value = .with { $0.value = .boolValue(false) }
          $0.scope = .global
        },
        "retries": .with {
          $0.value = .with { $0.value = .intValue(.min) }
          $0.scope = SettingScope(rawValue: 7)
        },
        "blob": .with { $0.value = .with { $0.value = .bytesValue([0x00, 0xFF]) } },
        "empty": EffectiveSetting(),
      ]
      $0.configRevision = .max
      $0.policySource = .global
      $0.globalPolicyVersion = 12
      $0.providerEnvRevision = 1
    }
  }

  static func getGatewayConfigResponse() -> GetGatewayConfigResponse {
    .with {
      $0.settings = [
        "a": .with { $0.value = .stringValue("") },
        "b": .with { $0.value = .bytesValue([]) },
        "c": SettingValue(),
      ]
      $0.settingsRevision = 5
    }
  }

  static func sandboxLogLine() -> SandboxLogLine {
    .with {
      $0.sandboxID = "sb-1"
      $0.timestampMs = .min
      $0.level = "INFO"
      $0.target = "openshell::proxy"
      $0.message = "h\u{E9}llo \u{2192} \u{4E16}\u{754C} \u{1F680}"
      $0.source = "sandbox"
      $0.fields = ["": "empty key", "pid": "42", "path": "/tmp/\u{FC}"]
    }
  }

  static func pushSandboxLogsRequest() -> PushSandboxLogsRequest {
    .with {
      $0.sandboxID = "sb-1"
      $0.logs = [
        sandboxLogLine(),
        .with {
          $0.message = "second"
          $0.timestampMs = 1_700_000_000_000
        },
      ]
    }
  }

  static func objectMeta(
    _ id: String,
    _ name: String,
    _ created: Int64,
    _ labels: ProtoMap<String, String>
  ) -> ObjectMeta {
    .with {
      $0.id = id
      $0.name = name
      $0.createdAtMs = created
      $0.labels = labels
    }
  }

  static func provider() -> Provider {
    .with {
      $0.metadata = objectMeta(
        "prov-1", "openai", 1_700_000_000_123, ["team": "infra", "env": "prod"])
      $0.type = "openai"
      $0.credentials = ["OPENAI_API_KEY": "sk-test", "ORG": ""]
      $0.config = ["base_url": "https://api.openai.com/v1"]
    }
  }

  static func sandbox() -> Sandbox {
    .with {
      $0.metadata = objectMeta("sb-1", "dev", 1, ["a": "b"])
      $0.spec = .with {
        $0.logLevel = "debug"
        $0.environment = ["HOME": "/sandbox", "LANG": "C.UTF-8"]
        $0.policy = policy()
        $0.providers = ["openai", "github"]
      }
      $0.phase = .ready
      $0.currentPolicyVersion = 3
    }
  }

  static func getInferenceBundleResponse() -> GetInferenceBundleResponse {
    .with {
      $0.routes = [
        .with {
          $0.name = "default"
          $0.baseURL = "https://api.example.com/v1"
          $0.protocols = ["openai_chat_completions", "openai_responses"]
          $0.apiKey = "key-1"
          $0.modelID = "gpt-x"
          $0.providerType = "openai"
          $0.timeoutSecs = .max
        },
        .with { $0.name = "local" },
      ]
      $0.revision = "rev-9"
      $0.generatedAtMs = -1
    }
  }

  static func reportPolicyStatusRequest() -> ReportPolicyStatusRequest {
    .with {
      $0.sandboxID = "sb-1"
      $0.version = 2
      $0.status = .failed
      $0.loadError = "landlock unsupported"
    }
  }

  static func reportPolicyStatusUnknown() -> ReportPolicyStatusRequest {
    .with {
      $0.sandboxID = "sb-2"
      $0.status = PolicyStatus(rawValue: 42)
    }
  }

  static func policyChunk() -> PolicyChunk {
    .with {
      $0.id = "c1"
      $0.status = "pending"
      $0.ruleName = "github"
      $0.proposedRule = ruleGitHub()
      $0.rationale = "git fetch was denied"
      $0.confidence = 0.75
      $0.createdAtMs = 1_700_000_000_000
      $0.decidedAtMs = -5
    }
  }

  static func denialSummary() -> DenialSummary {
    .with {
      $0.sandboxID = "sb-1"
      $0.host = "evil.example"
      $0.port = 65535
      $0.binary = "/usr/bin/curl"
      $0.denyReason = "not in policy"
      $0.count = 4_294_967_295
    }
  }

  static func allTypesMax() -> AllTypes {
    .with {
      $0.fInt32 = .max
      $0.fInt64 = .max
      $0.fUInt32 = .max
      $0.fUInt64 = .max
      $0.fSInt32 = .max
      $0.fSInt64 = .max
      $0.fFixed32 = .max
      $0.fFixed64 = .max
      $0.fSFixed32 = .max
      $0.fSFixed64 = .max
      $0.fFloat = .greatestFiniteMagnitude
      $0.fDouble = .greatestFiniteMagnitude
      $0.fBool = true
      $0.fString = "max \u{2713}"
      $0.fBytes = Array(0...255)
      $0.fEnum = .blue
      $0.child = .with {
        $0.fInt32 = 1
        $0.child = .with { $0.fString = "grandchild" }
      }
      $0.rInt32 = [0, 1, -1, .max, .min]
      $0.rSInt64 = [0, -1, 1, .min, .max]
      $0.rFixed32 = [0, .max]
      $0.rDouble = [0, -0.0, 1.5, .infinity]
      $0.rBool = [true, false, true]
      $0.rEnum = [.red, .unspecified, .blue, Color(rawValue: 99)]
      $0.rString = ["", "a", "\u{FC}"]
      $0.children = [AllTypes(), .with { $0.fBool = true }]
      $0.rUInt64 = [0, .max, 300]
      $0.rFloat = [0.5, -2.25]
      $0.choice = .oMessage(.with { $0.fUInt32 = 7 })
      $0.mInt32String = [-1: "minus one", 0: "", .max: "max"]
      $0.mStringMessage = ["k": .with { $0.fSInt32 = -3 }, "": AllTypes()]
      $0.mUInt64Bytes = [.max: [0x01], 0: []]
      $0.mSInt32Enum = [.min: .red, 5: Color(rawValue: 42)]
    }
  }

  static func allTypesMin() -> AllTypes {
    .with {
      $0.fInt32 = .min
      $0.fInt64 = .min
      $0.fUInt32 = 1
      $0.fSInt32 = .min
      $0.fSInt64 = .min
      $0.fSFixed32 = .min
      $0.fSFixed64 = .min
      $0.fFloat = -.leastNonzeroMagnitude
      $0.fDouble = -.leastNonzeroMagnitude
      $0.fEnum = Color(rawValue: -1)
      $0.choice = .oString("")
    }
  }

  /// NaN never equals itself, so tests compare this case by bytes and bit patterns only.
  static func allTypesSpecial() -> AllTypes {
    .with {
      $0.fFloat = .nan
      $0.fDouble = -.infinity
      $0.fInt32 = -1
      $0.rFloat = [.infinity, -.infinity, .nan, -0.0]
      $0.rDouble = [.nan]
      $0.choice = .oUInt32(0)
    }
  }

  /// `unpacked_types` decoded as ``AllTypes``: the same repeated values, read unpacked.
  static func unpackedTypes() -> AllTypes {
    .with {
      $0.rInt32 = [0, 1, -1, .max, .min]
      $0.rSInt64 = [0, -1, 1, .min, .max]
      $0.rFixed32 = [0, .max]
      $0.rDouble = [0, -0.0, 1.5, .infinity]
      $0.rBool = [true, false, true]
      $0.rEnum = [.red, .unspecified, .blue, Color(rawValue: 99)]
      $0.rUInt64 = [0, .max, 300]
      $0.rFloat = [0.5, -2.25]
    }
  }
}
