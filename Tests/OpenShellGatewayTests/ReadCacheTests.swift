import Testing

@testable import OpenShellGateway

@Suite("The store's read cache")
struct ReadCacheTests {
  private func entry(_ bytes: Int) -> CachedRead {
    CachedRead(generation: 0, value: 0, bytes: bytes)
  }

  @Test("its bytes never pass the bound; when full it starts over")
  func byteBound() {
    var cache = ReadCache()
    let size = ReadCache.maximumEntryBytes
    for index in 0..<100 {
      cache.insert(entry(size), ["page", "\(index)"])
      #expect(cache.bytes <= ReadCache.maximumBytes)
      #expect(cache.bytes == cache.entries.values.reduce(0) { $0 + $1.bytes })
    }
    #expect(cache.entries[["page", "99"]] != nil)
  }

  @Test("an answer too large is not kept, and nothing is evicted for it")
  func oversizedEntry() {
    var cache = ReadCache()
    cache.insert(entry(10), ["small"])
    cache.insert(entry(ReadCache.maximumEntryBytes + 1), ["huge"])
    #expect(cache.entries[["huge"]] == nil)
    #expect(cache.entries[["small"]] != nil)
    #expect(cache.bytes == 10)
  }

  @Test("the number of answers is bounded too, and a replaced answer is counted once")
  func countBound() {
    var cache = ReadCache()
    for index in 0..<1000 {
      cache.insert(entry(1), ["row", "\(index)"])
      #expect(cache.entries.count <= ReadCache.maximumEntries)
    }
    var replaced = ReadCache()
    replaced.insert(entry(100), ["same"])
    replaced.insert(entry(40), ["same"])
    #expect(replaced.bytes == 40)
  }
}
