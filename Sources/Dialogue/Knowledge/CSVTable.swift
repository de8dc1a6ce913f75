/// A spreadsheet saved as CSV, as agencies keep their FAQs: UTF-8 with or without a byte-order
/// mark, comma or semicolon between cells (a Vietnamese-locale Excel writes semicolons), cells
/// quoted with `"` (a quote inside doubled; line breaks inside quotes kept), CRLF or LF. Each
/// row keeps the line it starts on, so that a row that cannot be used is reported by it.
///
/// Written by hand: the format is small, and no package on this machine reads it (Foundation
/// has no CSV reader); what it must accept is pinned by its tests.
package struct CSVTable: Sendable, Hashable {
    /// One row: the line it starts on (1-based) and its cells.
    package struct Row: Sendable, Hashable {
        package var line: Int
        package var cells: [String]
    }

    /// Why a text cannot be read.
    package struct Malformed: Error, Hashable, CustomStringConvertible {
        package var line: Int
        package var description: String
    }

    package var rows: [Row]
    /// The separator found (or given).
    package var delimiter: Character

    /// Reads a CSV text.
    /// - Parameter delimiter: `,` or `;`; nil: whichever of them the first line holds more of
    ///   outside quotes.
    /// - Throws: `Malformed` for a quote left open (with the line it opened on).
    package static func parse(_ text: String, delimiter: Character? = nil) throws(Malformed) -> CSVTable {
        var text = Substring(text)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        let separator = delimiter ?? guessDelimiter(text)
        var rows: [Row] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var quoteLine = 1
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending {
                pending = nil
                return character
            }
            return iterator.next()
        }
        func endRow() {
            cells.append(cell)
            cell = ""
            // A row of nothing but empty cells (a blank line) is not a row.
            if cells.contains(where: { !$0.isEmpty }) { rows.append(Row(line: rowLine, cells: cells)) }
            cells = []
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            cell.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" || character == "\r" { line += 1 }
                    cell.append(character == "\r\n" ? "\n" : character)
                }
                continue
            }
            switch character {
            case "\"" where cell.isEmpty:
                quoted = true
                quoteLine = line
            case separator:
                cells.append(cell)
                cell = ""
            case "\n", "\r\n", "\r":
                endRow()
                line += 1
                rowLine = line
            default:
                cell.append(character)
            }
        }
        if quoted { throw Malformed(line: quoteLine, description: "Dấu ngoặc kép mở ở dòng \(quoteLine) không được đóng.") }
        if !cell.isEmpty || !cells.isEmpty { endRow() }
        return CSVTable(rows: rows, delimiter: separator)
    }

    /// `;` when the first line holds more semicolons than commas outside quotes, else `,`.
    static func guessDelimiter(_ text: Substring) -> Character {
        var commas = 0, semicolons = 0, quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if quoted { continue }
            if character == "\n" || character == "\r\n" || character == "\r" { break }
            if character == "," { commas += 1 }
            if character == ";" { semicolons += 1 }
        }
        return semicolons > commas ? ";" : ","
    }

    /// A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, a tab or
    /// carriage return first) gets a `'` in front, which shows the text as it is (OWASP's
    /// advice on CSV injection). A number ("-0.250") stays a number.
    package static func neutralised(_ text: String) -> String {
        guard let first = text.first, "=+-@\t\r".contains(first) else { return text }
        if Double(text) != nil { return text }
        return "'" + text
    }

    /// Rows as CSV (comma, CRLF, quoted where needed), with a byte-order mark so that a
    /// spreadsheet reads the Vietnamese as UTF-8; formulas neutralised.
    package static func render(_ rows: [[String]]) -> String {
        func field(_ text: String) -> String {
            let text = neutralised(text)
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == ";" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return "\u{FEFF}" + rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}
