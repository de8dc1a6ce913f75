/// Trimming white space without Foundation: `trimmingCharacters(in:)` bridges through
/// `NSString` on Linux and cost the daemon 3 % of its time under load, for a job the standard
/// library's Unicode properties do directly.
extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line breaks and the
    /// other Unicode white space characters).
    package var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        // Nothing to trim (most messages): the text as it is, without copying scalar by scalar.
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return String(self) }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[first...last])
        return String(result)
    }

    /// Whether the text is empty or only white space.
    package var isBlank: Bool {
        unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    /// Whether anything in the text can be seen: not only white space, invisible format
    /// characters (zero-width space, joiners, a BOM), control characters, combining marks with
    /// nothing to combine with, variation selectors, or the blank "filler" letters (Braille
    /// blank, Hangul fillers) that render as nothing.
    package var hasVisibleText: Bool {
        unicodeScalars.contains { scalar in
            let properties = scalar.properties
            if properties.isWhitespace || properties.isVariationSelector { return false }
            switch properties.generalCategory {
            case .format, .control, .nonspacingMark, .enclosingMark, .spacingMark, .unassigned, .surrogate: return false
            default: break
            }
            return ![0x2800, 0x3164, 0x115F, 0x1160, 0xFFA0, 0x180E, 0x2028, 0x2029].contains(scalar.value)
        }
    }
}
