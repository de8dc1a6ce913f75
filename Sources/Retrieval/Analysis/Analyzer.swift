/// Vietnamese text analysis: ICU segmentation and normalization, canonical tone placement,
/// diacritic folding, references kept whole, then the lexicon (abbreviations, chat words and
/// document-type phrases such as "nghị định 47").
///
/// Questions and knowledge-base entries go through the same analysis, so an abbreviation
/// expanded on one side meets its expansion on the other ("CPĐT" ~ "chính phủ điện tử").
package struct Analyzer: Sendable {
    /// The compiled lexicon.
    package let lexicon: CompiledLexicon

    /// Creates an analyzer for a lexicon.
    package init(lexicon: Lexicon = .empty) {
        self.lexicon = CompiledLexicon(lexicon)
    }

    /// The tokens of `text`, lexicon applied.
    package func analyze(_ text: String) -> [Token] {
        rewrite(Tokenizer.tokenize(text))
    }

    /// Applies the lexicon to raw tokens.
    package func rewrite(_ raw: [Token]) -> [Token] {
        guard let first = raw.firstIndex(where: { needsLookup($0) }) else { return raw }
        var output: [Token] = []
        output.reserveCapacity(raw.count + 8)
        output.append(contentsOf: raw[..<first])
        var index = first
        while index < raw.count {
            let token = raw[index]
            guard needsLookup(token) else {
                output.append(token)
                index += 1
                continue
            }
            if token.kind == .word, let (length, key, expansion) = documentType(at: index, in: raw) {
                var next = index + length
                // "nghị định số 47"
                if next < raw.count, raw[next].kind == .word, raw[next].folded == Self.soFolded { next += 1 }
                if next < raw.count, raw[next].numberKey != 0 {
                    appendExpansion(length == 1 ? expansion : Array(raw[index..<index + length]),
                                    startsPhrase: token.startsPhrase, to: &output)
                    let key = Tokenizer.typedNumberKey(type: key, number: raw[next].numberKey)
                    output.append(Token(exact: key, folded: key, kind: .reference, hasDiacritics: false,
                                        startsPhrase: true))
                    for skipped in raw[(index + length)..<next] { output.append(skipped) }
                    index = next
                    continue
                }
            }
            if token.kind == .word {
                if let expansion = lexicon.chatWords[token.exact] ?? lexicon.abbreviations[token.folded] {
                    appendExpansion(expansion, startsPhrase: token.startsPhrase, to: &output)
                    index += 1
                    continue
                }
            }
            output.append(token)
            index += 1
        }
        return output
    }

    /// Whether a token may be rewritten (the filter can say yes wrongly, never no wrongly).
    @inline(__always)
    func needsLookup(_ token: Token) -> Bool {
        token.kind == .word && (lexicon.mayRewrite(token.exact) || lexicon.mayRewrite(token.folded))
    }

    /// The folded identity of "số" ("number", as in "nghị định số 47").
    static let soFolded = Tokenizer.tokenize("so").first?.folded ?? 0

    /// A document-type phrase starting at `index`: its length, key and full-name expansion.
    func documentType(at index: Int, in tokens: [Token]) -> (Int, UInt64, [Token])? {
        for entry in lexicon.documentTypes {
            let phrase = entry.phrase.folded
            guard index + phrase.count <= tokens.count else { continue }
            var matches = true
            for offset in 0..<phrase.count where tokens[index + offset].folded != phrase[offset] {
                matches = false
                break
            }
            if matches { return (phrase.count, entry.key, entry.expansion) }
        }
        return nil
    }

    func appendExpansion(_ expansion: [Token], startsPhrase: Bool, to output: inout [Token]) {
        let share = 1 / Float(max(expansion.count, 1))
        for (offset, var token) in expansion.enumerated() {
            token.startsPhrase = offset == 0 ? startsPhrase : false
            token.expansionShare = share
            output.append(token)
        }
    }

    /// Whether a token is a stop word (by its folded form when the text has no diacritics).
    @inline(__always)
    package func isStopWord(_ token: Token, unaccented: Bool) -> Bool {
        unaccented ? lexicon.stopFolded.contains(token.folded) : lexicon.stopExact.contains(token.exact)
    }
}
