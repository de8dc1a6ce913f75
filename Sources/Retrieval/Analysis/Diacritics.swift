import Foundation

/// Removing diacritics from display text, as a person typing without them would write it.
package enum Diacritics {
    /// The text with every diacritic removed and `đ`/`Đ` → `d`/`D` (case kept).
    package static func strip(_ text: String) -> String {
        text.folding(options: .diacriticInsensitive, locale: nil)
            .replacingOccurrences(of: "đ", with: "d")
            .replacingOccurrences(of: "Đ", with: "D")
    }
}

extension Diacritics {
    /// A key for matching short labels however they are typed: diacritics stripped, lower
    /// case, hyphens and runs of white space as one space ("Kiến nghị", "kien-nghi" →
    /// "kien nghi").
    package static func foldedKey(_ text: String) -> String {
        strip(text).lowercased()
            .split(whereSeparator: { $0 == "-" || $0 == "_" || $0.isWhitespace })
            .joined(separator: " ")
    }
}
