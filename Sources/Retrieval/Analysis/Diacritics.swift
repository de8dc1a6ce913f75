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
