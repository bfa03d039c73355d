#if canImport(Glibc)
import Glibc
#endif
import CIVSShims

/// The process-wide log sink behind ivs_set_log_callback. Messages above the level are dropped
/// before they are built (the message is an autoclosure).
public enum Log {
    public typealias Sink = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void

    public enum Level: Int32, Sendable {
        case off = 0, error, warn, info, debug, trace
    }

    struct State {
        var level: Int32 = 0
        var sink: Sink?
        var userdata: UnsafeMutableRawPointer?
    }

    nonisolated(unsafe) private static var state = State()
    private static let lock = Lock()

    public static func configure(level: Int32, sink: Sink?, userdata: UnsafeMutableRawPointer?) {
        lock.withLock {
            state = State(level: max(0, min(level, 5)), sink: sink, userdata: userdata)
            civs_log_level_store(state.level)
        }
    }

    /// The process-wide level.
    public static var level: Int32 { lock.withLock { state.level } }

    /// Logs at `level` if the process-wide level or the caller's (client's) level admits it.
    public static func log(_ level: Level, clientLevel: Int32 = 0, _ message: @autoclosure () -> String) {
        // The common case, nothing to log, decided without the lock (shared by every thread).
        guard level.rawValue <= max(civs_log_level_load(), clientLevel) else { return }
        let s = lock.withLock { state }
        guard level.rawValue <= max(s.level, clientLevel) else { return }
        let text = message()
        if let sink = s.sink {
            text.withCString { sink(level.rawValue, $0, s.userdata) }
        } else {
            let names = ["", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"]
            let line = "libivs \(names[Int(level.rawValue)]): \(text)\n"
            _ = line.withCString { fputs($0, stderr) }
        }
    }
}
