import GRDB
import GRDBSQLite

/// The rows of a query read with SQLite's C API: a column's value straight from SQLite's
/// buffer (bytes, an integer), no `Row` and no `String` made for it. For the report's passes
/// over a period's hundreds of thousands of rows, where decoding each into Swift values was
/// most of the work.
struct RawRows {
    /// The query, prepared and bound.
    private let statement: Statement
    /// The connection (for its error message).
    private let db: Database

    /// Prepares `sql` and binds `arguments`.
    init(_ db: Database, sql: String, arguments: StatementArguments) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
    }

    /// Steps through every row, calling `body` with each; a row is valid only during the call.
    func forEach(_ body: (RawRow) throws -> Void) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
            }
            try body(RawRow(handle: handle))
        }
    }
}

/// The current row of a `RawRows` pass.
struct RawRow {
    /// SQLite's statement, on this row.
    let handle: SQLiteStatement

    /// A column's text as UTF-8 bytes in SQLite's buffer (empty for NULL), valid until the next row.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        // `sqlite3_column_text` before `sqlite3_column_bytes`: the length is then the text's.
        guard let text = sqlite3_column_text(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// A column as an integer (0 for NULL).
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    /// A column as a number (nil for NULL).
    func double(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(handle, column) }

    /// Whether a column is NULL.
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
}
