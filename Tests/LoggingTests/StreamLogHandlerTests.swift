import Testing

@testable import Logging

@Suite("Stream log handler")
struct StreamLogHandlerTests {
  func line(_ message: String = "call refused", _ metadata: Logger.Metadata = [:]) -> String {
    StreamLogHandler.line(
      for: LogRecord(label: "test", level: .notice, message: message, metadata: metadata),
      timestamp: "T")
  }

  @Test("plain values stay bare and keys are sorted")
  func plain() {
    #expect(line("hello", ["b": "2", "a": "x.y"]) == "T notice test: hello a=x.y b=2\n")
  }

  @Test("spaces, quotes, equals signs and backslashes are quoted and escaped")
  func quoting() {
    #expect(line("m", ["k": #"a "b"=\c"#]) == #"T notice test: m k="a \"b\"=\\c""# + "\n")
    #expect(line("m", ["k": ""]) == "T notice test: m k=\"\"\n")
  }

  @Test("a backslash in a message is escaped, so it cannot pass for an escape")
  func messageBackslash() {
    #expect(line(#"a\nb"#) == #"T notice test: a\\nb"# + "\n")
  }

  @Test(
    "control characters cannot forge a line or reach a terminal",
    arguments: [
      ("\u{1B}[31mRED\u{1B}[0m", #""\u{1b}[31mRED\u{1b}[0m""#),
      ("a\nnotice forged: x", #""a\nnotice forged: x""#),
      ("a\rb\tc", #""a\rb\tc""#),
      ("nul\u{0}del\u{7F}c1\u{85}ls\u{2028}", #""nul\u{0}del\u{7f}c1\u{85}ls\u{2028}""#),
      ("bidi\u{202E}txt\u{2066}", #""bidi\u{202e}txt\u{2066}""#),
    ])
  func controls(value: String, expected: String) {
    let written = line("x\u{1B}]0;title\u{7}", ["auth.subject": value])
    #expect(written == #"T notice test: x\u{1b}]0;title\u{7} auth.subject="# + expected + "\n")
    #expect(written.dropLast().contains { $0.isNewline } == false)
  }
}
