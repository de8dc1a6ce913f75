/// One unit of analyzed text: a syllable, a number or a whole reference.
///
/// A token carries two identities: `exact`, the canonical accented form (NFC, lower case, one
/// tone-mark placement), and `folded`, the same with every diacritic removed and `đ` → `d`.
package struct Token: Sendable, Hashable {
    /// What kind of text the token stands for.
    package enum Kind: UInt8, Sendable {
        /// A syllable of letters (a Vietnamese word is one or more of these).
        case word
        /// A number (`47`, `2.0`, `36a`).
        case number
        /// A reference kept whole: a document number, a date, an e-mail address, a URL or a
        /// domain name, or a key derived from one (`nd:47`).
        case reference
    }

    /// Hash of the canonical accented form.
    package var exact: UInt64
    /// Hash of the diacritic-free form.
    package var folded: UInt64
    /// The kind of text.
    package var kind: Kind
    /// The token's text carries at least one diacritic (or `đ`).
    package var hasDiacritics: Bool
    /// The token does not continue a phrase with the token before it (punctuation, a
    /// reference or the start of the text lies between them), so no bigram joins them.
    package var startsPhrase: Bool
    /// For tokens that start with a digit: hash of the number without leading zeros (used to
    /// recognise "nghị định 47"); 0 otherwise.
    package var numberKey: UInt64 = 0
    /// 1 for a word as typed; 1/n for each of the n words an abbreviation or chat word expands
    /// to (the query gives an expansion the weight of a few words, not of n: "EGDI" is one
    /// concept, not six words).
    package var expansionShare: Float = 1
    /// 1 for a word as typed; below 1 for one the question side repaired (`ChatCorrector`:
    /// Telex decoded, split, one letter changed), which weighs a little less.
    package var correctionWeight: Float = 1

    /// Creates a token.
    package init(exact: UInt64, folded: UInt64, kind: Kind, hasDiacritics: Bool, startsPhrase: Bool,
                 numberKey: UInt64 = 0) {
        self.exact = exact
        self.folded = folded
        self.kind = kind
        self.hasDiacritics = hasDiacritics
        self.startsPhrase = startsPhrase
        self.numberKey = numberKey
    }
}
