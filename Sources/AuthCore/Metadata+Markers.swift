/// The internal marker that tells handlers a call was admitted as a sandbox supervisor.
///
/// Only the auth layer sets it, and only after the channel proved a sandbox identity. Every
/// copy a caller sent is removed before anything else looks at the metadata, so the marker
/// cannot be spoofed from outside.
public enum AuthMarker {
  /// The metadata key, `x-openshell-auth-source`.
  public static let key = "x-openshell-auth-source"

  /// The value that marks a sandbox caller, `sandbox`.
  public static let sandboxValue = "sandbox"
}

extension Metadata {
  /// Marks the call as coming from a sandbox supervisor.
  ///
  /// Any earlier copy of the marker is removed first, so exactly one remains.
  public mutating func markSandboxCaller() {
    clearAuthMarkers()
    append(name: AuthMarker.key, value: AuthMarker.sandboxValue)
  }

  /// Whether the auth layer marked the call as a sandbox caller.
  ///
  /// True only for exactly one marker with the exact value `sandbox`; anything else (no
  /// marker, two copies, another value) is not a sandbox caller.
  public var isSandboxCaller: Bool {
    let markers = values(forName: AuthMarker.key)
    return markers.count == 1 && markers[0] == AuthMarker.sandboxValue
  }

  /// Removes every copy of the auth marker, whatever the letter case of its name.
  public mutating func clearAuthMarkers() {
    removeAll(named: AuthMarker.key)
  }
}
