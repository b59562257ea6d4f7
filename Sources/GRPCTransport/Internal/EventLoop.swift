internal import CEpoll
internal import Glibc
import Synchronization

/// Something with a file descriptor that an ``EventLoop`` watches.
protocol EventLoopWatcher: AnyObject {
  /// Called on the loop thread with the `epoll` events that fired.
  func handleEvents(_ events: UInt32)
}

/// One thread that waits on `epoll` and runs everything that touches its connections.
///
/// Connections, their TLS state and their nghttp2 sessions belong to exactly one loop; other
/// threads reach them only through ``execute(_:)``, which queues a closure and wakes the loop
/// through an `eventfd`. The loop is also a `TaskExecutor`: the server runs its interceptor
/// and handler tasks here, so a call that never waits on anything else is served on the
/// thread that read it, with no hand-off to the cooperative pool and back.
// Safe to share: `epollFD` and `wakeFD` never change; `queue` sits behind a Mutex; the
// watcher table and the timers are read and written only by the loop thread itself.
final class EventLoop: @unchecked Sendable {
  private let epollFD: Int32
  private let wakeFD: Int32
  private let queue = Mutex<[Work]>([])
  /// The other half of ``runQueued()``'s double buffer; touched on the loop thread only.
  private var spareQueue: [Work] = []
  private let stopping = Atomic<Bool>(false)
  private let threadID = Atomic<UInt>(0)
  private var watchers: [Int32: any EventLoopWatcher] = [:]
  private var timerHeap: [(deadline: UInt64, id: UInt64)] = []
  private var timerWork: [UInt64: () -> Void] = [:]
  private var nextTimerID: UInt64 = 1
  private var afterQueue: [() -> Void] = []

  /// Scratch space for socket reads, shared by every connection on this loop.
  private var readBuffer = [UInt8](repeating: 0, count: EventLoop.readBufferSize)
  private static let readBufferSize = 64 * 1024

  /// Lends the read scratch space; give it back with ``returnReadBuffer(_:)``.
  ///
  /// The loop keeps no reference while it is lent: an array still shared with the loop
  /// would be copied, all 64 KiB of it, on the first write into it. A reader that runs
  /// while the space is lent (a callback that reads again) gets a fresh buffer.
  func borrowReadBuffer() -> [UInt8] {
    guard !readBuffer.isEmpty else {
      return [UInt8](repeating: 0, count: Self.readBufferSize)
    }
    var lent: [UInt8] = []
    swap(&lent, &readBuffer)
    return lent
  }

  /// Takes back the space ``borrowReadBuffer()`` lent.
  func returnReadBuffer(_ buffer: consuming [UInt8]) {
    readBuffer = buffer
  }

  init() throws {
    epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
    wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
    guard epollFD >= 0, wakeFD >= 0 else {
      throw TransportError(
        code: .bindFailed, message: "could not create an event loop", cause: errnoText())
    }
    var event = epoll_event()
    event.events = EPOLLIN.rawValue
    event.data.fd = wakeFD
    _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
  }

  /// Starts the loop's thread.
  func start() {
    let box = Unmanaged.passRetained(ThreadBody { [self] in self.run() }).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
      &thread, nil,
      { argument in
        let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
        body.run()
        return nil
      }, box)
    precondition(result == 0, "pthread_create failed")
    pthread_detach(thread)
  }

  /// Whether the caller is on this loop's thread.
  var inEventLoop: Bool {
    threadID.load(ordering: .acquiring) == UInt(pthread_self())
  }

  /// Runs `work` on the loop thread soon; safe from any thread.
  func execute(_ work: @escaping @Sendable () -> Void) {
    submit(.closure(work))
  }

  private func submit(_ work: Work) {
    // Only the first item needs a wake-up: a non-empty queue means one is already pending.
    // The loop thread itself never needs one, since it looks at the queue before it waits.
    let wasEmpty = queue.withLock { queued in
      queued.append(work)
      return queued.count == 1
    }
    guard wasEmpty, !inEventLoop else { return }
    var one: UInt64 = 1
    _ = write(wakeFD, &one, 8)
  }

  /// Stops the loop after the work already queued.
  func stop() {
    stopping.store(true, ordering: .releasing)
    execute {}
  }

  // MARK: - Loop-thread only

  func register(fd: Int32, events: UInt32, watcher: any EventLoopWatcher) {
    watchers[fd] = watcher
    var event = epoll_event()
    event.events = events
    event.data.fd = fd
    _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
  }

  func modify(fd: Int32, events: UInt32) {
    var event = epoll_event()
    event.events = events
    event.data.fd = fd
    _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
  }

  func deregister(fd: Int32) {
    watchers[fd] = nil
    _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
  }

  /// Runs `work` on the loop after `nanoseconds`; returns an id for ``cancelTimer(_:)``.
  @discardableResult
  func schedule(afterNanoseconds nanoseconds: UInt64, _ work: @escaping () -> Void) -> UInt64 {
    let id = nextTimerID
    nextTimerID += 1
    timerWork[id] = work
    timerHeap.append((monotonicNanoseconds() &+ nanoseconds, id))
    siftUp(timerHeap.count - 1)
    return id
  }

  func cancelTimer(_ id: UInt64) {
    timerWork[id] = nil
  }

  /// Runs `work` once the queue is empty, before the loop waits again: the place for a
  /// connection's flush, so everything its calls produced in this pass leaves together.
  func whenQueueDrained(_ work: @escaping () -> Void) {
    assert(inEventLoop, "whenQueueDrained is for the loop thread")
    afterQueue.append(work)
  }

  private func run() {
    threadID.store(UInt(pthread_self()), ordering: .releasing)
    var events = [epoll_event](repeating: epoll_event(), count: 256)
    while !stopping.load(ordering: .acquiring) {
      // Work queued by the loop thread itself (a task it resumed, a timer's follow-up) wrote
      // no wake-up, so a non-empty queue means: do not sleep.
      let idle = afterQueue.isEmpty && queue.withLock { $0.isEmpty }
      let timeout = idle ? nextTimeoutMilliseconds() : 0
      let count = epoll_wait(epollFD, &events, Int32(events.count), timeout)

      if count > 0 {
        for index in 0..<Int(count) {
          let fd = events[index].data.fd
          if fd == wakeFD {
            var value: UInt64 = 0
            _ = read(wakeFD, &value, 8)
          } else if let watcher = watchers[fd] {
            watcher.handleEvents(events[index].events)
          }
        }
      }
      runQueued()
      runTimers()
      runQueued()
      // Bounded, so a connection that keeps asking to flush (a large write past the
      // high-water mark) cannot keep the loop from reading its other sockets.
      var rounds = 0
      while !afterQueue.isEmpty && rounds < 16 {
        rounds += 1
        let work = afterQueue
        afterQueue.removeAll(keepingCapacity: true)
        for item in work { item() }
        runQueued()
      }
    }
    for (_, watcher) in watchers { watcher.handleEvents(EPOLLHUP.rawValue) }
    close(epollFD)
    close(wakeFD)
  }

  private func runQueued() {
    while true {
      // Two arrays take turns: the queue's is swapped for the empty spare, so neither is
      // ever shared and emptying one keeps its storage (copying it out then clearing the
      // queue in place allocated a new array on every pass).
      var work: [Work] = []
      swap(&work, &spareQueue)
      queue.withLock { swap(&$0, &work) }
      if work.isEmpty {
        spareQueue = work
        return
      }
      for item in work {
        switch item {
        case .closure(let body): body()
        case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
        }
      }
      work.removeAll(keepingCapacity: true)
      spareQueue = work
    }
  }

  private func runTimers() {
    let now = monotonicNanoseconds()
    while let first = timerHeap.first, first.deadline <= now {
      popTimer()
      if let work = timerWork.removeValue(forKey: first.id) { work() }
    }
  }

  private func nextTimeoutMilliseconds() -> Int32 {
    while let first = timerHeap.first, timerWork[first.id] == nil { popTimer() }
    guard let first = timerHeap.first else { return 1000 }
    let now = monotonicNanoseconds()
    if first.deadline <= now { return 0 }
    return Int32(min((first.deadline - now + 999_999) / 1_000_000, 1000))
  }

  private func popTimer() {
    timerHeap.swapAt(0, timerHeap.count - 1)
    timerHeap.removeLast()
    var index = 0
    while true {
      let left = 2 * index + 1
      let right = left + 1
      var smallest = index
      if left < timerHeap.count, timerHeap[left].deadline < timerHeap[smallest].deadline {
        smallest = left
      }
      if right < timerHeap.count, timerHeap[right].deadline < timerHeap[smallest].deadline {
        smallest = right
      }
      if smallest == index { return }
      timerHeap.swapAt(index, smallest)
      index = smallest
    }
  }

  private func siftUp(_ start: Int) {
    var index = start
    while index > 0 {
      let parent = (index - 1) / 2
      if timerHeap[parent].deadline <= timerHeap[index].deadline { return }
      timerHeap.swapAt(parent, index)
      index = parent
    }
  }
}

extension EventLoop: TaskExecutor {
  func enqueue(_ job: consuming ExecutorJob) {
    submit(.job(UnownedJob(job)))
  }
}

/// An item of an ``EventLoop``'s queue: a closure from ``EventLoop/execute(_:)`` or a job of a
/// task that prefers the loop as its executor.
private enum Work: Sendable {
  case closure(@Sendable () -> Void)
  case job(UnownedJob)
}

/// A fixed set of loops, one per core by default, handed out round-robin.
final class EventLoopGroup: Sendable {
  let loops: [EventLoop]
  private let next = Atomic<Int>(0)

  init(threads: Int) throws {
    loops = try (0..<max(1, threads)).map { _ in try EventLoop() }
    for loop in loops { loop.start() }
  }

  /// The group clients share when they are not given one.
  static let shared: EventLoopGroup = {
    // Creating an epoll descriptor fails only when the process is out of descriptors;
    // nothing can work then.
    try! EventLoopGroup(threads: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }()

  func nextLoop() -> EventLoop {
    loops[next.add(1, ordering: .relaxed).oldValue % loops.count]
  }

  func shutdown() {
    for loop in loops { loop.stop() }
  }
}

private final class ThreadBody {
  let run: () -> Void
  init(_ run: @escaping () -> Void) { self.run = run }
}

func monotonicNanoseconds() -> UInt64 {
  var spec = timespec()
  clock_gettime(CLOCK_MONOTONIC, &spec)
  return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

func errnoText(_ code: Int32 = errno) -> String {
  String(cString: strerror(code))
}
