import Foundation
import Testing

@testable import PostgresStorage

/// What `--store` accepts and refuses (no PostgreSQL needed; a database that cannot be reached
/// is tried on the binary, `BinaryTrustTests.unreachableStoreFailsTheCommand`).
@Suite struct PostgresAddressTests {
    @Test func addresses() throws {
        let full = try PostgresAddress("postgres://motcua:bí-mật@db.example.gov.vn:6432/desk?schema=prod_1&sslmode=verify-full",
                                       environment: [:])
        #expect(full.host == "db.example.gov.vn" && full.port == 6432 && full.user == "motcua" && full.database == "desk")
        #expect(full.schema == "prod_1" && full.sslMode == .verifyFull && full.password == "bí-mật")
        #expect(!full.description.contains("bí-mật"), "the password is never printed")
        let plain = try PostgresAddress("postgresql://127.0.0.1/motcua", environment: ["PGPASSWORD": "p"])
        #expect(plain.port == 5432 && plain.user == "postgres" && plain.schema == "public" && plain.sslMode == .prefer)
        #expect(plain.password == "p")
    }

    @Test(arguments: [
        "mysql://x@h/db", "postgres:///db", "postgres://h", "postgres://h/a/b", "postgres://h/db?schema=a;drop",
        "postgres://h/db?schema=Upper", "postgres://h/db?sslmode=sometimes", "postgres://h/db?search_path=x",
    ])
    func refused(_ text: String) {
        #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress(text, environment: [:]) }
    }
}
