import Foundation

/// The data directory and its files are readable by the daemon's own user only (0700 and
/// 0600): they hold people's messages, phone numbers, and conversation ids that work like
/// passwords. Created so, and an existing directory or file found looser is tightened.
package enum PrivateFiles {
    /// Creates `directory` (and its parents) owner-only, or tightens it if it exists.
    package static func prepareDirectory(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try tighten(directory, to: 0o700)
    }

    /// Creates an empty file owner-only if it does not exist yet (so that SQLite, which gives
    /// its WAL and shared-memory files the database file's mode, creates those owner-only
    /// too), and tightens it and its `-wal`, `-shm` companions if they exist.
    package static func prepareDatabase(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        close(descriptor)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try tighten(file, to: 0o600)
        }
    }

    /// Writes a small file (a state file, a conversation id, a report) owner-only, whole or not
    /// at all: into a temporary file beside it, then renamed over it. A symbolic link is
    /// followed (the file it names is replaced, the link stays); a path that names something
    /// other than a plain file — `/dev/null`, a pipe — is written into, never replaced: renaming
    /// over the null device as root replaces it with a file for every program on the machine.
    package static func write(_ text: String, to path: String) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var status = stat()
        if stat(target, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else { throw POSIXError(.EISDIR) }
            // Opened non-blocking, so a pipe nobody reads fails at once instead of hanging the
            // writer; then written blocking, so a reader slower than the pipe's buffer gets it all.
            let descriptor = open(target, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(descriptor) }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
            try writeAll(Array(text.utf8), to: descriptor)
            return
        }
        let temporary = target + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        do {
            try writeAll(Array(text.utf8), to: descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    /// Writes every byte to an open descriptor.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            written += result
        }
    }

    static func tighten(_ path: String, to mode: mode_t) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        // Only our own files: a directory shared with others (a parent like /tmp) is left alone.
        guard status.st_uid == geteuid(), status.st_mode & 0o777 != mode else { return }
        guard chmod(path, mode) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM) }
    }
}
