import OpenShellAPI

/// `grpc.health.v1.HealthCheckRequest`: field 1, `string service`.
struct HealthCheckRequest: ProtoMessage {
  var service = ""
  var unknownFields = UnknownFields()

  init() {}

  mutating func decodeField(_ decoder: inout ProtoDecoder) throws {
    if decoder.fieldNumber == 1 { try decoder.decode(&service, as: .string) }
  }

  func encodeFields(to encoder: inout ProtoEncoder) {
    encoder.encode(service, field: 1, as: .string)
  }
}

/// `grpc.health.v1.HealthCheckResponse`: field 1, the serving status (1 = SERVING,
/// 3 = SERVICE_UNKNOWN).
struct HealthCheckResponse: ProtoMessage {
  static let serving: Int32 = 1
  static let serviceUnknown: Int32 = 3

  var status: Int32 = 0
  var unknownFields = UnknownFields()

  init() {}

  mutating func decodeField(_ decoder: inout ProtoDecoder) throws {
    if decoder.fieldNumber == 1 { try decoder.decode(&status, as: .int32) }
  }

  func encodeFields(to encoder: inout ProtoEncoder) {
    encoder.encode(status, field: 1, as: .int32)
  }
}
