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
    /// Lower-case letters without diacritics, for every precomposed Latin letter a Vietnamese
    /// text can hold (U+00C0–U+024F, U+1E00–U+1EFF), computed once with Foundation's folding.
    private static let foldTable: [UInt32: Character] = {
        var table: [UInt32: Character] = [:]
        for range in [0xC0...0x24F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
                let folded = strip(String(scalar)).lowercased()
                if folded.count == 1, let character = folded.first, character.isASCII { table[UInt32(value)] = character }
            }
        }
        return table
    }()

    /// The words of a text, lower case and without diacritics, split at anything that is not a
    /// letter or digit ("Kiến nghị: cổng DVC…" → ["kien", "nghi", "cong", "dvc", …]). Native and
    /// cheap enough for every message (Foundation's folding is not).
    package static func foldedWords(_ text: String) -> [Substring] {
        var folded = ""
        folded.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): folded.append(Character(Unicode.Scalar(byte + 32)))
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    folded.append(Character(scalar))
                default: folded.append(" ")
                }
            } else if (0x300...0x36F).contains(value) {
                continue  // a combining mark of decomposed input
            } else if let base = foldTable[value] {
                folded.append(base)
            } else {
                folded.append(scalar.properties.isAlphabetic ? Character(scalar) : " ")
            }
        }
        return folded.split(separator: " ")
    }

    /// A key for matching short labels however they are typed: diacritics stripped, lower
    /// case, hyphens and runs of white space as one space ("Kiến nghị", "kien-nghi" →
    /// "kien nghi").
    package static func foldedKey(_ text: String) -> String {
        strip(text).lowercased()
            .split(whereSeparator: { $0 == "-" || $0 == "_" || $0.isWhitespace })
            .joined(separator: " ")
    }
}
