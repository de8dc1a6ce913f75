import Daemon
import Dialogue
import GRDB
@testable import PostgresStorage
import Storage
import Testing

/// The stores the conformance tests run against: the embedded SQLite store always, and
/// PostgreSQL where `MOTCUA_TEST_POSTGRES` names a database — and always in CI, where a missing
/// database fails the PostgreSQL cases instead of dropping them.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The kinds this run tests.
    static var testable: [StoreKind] {
        PostgresScratch.base != nil || PostgresScratch.required ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A new, empty store of this kind.
    func make() async throws -> any DaemonAssembly.Store {
        switch self {
        case .sqlite: try SQLiteStore(DatabaseQueue())
        case .postgres: try await PostgresScratch.store()
        }
    }
}

/// On a machine without PostgreSQL the conformance tests run on SQLite only: this test says so.
@Suite struct PostgresAvailability {
    @Test(.enabled(if: PostgresScratch.base != nil || PostgresScratch.required,
                   "PostgreSQL is needed for the PostgreSQL cases of the store tests: set MOTCUA_TEST_POSTGRES (see .ci/run)"))
    func postgresIsReachable() async throws {
        let store = try await PostgresScratch.store()
        #expect(try await store.migrations() == PostgresMigrations.all.map(\.version))
        store.close()
    }
}
