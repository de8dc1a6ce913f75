import Dialogue
import Foundation
import PostgresNIO

/// `ConsoleSessionStore` on PostgreSQL: a session started on one daemon is accepted by all, and
/// one signed out on one ends on all (each daemon checks its sessions every second).
extension PostgresStore: ConsoleSessionStore {
    package func saveConsoleSession(hash: Data, handler: String, expiresAt: Date) async throws {
        try await withConnection { connection in
            try await run("""
                INSERT INTO console_session (hash, handler, expires_at) VALUES (\(hash), \(handler), \(expiresAt.pg))
                ON CONFLICT (hash) DO UPDATE SET handler = excluded.handler, expires_at = excluded.expires_at
                """, on: connection)
        }
    }

    package func consoleSession(hash: Data, at now: Date) async throws -> (handler: String, expiresAt: Date)? {
        try await withConnection { connection in
            try await rows("SELECT handler, expires_at FROM console_session WHERE hash = \(hash) AND expires_at > \(now.pg)",
                           on: connection).first.map { try $0.decode((String, Date).self) }
        }
    }

    package func endConsoleSession(hash: Data) async throws {
        try await withConnection { connection in
            try await run("DELETE FROM console_session WHERE hash = \(hash)", on: connection)
        }
    }

    package func liveConsoleSessions(_ hashes: [Data], at now: Date) async throws -> Set<Data> {
        try await withConnection { connection in
            try await run("DELETE FROM console_session WHERE expires_at <= \(now.pg)", on: connection)
            guard !hashes.isEmpty else { return [] }
            // As hex text: PostgresNIO binds no array of bytea.
            let hex = hashes.map { $0.map { String(format: "%02x", $0) }.joined() }
            return Set(try await rows("""
                SELECT hash FROM console_session WHERE hash IN (SELECT decode(h, 'hex') FROM unnest(\(hex)::text[]) AS h)
                """, on: connection).map { try $0.decode(Data.self) })
        }
    }
}
