#if canImport(Glibc)
import Glibc
#endif

/// What a chat's callers (any thread: ivs_chat_send, ivs_chat_set_token, ivs_chat_close, the thread
/// that dispatches events) and its connection on the event loop share, under one mutex: the requests
/// waiting to be written, whether they can be, a token handed over, the room's message limit, the
/// events handed to the dispatcher and not yet run, and whether the chat has ended.
final class ChatShared: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    private var open = false
    private var closing = false
    private var finished = false
    private var outbox: [(id: String, frame: [UInt8])] = []
    private var outboxBytes = 0
    private var flushScheduled = false
    private var pendingToken: ChatToken? = nil
    private var maximumMessageLength: Int?
    private var pendingEvents = 0
    private var helpers = 0

    init(maximumMessageLength: Int?) {
        self.maximumMessageLength = maximumMessageLength
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    // MARK: Requests

    enum Refusal: Error { case closing, notConnected, queueFull }

    /// Queues a request's frame; true when the loop must be woken to write it.
    func enqueue(id: String, frame: [UInt8], limit: Int) -> Result<Bool, Refusal> {
        locked {
            if closing { return .failure(.closing) }
            guard open && !finished else { return .failure(.notConnected) }
            // An empty queue takes any one request, so a request larger than the limit (a long message
            // with attributes over a small maxQueuedBytes) is sent, not refused as "full" forever;
            // the queue then holds at most limit plus one request.
            guard outboxBytes == 0 || outboxBytes + frame.count <= limit else { return .failure(.queueFull) }
            outbox.append((id, frame))
            outboxBytes += frame.count
            let wake = !flushScheduled
            flushScheduled = true
            return .success(wake)
        }
    }

    /// The requests to write now (the loop, with the connection open).
    func takeOutbox() -> [(id: String, frame: [UInt8])] {
        locked {
            flushScheduled = false
            let taken = outbox
            outbox.removeAll()
            outboxBytes = 0
            return taken
        }
    }

    /// Whether requests are accepted; when they stop being, the ids of those never written.
    func setOpen(_ value: Bool) -> [String] {
        locked {
            open = value
            guard !value else { return [] }
            let unsent = outbox.map { $0.id }
            outbox.removeAll()
            outboxBytes = 0
            flushScheduled = false
            return unsent
        }
    }

    // MARK: Tokens and limits

    func setToken(_ t: ChatToken) { locked { pendingToken = t } }
    func takeToken() -> ChatToken? { locked { defer { pendingToken = nil }; return pendingToken } }

    var messageLength: Int? {
        get { locked { maximumMessageLength } }
        set { locked { maximumMessageLength = newValue } }
    }

    // MARK: Events in manual dispatch

    /// One more event handed to the dispatcher; the count waiting.
    func eventQueued() -> Int { locked { pendingEvents += 1; return pendingEvents } }
    /// One event ran; the count still waiting.
    func eventRan() -> Int { locked { pendingEvents -= 1; return pendingEvents } }
    var eventsWaiting: Int { locked { pendingEvents } }

    // MARK: The end

    /// ivs_chat_close was called: no request is accepted from now on.
    func requestClose() { locked { closing = true } }
    var isClosing: Bool { locked { closing } }

    /// The chat's last event was delivered (or queued, in manual dispatch).
    func markFinished() {
        locked {
            finished = true
            open = false
            pthread_cond_broadcast(cond)
        }
    }

    var isFinished: Bool { locked { finished } }

    func helperStarted() { locked { helpers += 1 } }
    func helperEnded() {
        locked {
            helpers -= 1
            pthread_cond_broadcast(cond)
        }
    }

    /// Waits until the chat finished and no connecting thread is left, at most seconds; whether it did.
    @discardableResult
    func waitFinished(seconds: Double) -> Bool {
        locked {
            let deadline = Clock.monotonic() + seconds
            while !(finished && helpers == 0) {
                let left = deadline - Clock.monotonic()
                if left <= 0 { break }
                var ts = timespec()
                clock_gettime(CLOCK_MONOTONIC, &ts)
                let ns = Int(min(left, 0.2) * 1e9) + ts.tv_nsec
                ts.tv_sec += ns / 1_000_000_000
                ts.tv_nsec = ns % 1_000_000_000
                pthread_cond_timedwait(cond, mutex, &ts)
            }
            return finished && helpers == 0
        }
    }
}
