import OpenShellAPI
import Testing

@Suite("Map fields")
struct MapTests {
  @Test("a decoded map is written back in the order its entries arrived")
  func decodeOrderKept() throws {
    let wire = Hex.decode("3a060a016212017a 3a060a0161120179")
    let decoded = try SandboxLogLine(serializedBytes: wire)
    #expect(decoded.fields.orderedEntries.map(\.key) == ["b", "a"])
    #expect(decoded.serializedBytes() == wire)
  }

  @Test("a map built in code is written sorted by key")
  func builtMapsSorted() {
    let line = SandboxLogLine.with { $0.fields = ["b": "2", "a": "1", "c": "3"] }
    #expect(
      Hex.encode(line.serializedBytes()) == "3a060a01611201313a060a01621201323a060a0163120133")
  }

  @Test("adding a key to a decoded map switches it to sorted order")
  func mutationSorts() throws {
    var line = try SandboxLogLine(serializedBytes: Hex.decode("3a060a016212017a3a060a0161120179"))
    line.fields["b"] = "changed"
    #expect(line.fields.orderedEntries.map(\.key) == ["b", "a"])
    line.fields["0"] = "new"
    #expect(line.fields.orderedEntries.map(\.key) == ["0", "a", "b"])
    line.fields["0"] = nil
    #expect(line.fields.count == 2)
  }

  @Test("entries missing a key or value take the defaults; a repeated key keeps the last value")
  func entryDefaults() throws {
    let decoded = try AllTypes(
      serializedBytes: Hex.decode("fa0100 fa01020801 fa01051203616263 fa01051203646566")
    )
    #expect(decoded.mInt32String[0] == "def")
    #expect(decoded.mInt32String[1] == "")
    #expect(decoded.mInt32String.count == 2)
  }

  @Test("key and value are always written, even at their defaults")
  func entryWritesDefaults() {
    let message = AllTypes.with { $0.mInt32String = [0: ""] }
    #expect(Hex.encode(message.serializedBytes()) == "fa010408001200")
  }

  @Test("maps compare by content, not by order")
  func equalityIgnoresOrder() throws {
    let decoded = try SandboxLogLine(
      serializedBytes: Hex.decode("3a060a016212017a3a060a0161120179"))
    #expect(decoded.fields == ["a": "y", "b": "z"])
  }
}
