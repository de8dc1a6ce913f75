import ICUBridge

/// Splits text into tokens: ICU word boundaries give syllables and numbers; runs that ICU
/// splits but a reader sees as one reference are joined back (document numbers such as
/// `47/2020/NĐ-CP`, dates, URLs); e-mail addresses and domain names come whole from ICU.
///
/// Works on the thread-local UTF-16 buffer of the ICU bridge and allocates only the output.
package enum Tokenizer {
    /// Key spaces for reference tokens.
    package enum Tag {
        /// A whole reference as written (canonical: lower case, folded, no leading zeros).
        package static let reference: UInt64 = 0x5245_4600
        /// "number/year" of a document number (`47/2020`).
        package static let numberYear: UInt64 = 0x4e59_0000
        /// "type:number" of a document (`nd:47`).
        package static let typedNumber: UInt64 = 0x5459_0000
        /// A URL's host (`dichvucong.gov.vn`).
        package static let host: UInt64 = 0x484f_5354
    }

    /// ICU rule status where numbers start.
    static let numberStatus = Int32(ICUB_SEGMENT_NUMBER)
    /// ICU rule status where words of letters start.
    static let letterStatus = Int32(ICUB_SEGMENT_LETTER)

    /// Calls `body` with the prepared (NFC, lower-cased, segmented) form of `text`.
    /// The buffers are valid only inside `body`.
    static func withPrepared<R>(_ text: String, _ body: (icub_prepared) -> R) -> R {
        var text = text
        return text.withUTF8 { utf8 -> R in
            var prepared = icub_prepared()
            let base = utf8.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            if let base, utf8.count > 0 {
                _ = icub_prepare(base, Int32(clamping: utf8.count), &prepared)
            }
            return body(prepared)
        }
    }

    /// The tokens of `text`, before any lexicon rewriting.
    package static func tokenize(_ text: String) -> [Token] {
        withPrepared(text) { prepared in
            var tokens: [Token] = []
            tokens.reserveCapacity(Int(prepared.segmentCount))
            append(prepared, to: &tokens)
            return tokens
        }
    }

    /// Appends the tokens of prepared text to `tokens`.
    static func append(_ prepared: icub_prepared, to tokens: inout [Token]) {
        let count = Int(prepared.segmentCount)
        guard count > 0, let units = prepared.units, let starts = prepared.starts,
            let statuses = prepared.statuses
        else { return }
        let unitCount = Int(prepared.unitCount)
        let letters = VietnameseLetters.letters
        @inline(__always) func end(_ segment: Int) -> Int {
            segment + 1 < count ? Int(starts[segment + 1]) : unitCount
        }
        var phraseBreak = true
        var segment = 0
        while segment < count {
            let status = statuses[segment]
            let start = Int(starts[segment])
            let stop = end(segment)
            if status < numberStatus {
                // Spaces do not break a phrase; punctuation and symbols do.
                if !isSpace(units, start, stop) { phraseBreak = true }
                segment += 1
                continue
            }
            if let url = urlEnd(units, starts, statuses, count, unitCount, segment) {
                appendURL(units, start, end(url - 1), letters, to: &tokens)
                phraseBreak = true
                segment = url
                continue
            }
            let compoundEnd = referenceEnd(units, starts, statuses, count, unitCount, segment)
            if compoundEnd > segment + 1 {
                appendCompound(units, start, end(compoundEnd - 1), letters, to: &tokens)
                phraseBreak = true
                segment = compoundEnd
                continue
            }
            tokens.append(word(units, start, stop, status: status, startsPhrase: phraseBreak, letters))
            phraseBreak = tokens[tokens.count - 1].kind == .reference
            segment += 1
        }
    }

    /// One ICU segment of letters or digits as a token.
    @inline(__always)
    static func word(_ units: UnsafePointer<UInt16>, _ start: Int, _ stop: Int, status: Int32, startsPhrase: Bool,
                     _ letters: Letters)
        -> Token
    {
        let first = units[start]
        let startsWithDigit = first >= 0x30 && first <= 0x39
        var isReference = false
        for index in start..<stop where units[index] == 0x40 || units[index] == 0x2e {  // @ or .
            // "2.0" is a number; "egov.mic.gov.vn" and "a@b.vn" are references.
            if !startsWithDigit || units[index] == 0x40 { isReference = true }
        }
        if isReference {
            let hash = foldedHash(units, start, stop, letters)
            return Token(exact: hash, folded: hash, kind: .reference, hasDiacritics: false, startsPhrase: true)
        }
        let ids = SyllableCanonicalizer.identities(units, start, stop, letters)
        let isNumber = status < letterStatus || startsWithDigit
        return Token(exact: ids.exact, folded: ids.folded, kind: isNumber ? .number : .word,
                     hasDiacritics: ids.hasDiacritics, startsPhrase: startsPhrase,
                     numberKey: startsWithDigit ? numberHash(units, start, stop) : 0)
    }

    // MARK: - References

    /// If `segment` starts a URL (`http://…`, `https://…`), the segment after its end.
    static func urlEnd(_ units: UnsafePointer<UInt16>, _ starts: UnsafePointer<Int32>, _ statuses: UnsafePointer<Int32>,
                       _ count: Int, _ unitCount: Int, _ segment: Int) -> Int?
    {
        let start = Int(starts[segment])
        let stop = segment + 1 < count ? Int(starts[segment + 1]) : unitCount
        let length = stop - start
        guard length == 4 || length == 5, units[start] == 0x68, units[start + 1] == 0x74, units[start + 2] == 0x74,
            units[start + 3] == 0x70, length == 4 || units[start + 4] == 0x73,
            stop + 3 <= unitCount, units[stop] == 0x3a, units[stop + 1] == 0x2f, units[stop + 2] == 0x2f
        else { return nil }
        var next = segment + 1
        while next < count {
            let nextStart = Int(starts[next])
            let nextStop = next + 1 < count ? Int(starts[next + 1]) : unitCount
            if isSpace(units, nextStart, nextStop) { break }
            next += 1
        }
        return next
    }

    /// Emits a URL: the whole address without its scheme and trailing punctuation, and its host.
    static func appendURL(_ units: UnsafePointer<UInt16>, _ start: Int, _ stop: Int, _ letters: Letters,
                          to tokens: inout [Token]) {
        var begin = start
        while begin < stop && units[begin] != 0x3a { begin += 1 }
        begin += 3  // "://"
        var finish = stop
        while finish > begin, isTrailingPunctuation(units[finish - 1]) { finish -= 1 }
        guard finish > begin else { return }
        var hostStart = begin
        if finish - begin > 4, units[begin] == 0x77, units[begin + 1] == 0x77, units[begin + 2] == 0x77,
            units[begin + 3] == 0x2e
        {
            hostStart = begin + 4
        }
        var hostEnd = hostStart
        while hostEnd < finish && units[hostEnd] != 0x2f && units[hostEnd] != 0x3a && units[hostEnd] != 0x3f {
            hostEnd += 1
        }
        let whole = foldedHash(units, hostStart, finish, letters)
        tokens.append(Token(exact: whole, folded: whole, kind: .reference, hasDiacritics: false, startsPhrase: true))
        if hostEnd < finish {
            // The host on its own is the token a bare domain name in a question produces.
            let host = foldedHash(units, hostStart, hostEnd, letters)
            tokens.append(Token(exact: host, folded: host, kind: .reference, hasDiacritics: false, startsPhrase: true))
        }
    }

    /// The segment after a reference compound starting at `segment` (words joined by `/`, or
    /// by `-` after a `/`, with at least one digit), or `segment + 1` when there is none.
    static func referenceEnd(_ units: UnsafePointer<UInt16>, _ starts: UnsafePointer<Int32>,
                             _ statuses: UnsafePointer<Int32>, _ count: Int, _ unitCount: Int, _ segment: Int) -> Int
    {
        var last = segment
        var sawSlash = false
        while last + 2 < count {
            let connector = Int(starts[last + 1])
            let connectorEnd = Int(starts[last + 2])
            guard connectorEnd - connector == 1, statuses[last + 1] < numberStatus,
                statuses[last + 2] >= numberStatus
            else { break }
            let unit = units[connector]
            if unit == 0x2f {
                sawSlash = true
            } else if !(unit == 0x2d && sawSlash) {
                break
            }
            last += 2
        }
        guard sawSlash else { return segment + 1 }
        var hasDigit = false
        let stop = last + 1 < count ? Int(starts[last + 1]) : unitCount
        for index in Int(starts[segment])..<stop where units[index] >= 0x30 && units[index] <= 0x39 {
            hasDigit = true
            break
        }
        return hasDigit ? last + 1 : segment + 1
    }

    /// Emits a document number or date kept whole, plus the keys short forms match:
    /// "number/year" (`47/2020`) and "type:number" (`nd:47`).
    static func appendCompound(_ units: UnsafePointer<UInt16>, _ start: Int, _ stop: Int, _ letters: Letters,
                               to tokens: inout [Token])
    {
        // Split into parts at '/' and '-', canonicalising each part as we go.
        var whole = TermHash.seed
        var parts: [(start: Int, stop: Int)] = []
        var partStart = start
        for index in start...stop {
            if index == stop || units[index] == 0x2f || units[index] == 0x2d {
                parts.append((partStart, index))
                partStart = index + 1
            }
        }
        var isNumeric: [Bool] = []
        for (offset, part) in parts.enumerated() {
            if offset > 0 { whole = TermHash.add(whole, units[part.start - 1]) }
            let digitsOnly = (part.start..<part.stop).allSatisfy { units[$0] >= 0x30 && units[$0] <= 0x39 }
            isNumeric.append(digitsOnly)
            var index = part.start
            if digitsOnly { while index + 1 < part.stop && units[index] == 0x30 { index += 1 } }
            while index < part.stop {
                whole = TermHash.add(whole, letters.info(units[index]).folded)
                index += 1
            }
        }
        // "47/2020" alone is exactly its number/year key below; a whole token as well would
        // count the same reference twice against "47/2020/NĐ-CP".
        let isNumberYear = parts.count == 2 && isNumeric[0] && isNumeric[1] && parts[1].stop - parts[1].start == 4
        if !isNumberYear {
            let wholeHash = TermHash.tagged(TermHash.finish(whole), Tag.reference)
            tokens.append(Token(exact: wholeHash, folded: wholeHash, kind: .reference, hasDiacritics: false,
                                startsPhrase: true))
        }
        guard let first = parts.first, units[first.start] >= 0x30 && units[first.start] <= 0x39 else { return }
        let number = numberHash(units, first.start, first.stop)
        // A date (d/m/yyyy) is complete as it is.
        if parts.count == 3 && isNumeric.allSatisfy({ $0 }) { return }
        if parts.count >= 2 && isNumeric[1] && parts[1].stop - parts[1].start == 4 {
            let year = numberHash(units, parts[1].start, parts[1].stop)
            let key = TermHash.tagged(TermHash.combine(number, year), Tag.numberYear)
            tokens.append(Token(exact: key, folded: key, kind: .reference, hasDiacritics: false, startsPhrase: true))
        }
        if let typeIndex = parts.indices.dropFirst().first(where: { !isNumeric[$0] }) {
            let typePart = parts[typeIndex]
            let type = DocumentType.key(units, typePart.start, typePart.stop, letters)
            let key = typedNumberKey(type: type, number: number)
            tokens.append(Token(exact: key, folded: key, kind: .reference, hasDiacritics: false, startsPhrase: true,
                                numberKey: 0))
        } else {
            // "47/2020" alone: a number the context ("nghị định 47/2020") may type.
            tokens[tokens.count - 1].numberKey = number
        }
    }

    /// The key "type:number" shared by `47/2020/NĐ-CP` and "nghị định 47".
    package static func typedNumberKey(type: UInt64, number: UInt64) -> UInt64 {
        TermHash.tagged(TermHash.combine(type, number), Tag.typedNumber)
    }

    // MARK: - Helpers

    /// Hash of the folded units (references: no tone canonicalization needed, đ → d).
    static func foldedHash(_ units: UnsafePointer<UInt16>, _ start: Int, _ stop: Int, _ letters: Letters) -> UInt64 {
        var hash = TermHash.seed
        for index in start..<stop { hash = TermHash.add(hash, letters.info(units[index]).folded) }
        return TermHash.finish(hash)
    }

    /// Hash of a number without leading zeros ("09" and "9" are the same number).
    static func numberHash(_ units: UnsafePointer<UInt16>, _ start: Int, _ stop: Int) -> UInt64 {
        var index = start
        while index + 1 < stop && units[index] == 0x30 { index += 1 }
        var hash = TermHash.seed
        while index < stop {
            hash = TermHash.add(hash, units[index])
            index += 1
        }
        return TermHash.finish(hash)
    }

    static func isSpace(_ units: UnsafePointer<UInt16>, _ start: Int, _ stop: Int) -> Bool {
        for index in start..<stop {
            switch units[index] {
            case 0x20, 0x09, 0x0a, 0x0d, 0xa0, 0x3000, 0x2000...0x200b: continue
            default: return false
            }
        }
        return true
    }

    static func isTrailingPunctuation(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x2e, 0x2c, 0x3b, 0x21, 0x3f, 0x29, 0x22, 0x27, 0x2f: return true
        default: return false
        }
    }
}

/// Canonical keys of document types as they appear in numbers and in speech:
/// `NĐ-CP` and "nghị định" → `nd`; `QĐ-TTg` → `qd`; `TT-BTTTT` → `tt`; `NQ-CP` → `nq`;
/// `CT-TTg` → `ct`; a law's `QH13` → `luat`.
package enum DocumentType {
    /// The key of the type written in units[start..<stop] (folded; `qh…` is a law).
    static func key(_ units: UnsafePointer<UInt16>, _ start: Int, _ stop: Int, _ letters: Letters) -> UInt64 {
        if stop - start >= 2 && letters.info(units[start]).folded == 0x71
            && letters.info(units[start + 1]).folded == 0x68
        {
            return key(named: "luat")
        }
        var hash = TermHash.seed
        for index in start..<stop {
            let folded = letters.info(units[index]).folded
            if folded >= 0x30 && folded <= 0x39 { break }
            hash = TermHash.add(hash, folded)
        }
        return TermHash.finish(hash)
    }

    /// The key of a type given by its canonical name (`nd`, `qd`, `tt`, `nq`, `ct`, `luat`).
    package static func key(named name: String) -> UInt64 { TermHash.of(name) }
}
