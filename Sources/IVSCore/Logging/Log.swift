#if canImport(Glibc)
import Glibc
#endif
import CIVSShims

/// The process-wide log sink behind ivs_set_log_callback. Messages above the level are dropped
/// before they are built (the message is an autoclosure).
public enum Log {
    /// Receives each message that passes the level; may be called from any thread, concurrently.
    public typealias Sink = @Sendable (Level, String) -> Void

    public enum Level: Int32, Sendable {
        case off = 0, error, warn, info, debug, trace
    }

    nonisolated(unsafe) private static var sink: Sink? = nil
    private static let lock = Lock()

    /// Sets the process-wide level (clamped to 0-5) and sink (nil: stderr).
    public static func configure(level: Int32, sink newSink: Sink?) {
        lock.withLock {
            sink = newSink
            civs_log_level_store(max(0, min(level, 5)))
        }
    }

    /// Whether a message at `level` would be logged (the check log makes first).
    public static func isEnabled(_ level: Level, clientLevel: Int32 = 0) -> Bool {
        level.rawValue <= max(civs_log_level_load(), clientLevel)
    }

    /// Logs at `level` if the process-wide level or the caller's (client's) level admits it.
    public static func log(_ level: Level, clientLevel: Int32 = 0, _ message: @autoclosure () -> String) {
        // The common case, nothing to log, decided without the lock (shared by every thread).
        guard level.rawValue <= max(civs_log_level_load(), clientLevel) else { return }
        let s = lock.withLock { sink }
        let text = message()
        if let s {
            s(level, text)
        } else {
            let names = ["", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"]
            let line = "libivs \(names[Int(level.rawValue)]): \(text)\n"
            _ = line.withCString { fputs($0, stderr) }
        }
    }
}
