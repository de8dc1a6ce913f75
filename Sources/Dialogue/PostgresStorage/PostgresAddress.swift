import Foundation

/// Where a PostgreSQL store is: `postgres://user[:password]@host[:port]/database[?schema=NAME&sslmode=MODE]`.
///
/// `schema` keeps the store's tables in a schema of their own (several stores in one database:
/// tests, or staging beside production); `sslmode` means what it means to libpq: `disable`,
/// `prefer` (the default: TLS if the server offers it), `require` (TLS, the certificate not
/// checked) or `verify-full` (TLS, the certificate checked against the system's authorities and
/// the host name). A password may also come from `PGPASSWORD`, so that it stays out of the
/// command line.
package struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var schema: String
    package var sslMode: SSLMode

    /// How the connection uses TLS.
    package enum SSLMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    /// Why an address is refused.
    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// Parses an address; the password, if any, may come from `environment["PGPASSWORD"]`.
    package init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw Invalid(description: "not a PostgreSQL address (postgres://user@host:port/database)")
        }
        guard let host = components.host, !host.isEmpty else { throw Invalid(description: "the address names no host") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw Invalid(description: "the address names no database") }
        self.host = host
        port = components.port ?? 5432
        user = components.user ?? "postgres"
        password = components.password ?? environment["PGPASSWORD"]
        self.database = database
        var schema = "public"
        var sslMode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                guard let value = item.value, Self.isIdentifier(value) else {
                    throw Invalid(description: "schema must be letters, digits and _ (at most 50)")
                }
                schema = value
            case "sslmode":
                guard let value = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw Invalid(description: "sslmode is disable, prefer, require or verify-full")
                }
                sslMode = value
            default:
                throw Invalid(description: "unknown parameter \(item.name) (schema, sslmode)")
            }
        }
        self.schema = schema
        self.sslMode = sslMode
    }

    /// A lower-case SQL identifier we may write into statements unquoted.
    static func isIdentifier(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 50, first == "_" || ("a"..."z").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The address without its password (for logs and messages).
    package var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (schema == "public" ? "" : "?schema=\(schema)")
    }
}
