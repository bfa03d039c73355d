import CIVSShims
#if canImport(Glibc)
import Glibc
#endif

/// Where the callbacks of calls in flight run. In `thread` mode the event loop runs each as its call
/// finishes; in `manual` mode they wait in a queue, an eventfd is readable while any wait, and the
/// caller runs them on its own thread with dispatch(timeoutMs:) (a GLib, libuv or epoll loop watching
/// the fd).
final class Dispatcher: @unchecked Sendable {
    let mode: ClientConfig.DispatchMode
    /// The eventfd of manual mode (-1 in thread mode, or if the system refused one).
    let fd: Int32
    private let lock = Lock()
    private var queue: [() -> Void] = []

    init(mode: ClientConfig.DispatchMode) {
        self.mode = mode
        fd = mode == .manual ? civs_eventfd_new() : -1
    }

    deinit { if fd >= 0 { close(fd) } }

    /// A finished call's callback: run now (thread mode: the caller is the event loop) or queued.
    func deliver(_ callback: @escaping () -> Void) {
        guard mode == .manual else { return callback() }
        let wasEmpty: Bool = lock.withLock {
            queue.append(callback)
            return queue.count == 1
        }
        if wasEmpty && fd >= 0 { civs_eventfd_signal(fd) }
    }

    /// Runs the callbacks waiting now on this thread; with none waiting, waits up to timeoutMs for
    /// one (0: no wait; negative: as long as it takes). Returns how many ran.
    func dispatch(timeoutMs: Int32) -> Int {
        var ready = take()
        if ready.isEmpty && timeoutMs != 0 && fd >= 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let deadline = timeoutMs > 0 ? Clock.monotonic() + Double(timeoutMs) / 1000 : .infinity
            while ready.isEmpty {
                let left = deadline - Clock.monotonic()
                if left <= 0 { break }
                let wait: Int32 = left.isFinite ? Int32(min(left * 1000 + 1, 3_600_000)) : -1
                _ = poll(&p, 1, wait)
                ready = take()
            }
        }
        for callback in ready { callback() }
        return ready.count
    }

    /// Whether callbacks wait (manual mode).
    var hasWaiting: Bool { lock.withLock { !queue.isEmpty } }

    private func take() -> [() -> Void] {
        lock.withLock {
            guard !queue.isEmpty else { return [] }
            let ready = queue
            queue.removeAll()
            if fd >= 0 { civs_eventfd_drain(fd) } // not readable until the next callback waits
            return ready
        }
    }
}
