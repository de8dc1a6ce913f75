import Dialogue
import Foundation
import Logging

/// Throwaway PostgreSQL stores for tests and benchmarks: each in a new schema of the database
/// that `MOTCUA_TEST_POSTGRES` names (`postgres://user@host:port/db`; `.ci/run` starts one).
package enum PostgresScratch {
    /// The variable that names the database.
    package static let variable = "MOTCUA_TEST_POSTGRES"

    /// The database's address, if one is configured.
    package static var base: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether PostgreSQL tests must run (in CI, where a missing database is a failure, never a skip).
    package static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Why a PostgreSQL test cannot run.
    package struct Missing: Error, CustomStringConvertible {
        package var description: String {
            "PostgreSQL is needed: set \(PostgresScratch.variable)=postgres://user@host:port/db (see .ci/run)"
        }
    }

    /// The address of a new, empty schema (created by the store on open).
    package static func address() throws -> PostgresAddress {
        guard let base else { throw Missing() }
        let schema = "t_" + ConversationID.make().prefix(16).lowercased()
        return try PostgresAddress(base + (base.contains("?") ? "&" : "?") + "schema=\(schema)")
    }

    /// A new store in a schema of its own.
    package static func store(logger: Logger = Logger(label: "motcua-test")) async throws -> PostgresStore {
        try await PostgresStore.open(try address(), connections: 8, logger: logger)
    }
}
