import OpenShellCLI
import Testing

private let parser = CommandLineParser(options: [
  OptionSpec("port", environment: "OPENSHELL_PORT", kind: .value(placeholder: "PORT"), help: "p"),
  OptionSpec("disable-tls", environment: "OPENSHELL_DISABLE_TLS", kind: .flag, help: "d"),
  OptionSpec("sandbox", kind: .repeatedValue(placeholder: "NAME"), help: "s"),
])

@Suite("Command-line parser")
struct CommandLineParserTests {
  @Test("a flag wins over its environment variable")
  func flagWins() throws {
    let parsed = try parser.parse(["--port", "9000"], environment: ["OPENSHELL_PORT": "7000"])
    #expect(parsed.value("port") == "9000")
    let fromEnvironment = try parser.parse([], environment: ["OPENSHELL_PORT": "7000"])
    #expect(fromEnvironment.value("port") == "7000")
  }

  @Test("both --name value and --name=value forms, repeatable options and positionals")
  func forms() throws {
    let parsed = try parser.parse(
      ["run", "--port=1", "--sandbox", "a", "--sandbox=b", "--disable-tls"],
      environment: [:]
    )
    #expect(parsed.value("port") == "1")
    #expect(parsed.allValues("sandbox") == ["a", "b"])
    #expect(parsed.isSet("disable-tls"))
    #expect(parsed.positionals == ["run"])
  }

  @Test(
    "removed SSH handshake flags fail with a migration hint and exit status 2",
    arguments: ["--ssh-handshake-secret", "--ssh-handshake-secret=x", "--ssh-handshake-skew-secs"]
  )
  func removedFlags(argument: String) {
    let error = #expect(throws: CommandLineError.self) {
      try parser.parse([argument, "value"], environment: [:])
    }
    #expect(error?.code == .removedOption)
    #expect(error?.exitStatus == 2)
    #expect(error?.message.contains("mutual TLS") == true)
  }

  @Test("leftover variables of removed options draw a warning that names the removal")
  func removedVariables() throws {
    let parsed = try parser.parse(
      [],
      environment: [
        "OPENSHELL_SSH_HANDSHAKE_SECRET": "s3cret", "OPENSHELL_SSH_HANDSHAKE_SKEW_SECS": "30",
      ]
    )
    #expect(parsed.warnings.count == 2)
    #expect(parsed.warnings.allSatisfy { $0.contains("removed") && $0.contains("no effect") })
    #expect(!parsed.warnings.joined().contains("s3cret"))
  }

  @Test("unknown options, missing values and non-boolean variables are usage errors")
  func errors() {
    #expect(throws: CommandLineError.self) { try parser.parse(["--nope"], environment: [:]) }
    #expect(throws: CommandLineError.self) { try parser.parse(["--port"], environment: [:]) }
    #expect(throws: CommandLineError.self) {
      try parser.parse(["--disable-tls=yes"], environment: [:])
    }
    let error = #expect(throws: CommandLineError.self) {
      try parser.parse([], environment: ["OPENSHELL_DISABLE_TLS": "maybe"])
    }
    #expect(error?.code == .invalidValue)
  }
}
