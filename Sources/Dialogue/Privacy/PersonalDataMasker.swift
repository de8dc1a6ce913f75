import Retrieval

/// Finds the personal data in a question or an answer before it becomes knowledge that
/// strangers are answered with, and masks it: national id numbers (CCCD, 12 digits; CMND, 9),
/// phone numbers (mobile, landline, +84), e-mail addresses, street and village addresses, and
/// names — the asker's own (from `hello`), a name someone introduces ("tôi là …", "họ tên: …")
/// and a name after a form of address ("anh Nguyễn Văn An", "chị Lan"). Works with and without
/// diacritics, in any case; what it keeps is the rest of the text, word for word.
///
/// Written by hand over the text's characters: the rules are Vietnamese keywords, digit
/// counts and capital letters, which regular expressions would state less readably, and no
/// package knows Vietnamese addresses. Not on the hot path (it runs when a unit's answer is
/// saved as a draft or approved).
package struct PersonalDataMasker: Sendable {
    /// What was found.
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case name, idNumber, phone, email, address

        /// What replaces it.
        package var placeholder: String {
            switch self {
            case .name: "[họ tên]"
            case .idNumber: "[số CCCD/CMND]"
            case .phone: "[số điện thoại]"
            case .email: "[email]"
            case .address: "[địa chỉ]"
            }
        }
    }

    /// One piece of personal data: its kind and where it is (character offsets).
    package struct Finding: Sendable, Hashable {
        package var kind: Kind
        package var range: Range<Int>
    }

    /// Whose words a text is.
    package enum Source: Sendable, Hashable {
        /// The asker's: every phone number in it is theirs.
        case question
        /// The unit's answer to `question`: its office lines (landlines, 1800/1900 hotlines) are
        /// meant for everyone and stay — unless the question held the same number; mobile
        /// numbers are masked wherever they are.
        case answer(question: String)
    }

    /// Creates a masker.
    package init() {}

    /// The text with every piece of personal data replaced by its placeholder.
    /// - Parameters:
    ///   - askerName: the asker's name as they gave it (`hello`'s `name`), if any.
    ///   - source: whose words the text is.
    package func mask(_ text: String, askerName: String? = nil, source: Source = .question) -> String {
        mask(text, askerNames: askerName.map { [$0] } ?? [], source: source)
    }

    /// The text masked, knowing several askers' names (a report's question asked by many).
    package func mask(_ text: String, askerNames: [String], source: Source = .question) -> String {
        let characters = Array(text)
        let found = findings(in: characters, askerNames: askerNames, source: source)
        guard !found.isEmpty else { return text }
        var result = ""
        var position = 0
        for finding in found {
            result.append(contentsOf: characters[position..<finding.range.lowerBound])
            result += finding.kind.placeholder
            position = finding.range.upperBound
        }
        result.append(contentsOf: characters[position...])
        return result
    }

    /// The personal data in a text, in order, overlapping findings merged.
    package func findings(in text: String, askerName: String? = nil, source: Source = .question) -> [Finding] {
        findings(in: Array(text), askerNames: askerName.map { [$0] } ?? [], source: source)
    }

    func findings(in characters: [Character], askerNames: [String], source: Source) -> [Finding] {
        let words = Word.split(characters)
        var numbers = Self.numbers(characters, words: words)
        if case .answer(let question) = source {
            // The asker's own numbers stay masked; the unit's office lines do not.
            let questionCharacters = Array(question)
            let theirs = Set(Self.numbers(questionCharacters, words: Word.split(questionCharacters))
                .map { Self.digits(characters: questionCharacters, $0.range) })
            numbers = numbers.filter { finding in
                finding.kind != .phone || !Self.isOfficeLine(Self.digits(characters: characters, finding.range))
                    || theirs.contains(Self.digits(characters: characters, finding.range))
            }
        }
        var found = Self.emails(characters) + numbers
        found += Self.addresses(words, characters)
        found += Self.names(words, characters, askerNames: askerNames)
        return Self.merged(found)
    }

    static func merged(_ found: [Finding]) -> [Finding] {
        var merged: [Finding] = []
        for finding in found.sorted(by: { ($0.range.lowerBound, -$0.range.count) < ($1.range.lowerBound, -$1.range.count) }) {
            if let last = merged.last, finding.range.lowerBound < last.range.upperBound {
                merged[merged.count - 1].range = last.range.lowerBound..<max(last.range.upperBound, finding.range.upperBound)
            } else {
                merged.append(finding)
            }
        }
        return merged
    }
}

// MARK: - Words

extension PersonalDataMasker {
    /// A word of the text: letters and digits (a house number keeps its `/` and letter:
    /// "12/3A"), with its folded form (lower case, no diacritics) and where it ends a clause.
    struct Word {
        var range: Range<Int>
        var text: String
        var folded: String
        /// A comma, or nothing but spaces, after it (inside a clause).
        var commaAfter = false
        /// The whole text is typed without diacritics (then a folded keyword is enough).
        var inUnaccentedText = false
        /// A `/` right after it: part of a reference ("2323/QĐ-BTTTT"), not a house number.
        var slashAfter = false
        /// A sentence or clause ends after it (`.` before a space and a capital, `?`, `!`, `;`,
        /// a line break, `(`, `)`, the end of the text).
        var endAfter = false

        var isCapitalized: Bool { text.first?.isUppercase == true }
        var isNumber: Bool { text.first?.isNumber == true }
        /// A number that can be a house number (not one of a reference).
        var isHouseNumber: Bool { isNumber && !slashAfter }

        static func split(_ characters: [Character]) -> [Word] {
            var words: [Word] = []
            var index = 0
            while index < characters.count {
                let character = characters[index]
                guard character.isLetter || character.isNumber else {
                    if !words.isEmpty { mark(&words[words.count - 1], by: characters, at: index) }
                    index += 1
                    continue
                }
                let start = index
                while index < characters.count {
                    let next = characters[index]
                    if next.isLetter || next.isNumber {
                        index += 1
                    } else if next == "/", index + 1 < characters.count, characters[index - 1].isNumber,
                        characters[index + 1].isNumber
                    {
                        index += 1
                    } else {
                        break
                    }
                }
                let text = String(characters[start..<index])
                words.append(Word(range: start..<index, text: text, folded: fold(text)))
            }
            if !words.isEmpty { words[words.count - 1].endAfter = true }
            if words.allSatisfy({ $0.text.lowercased() == $0.folded }) {
                for index in words.indices { words[index].inUnaccentedText = true }
            }
            return words
        }

        /// Reads the punctuation after a word.
        static func mark(_ word: inout Word, by characters: [Character], at index: Int) {
            switch characters[index] {
            case ",": word.commaAfter = true
            case "/" where index == word.range.upperBound: word.slashAfter = true
            case "?", "!", ";", "\n", "(", ")": word.endAfter = true
            case ".":
                // "P.5", "TP.HCM", "Q. Hai Bà Trưng", "N.V.Minh" go on; ". Tôi" ends the sentence.
                let after = index + 1 < characters.count ? characters[index + 1] : " "
                if (after.isWhitespace || after == ".") && !abbreviations.contains(word.folded) && word.text.count > 1 {
                    word.endAfter = true
                }
            default: break
            }
        }

        /// Short forms a dot follows inside an address ("Q. 3", "TP. Huế").
        static let abbreviations: Set<String> = ["q", "p", "tp", "tx", "tt", "h", "x", "tq"]

        static func fold(_ text: String) -> String {
            Diacritics.foldedWords(text).joined()
        }

        /// Whether the word is one of `keywords` (written with diacritics); in a text typed
        /// without any, its folded form is enough — "pho" is "phố", but "phó" is not, and in a
        /// text with diacritics "ba" (three) is not "bà".
        func isOne(of keywords: Keywords) -> Bool {
            keywords.accented.contains(text.lowercased()) || (inUnaccentedText && keywords.folded.contains(folded))
        }

        /// The same, but a word typed without diacritics is enough even in a text with some:
        /// for keywords next to a number ("ngo 34", "so 12"), where the number says what it is.
        func isLoosely(_ keywords: Keywords) -> Bool {
            isOne(of: keywords) || (text.lowercased() == folded && keywords.folded.contains(folded))
        }
    }

    /// Keywords as written, and the same without diacritics.
    struct Keywords: Sendable {
        let accented: Set<String>
        let folded: Set<String>

        init(_ words: [String]) {
            accented = Set(words)
            folded = Set(words.map { Diacritics.foldedWords($0).joined() })
        }
    }
}

// MARK: - E-mail addresses

extension PersonalDataMasker {
    static func emails(_ characters: [Character]) -> [Finding] {
        func local(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || "._%+-".contains(c)) }
        func domain(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || ".-".contains(c)) }
        var found: [Finding] = []
        for index in characters.indices where characters[index] == "@" {
            var start = index
            while start > 0, local(characters[start - 1]) { start -= 1 }
            var end = index + 1
            while end < characters.count, domain(characters[end]) { end += 1 }
            while end > index + 1, characters[end - 1] == "." || characters[end - 1] == "-" { end -= 1 }
            let host = characters[(index + 1)..<end]
            guard start < index, let dot = host.lastIndex(of: "."), host.distance(from: dot, to: host.endIndex) >= 3 else {
                continue
            }
            found.append(Finding(kind: .email, range: start..<end))
        }
        return found
    }
}

// MARK: - Phone and id numbers

extension PersonalDataMasker {
    /// A run of digits written in groups ("0912 345 678", "0912.345.678", "+84 912-345-678",
    /// "(024) 3943 1234"), possibly several numbers in a row.
    struct DigitGroup {
        var digits: String
        var range: Range<Int>
    }

    static let idContext: [String] = ["cccd", "cmnd", "cmt", "cancuoc", "chungminh", "dinhdanh", "socancuoc", "hochieu"]
    static let moneyWords: Set<String> = ["dong", "d", "vnd", "trieu", "ty", "nghin", "ngan", "usd", "tram"]

    static func numbers(_ characters: [Character], words: [Word]) -> [Finding] {
        var found: [Finding] = []
        var index = 0
        while index < characters.count {
            guard characters[index].isNumber || (characters[index] == "+" || characters[index] == "(")
                && index + 1 < characters.count && characters[index + 1].isNumber
            else {
                index += 1
                continue
            }
            // Digits start a run only at a word boundary (not "A12", not "12/3").
            if index > 0, characters[index - 1].isLetter || characters[index - 1] == "/" {
                index += 1
                while index < characters.count, characters[index].isNumber { index += 1 }
                continue
            }
            let plus = characters[index] == "+"
            var groups: [DigitGroup] = []
            var position = characters[index].isNumber ? index : index + 1
            while position < characters.count {
                if characters[position].isNumber {
                    let start = position
                    while position < characters.count, characters[position].isNumber { position += 1 }
                    groups.append(DigitGroup(digits: String(characters[start..<position]), range: start..<position))
                    continue
                }
                // One separator (or ") ") between groups.
                var gap = position
                while gap < characters.count, gap - position < 2, " .-()".contains(characters[gap]) { gap += 1 }
                if gap > position, gap < characters.count, characters[gap].isNumber, !groups.isEmpty || plus {
                    position = gap
                } else {
                    break
                }
            }
            // A number glued to letters ("12A", "2020/NĐ") or part of a reference is not a phone.
            let glued = position < characters.count && (characters[position].isLetter || characters[position] == "/")
            if !glued {
                found += classify(groups, plus: plus, start: index, characters: characters, words: words)
            }
            index = max(position, index + 1)
        }
        return found
    }

    /// The most digits a phone or id number has (+84 and a 10-digit landline).
    static let longestNumber = 12

    /// The phone and id numbers in consecutive digit groups: the longest run of groups that
    /// reads as one, then on after it. Runs longer than any number are not tried, so a text of
    /// thousands of digit groups costs a few tries per group, not a try per pair.
    static func classify(_ groups: [DigitGroup], plus: Bool, start: Int, characters: [Character], words: [Word])
        -> [Finding]
    {
        var found: [Finding] = []
        var first = 0
        while first < groups.count {
            var last = first
            var count = 0
            var candidates: [(end: Int, digits: String)] = []
            var digits = ""
            while last < groups.count, count + groups[last].digits.count <= longestNumber {
                digits += groups[last].digits
                count += groups[last].digits.count
                last += 1
                candidates.append((last, digits))
            }
            var matched = false
            for candidate in candidates.reversed() {
                let lower = first == 0 ? start : groups[first].range.lowerBound
                let range = lower..<groups[candidate.end - 1].range.upperBound
                if let kind = kind(of: candidate.digits, plus: first == 0 && plus, range: range, characters: characters,
                                   words: words)
                {
                    found.append(Finding(kind: kind, range: range))
                    first = candidate.end
                    matched = true
                    break
                }
            }
            if !matched { first += 1 }
        }
        return found
    }

    /// The first word that starts at or after `offset` (binary search: words are in order).
    static func firstWord(in words: [Word], from offset: Int) -> Word? {
        var low = 0
        var high = words.count
        while low < high {
            let middle = (low + high) / 2
            if words[middle].range.lowerBound < offset { low = middle + 1 } else { high = middle }
        }
        return low < words.count ? words[low] : nil
    }

    /// The digits of a span, without separators or a leading 84 ("+84 24 3943 1234" and
    /// "024 3943 1234" are one number).
    static func digits(characters: [Character], _ range: Range<Int>) -> String {
        var digits = String(characters[range].filter(\.isNumber))
        if digits.hasPrefix("84") && digits.count >= 11 { digits = "0" + digits.dropFirst(2) }
        return digits
    }

    /// A landline (0 then 2) — the number of an office, in an answer.
    static func isOfficeLine(_ digits: String) -> Bool {
        digits.count == 11 && digits.hasPrefix("02")
    }

    static func kind(of digits: String, plus: Bool, range: Range<Int>, characters: [Character], words: [Word]) -> Kind? {
        let count = digits.count
        let bytes = Array(digits.utf8)
        if let next = firstWord(in: words, from: range.upperBound), moneyWords.contains(next.folded),
            next.range.lowerBound - range.upperBound <= 2
        {
            return nil
        }
        // +84 / 84 then 9 digits (mobile) or 10 (landline).
        if digits.hasPrefix("84"), (11...12).contains(count), plus || count == 11, bytes[2] != UInt8(ascii: "0") {
            return .phone
        }
        if count == 10, bytes[0] == UInt8(ascii: "0"), "35789".utf8.contains(bytes[1]) { return .phone }
        if count == 11, digits.hasPrefix("02") { return .phone }
        if count == 12, bytes[0] == UInt8(ascii: "0") { return .idNumber }
        if count == 12 || count == 9 {
            // Other 9- and 12-digit numbers are ids only when the text says so just before.
            let before = String(characters[max(0, range.lowerBound - 30)..<range.lowerBound])
            let folded = Diacritics.foldedWords(before).joined()
            if idContext.contains(where: { folded.contains($0) }) { return .idNumber }
        }
        return nil
    }
}

// MARK: - Addresses

extension PersonalDataMasker {
    /// Words that name a street or a lane (followed by a number or a name).
    static let streetWords = Keywords(["đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "hxh"])
    /// Words below the commune: villages, hamlets, residential groups.
    static let villageWords = Keywords(["thôn", "xóm", "ấp", "khóm", "tổ", "khu"])
    /// Village words that a name follows ("thôn Đông Lao").
    static let namedVillageWords = Keywords(["thôn", "xóm", "ấp", "khóm"])
    /// Words of the administrative units below the province, as an address names them.
    static let unitKeywords = Keywords(["phường", "xã", "quận", "huyện", "thị", "p", "q", "tp", "tx"])
    /// Folded words that carry an address on: street, village and unit words.
    static let addressWords: Set<String> = streetWords.folded.union(villageWords.folded).union([
        "phuong", "xa", "quan", "huyen", "pho", "tp", "tinh", "p", "q", "tt", "tx", "so",
    ])
    /// Two-word unit names whose first word alone is a common word ("thì", "thành"): they carry
    /// an address on only together ("thị trấn", "thị xã", "thành phố", "tổ dân phố").
    static let addressPairs: [String: Set<String>] = ["thi": ["tran", "xa"], "thanh": ["pho"], "dan": ["pho"]]

    /// Whether the word at `index` carries an address on.
    static func isAddressWord(_ words: [Word], at index: Int) -> Bool {
        let folded = words[index].folded
        if addressWords.contains(folded) { return true }
        if let next = addressPairs[folded], index + 1 < words.count { return next.contains(words[index + 1].folded) }
        // The second word of a pair.
        if index > 0, let pair = addressPairs[words[index - 1].folded], pair.contains(folded) { return true }
        return false
    }
    /// Folded words a clause goes on with that are not part of an address.
    static let clauseWords: Set<String> = [
        "thi", "de", "nen", "can", "muon", "hoi", "co", "khong", "duoc", "nhu", "the", "nao", "lam", "sao", "gi", "a",
        "vay", "va", "ma", "nhung", "toi", "em", "anh", "chi", "minh", "o", "tai", "cua", "voi", "cho", "den", "tu",
        "da", "dang", "se", "bi", "la", "nay", "do", "khi", "neu", "vi", "xin", "nho", "giup", "sdt", "dt", "cccd",
        "cmnd", "email", "mail", "ho", "ten", "nop", "gui", "len", "ve", "roi", "chua", "hay", "hoac", "tuoi", "sinh",
        "ngay", "thang", "nam",
    ]
    /// Words before "số N" that make it the number of a form, an article, a document or an
    /// account, not a house ("mẫu số 02", "công văn số 12 …").
    static let documentWords: Set<String> = [
        "mau", "dieu", "khoan", "luc", "bieu", "van", "dinh", "tu", "khai", "phieu", "chuong", "muc", "so", "khoan",
        "dong", "giay", "ban", "lenh", "thong", "bao", "cao", "hieu", "ky", "ma", "hang", "bang", "don", "ve", "phong",
    ]

    /// Labels after which an address follows (folded).
    static let addressLabels: [[String]] = [
        ["dia", "chi"], ["tru", "tai"], ["thuong", "tru"], ["tam", "tru"], ["noi", "o"], ["cho", "o"], ["cu", "tru"],
        ["so", "nha"],
    ]

    static func addresses(_ words: [Word], _ characters: [Character]) -> [Finding] {
        var found: [Finding] = []
        var index = 0
        while index < words.count {
            guard let first = addressStart(words, at: index) else {
                index += 1
                continue
            }
            let end = addressEnd(words, from: first)
            if end > first {
                found.append(Finding(kind: .address, range: words[first].range.lowerBound..<words[end - 1].range.upperBound))
            }
            index = max(end, index + 1)
        }
        return found
    }

    /// Where an address begins at word `index`, if one does: a house number before a street
    /// word and a name ("12 phố Huế", "số 5 ngõ 34"), a lane or village word before a number
    /// ("ngõ 34", "tổ 5"), a village word before a name ("thôn Đông Lao"), or a label before
    /// something that reads as an address ("địa chỉ: …", "thường trú tại …").
    static func addressStart(_ words: [Word], at index: Int) -> Int? {
        let word = words[index]
        func at(_ offset: Int) -> Word? { index + offset < words.count ? words[index + offset] : nil }
        for label in addressLabels where (0..<label.count).allSatisfy({ at($0)?.folded == label[$0] }) {
            guard !words[index + label.count - 1].endAfter else { return nil }
            var first = index + label.count
            while first < words.count, ["la", "tai", "o"].contains(words[first].folded) { first += 1 }
            // What follows must read as an address: a house number or a street, village or unit
            // word in its first three words ("địa chỉ cổng dịch vụ công" is not one).
            var looksLikeAddress = false
            for word in words[first..<min(first + 3, words.count)] {
                if word.isHouseNumber || word.isOne(of: streetWords) || word.isOne(of: villageWords)
                    || word.isOne(of: unitKeywords)
                {
                    looksLikeAddress = true
                    break
                }
                if word.endAfter { break }
            }
            return looksLikeAddress ? first : nil
        }
        guard !word.endAfter, let next = at(1) else { return nil }
        if word.folded == "so", next.isHouseNumber, !next.endAfter, !next.commaAfter, let after = at(2),
            index == 0 || !documentWords.contains(words[index - 1].folded)
        {
            // "số 12 ngõ 34 …", "số 12 Lê Lợi …", "so 12 ngach 3 …"
            return after.isLoosely(streetWords) || after.isLoosely(villageWords) || after.isCapitalized ? index : nil
        }
        if word.isHouseNumber, next.isLoosely(streetWords), !next.endAfter, let name = at(2), name.isCapitalized || name.isNumber {
            return index
        }
        if word.isHouseNumber, !word.commaAfter, next.isCapitalized, unitFollows(words, after: index + 1) {
            // "123 Nguyễn Trãi, phường Thanh Xuân Trung": a number, a street's name, a unit.
            return index
        }
        if word.isLoosely(streetWords) || word.isLoosely(villageWords) {
            if next.isHouseNumber { return index }
        }
        // "thôn Đông Lao", "ấp Bình Thạnh": a village word before a name.
        if word.isOne(of: namedVillageWords), next.isCapitalized { return index }
        return nil
    }

    /// Whether, after up to four capitalized words from `start`, a comma leads to a unit word
    /// ("… Nguyễn Trãi, phường …").
    static func unitFollows(_ words: [Word], after start: Int) -> Bool {
        var index = start
        while index < words.count, index - start < 4, words[index].isCapitalized {
            if words[index].commaAfter {
                return index + 1 < words.count && words[index + 1].isLoosely(unitKeywords)
            }
            if words[index].endAfter { return false }
            index += 1
        }
        return false
    }

    /// Where an address that begins at `first` ends (the word after its last): it goes on over
    /// numbers, street, village and unit words and the names after them, then over
    /// comma-separated parts that read as places ("Hai Bà Trưng, Hà Nội").
    static func addressEnd(_ words: [Word], from first: Int) -> Int {
        var index = first
        var nameRun = 0
        while index < words.count {
            let word = words[index]
            if word.isNumber || isAddressWord(words, at: index) {
                nameRun = 0
            } else if clauseWords.contains(word.folded) && !word.isCapitalized {
                break
            } else if word.isCapitalized || nameRun < 4 {
                nameRun += 1
            } else {
                break
            }
            index += 1
            if word.endAfter { break }
            if word.commaAfter {
                // The next part continues the address if it is short and reads as a place.
                guard partIsPlace(words, from: index) else { break }
                nameRun = 0
            }
        }
        return index
    }

    /// Whether the comma-separated part starting at `start` reads as a place: at most five
    /// words, none of them the words a sentence goes on with.
    static func partIsPlace(_ words: [Word], from start: Int) -> Bool {
        guard start < words.count else { return false }
        // A part that starts with a unit, street or village word, or a number, goes on with the
        // address ("quận Hai Bà Trưng", "quan Hai Ba Trung", "P.5"); its end is found word by word.
        let first = words[start]
        if first.isNumber || first.isLoosely(unitKeywords) || first.isLoosely(streetWords) || first.isLoosely(villageWords) {
            return true
        }
        var index = start
        while index < words.count, index - start < 5 {
            let word = words[index]
            if !word.isNumber, !isAddressWord(words, at: index), clauseWords.contains(word.folded), !word.isCapitalized {
                return false
            }
            if word.commaAfter || word.endAfter { return true }
            index += 1
        }
        return false
    }
}

// MARK: - Names

extension PersonalDataMasker {
    /// Forms of address a name follows ("anh Nguyễn Văn An", "chị Lan").
    static let titles = Keywords(["ông", "bà", "anh", "chị", "em", "cô", "chú", "bác"])
    /// Phrases after which a person gives their name (folded).
    static let introductions: [[String]] = [
        ["toi", "ten", "la"], ["ten", "toi", "la"], ["em", "ten", "la"], ["minh", "ten", "la"], ["ho", "va", "ten"],
        ["ho", "ten"], ["toi", "la"], ["em", "la"], ["minh", "la"], ["toi", "ten"], ["em", "ten"], ["ten", "la"],
    ]
    /// Surnames common enough to recognise a name typed in lower case ("nguyen van an").
    static let surnames = Keywords([
        "nguyễn", "trần", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "ngô", "dương", "đinh", "đoàn",
        "trịnh", "trương", "lương", "triệu", "quách", "nghiêm", "lưu", "vương", "phùng", "kiều",
    ])
    /// Surnames that are no common word as well, to recognise a name typed in lower case after
    /// a form of address ("anh nguyen van an"; not "anh lưu ý", "về lương khác").
    static let lowerCaseSurnames = Keywords([
        "nguyễn", "trần", "phạm", "hoàng", "huỳnh", "phan", "đặng", "trịnh", "triệu", "quách", "nghiêm",
    ])
    /// The same, and "lê", after a person says their name is coming ("tôi là lê văn an").
    static let surnamesAfterIntroduction = Keywords(lowerCaseSurnames.accented.sorted() + ["lê"])
    /// Folded words that end a name typed in lower case.
    static let afterName: Set<String> = [
        "o", "lam", "thuoc", "cong", "so", "sdt", "dt", "cccd", "cmnd", "dia", "muon", "hoi", "can", "xin", "va",
        "nhung", "ma", "co", "khong", "duoc", "den", "tu", "tai", "cua", "voi", "cho", "la", "nam", "sinh", "tuoi",
        "hien", "dang", "da", "email", "dien", "thoai", "nha", "phong", "chuyen", "vien", "can", "bo",
    ]

    static func names(_ words: [Word], _ characters: [Character], askerNames: [String]) -> [Finding] {
        var found: [Finding] = []
        for name in askerNames { found += asker(name, in: words) }
        for index in words.indices {
            // "tôi là Nguyễn Văn An", "họ và tên: Trần Thị Mai"
            for phrase in introductions where index + phrase.count <= words.count
                && (0..<phrase.count).allSatisfy({ words[index + $0].folded == phrase[$0] })
            {
                let start = index + phrase.count
                if let run = nameRun(words, from: start, minimumCapitalized: 1, lowerCaseSurnames: surnamesAfterIntroduction) {
                    found.append(Finding(kind: .name, range: words[start].range.lowerBound..<words[run - 1].range.upperBound))
                }
                break
            }
            // "anh Nguyễn Văn An", "ông Trần Bình", "cán bộ Phạm Quốc Bảo" (after a job, capitalized only)
            if isTitle(words, at: index), !words[index].endAfter, !words[index].commaAfter,
                capitalizedRun(words, from: index + 1) <= 4,
                let run = nameRun(words, from: index + 1, minimumCapitalized: 2,
                                  lowerCaseSurnames: words[index].isOne(of: titles) ? lowerCaseSurnames : Keywords([]))
            {
                found.append(Finding(kind: .name, range: words[index + 1].range.lowerBound..<words[run - 1].range.upperBound))
            }
            // "Nguyễn Văn Minh hỏi …", "gửi Nguyen Van Hung": a surname and two or three more
            // names, capitalized, that are not the name of a street, a place or an institution
            // (nor part of a longer one: "Đoàn Thanh Niên Cộng Sản …").
            if words[index].isCapitalized, words[index].isLoosely(surnames), !followsPlaceWord(words, at: index) {
                let run = capitalizedRun(words, from: index)
                if (3...4).contains(run) {
                    found.append(Finding(kind: .name, range: words[index].range.lowerBound..<words[index + run - 1].range.upperBound))
                }
            }
        }
        return found
    }

    /// How many capitalized words run from `start` without punctuation between them.
    static func capitalizedRun(_ words: [Word], from start: Int) -> Int {
        var end = start
        while end < words.count, words[end].isCapitalized, !words[end].isNumber,
            end == start || (!words[end - 1].endAfter && !words[end - 1].commaAfter)
        {
            end += 1
        }
        return end - start
    }

    /// Two-word forms of address and jobs a name follows ("cán bộ", "chuyên viên", "giám đốc").
    static let titlePairs: [String: Set<String>] = [
        "bo": ["can"], "vien": ["chuyen", "sinh", "giao", "nhan", "hoc", "dang"], "doc": ["giam"],
        "truong": ["thu", "bo", "pho", "cuc", "vu", "hieu"], "tich": ["chu"], "chi": ["dong"], "phong": ["truong", "pho"],
        "si": ["bac", "tien", "thac", "ky"], "su": ["ky", "luat", "giao"],
    ]
    /// Words before a capitalized form of address that make it one ("Kính gửi Ông …").
    static let greetings: Set<String> = ["gui", "kinh", "chao", "thua", "on", "xin", "nho", "cam"]

    /// Whether the word at `index` is a form of address or a job before a name. A capitalized
    /// "Bà", "Ông" inside a sentence is part of a proper name ("tỉnh Bà Rịa", "phố Ông Ích
    /// Khiêm"), unless a greeting comes before it.
    static func isTitle(_ words: [Word], at index: Int) -> Bool {
        let word = words[index]
        if index > 0, let before = titlePairs[word.folded], before.contains(words[index - 1].folded) { return true }
        guard word.isOne(of: titles) else { return false }
        if index > 0 && placeWords.contains(words[index - 1].folded) { return false }
        guard word.isCapitalized, index > 0, !words[index - 1].endAfter else { return true }
        return greetings.contains(words[index - 1].folded)
    }

    /// Words after which capitalized words name a street, a place or an institution, not a person.
    static let placeWords: Set<String> = [
        "duong", "pho", "ngo", "hem", "phuong", "xa", "quan", "huyen", "tinh", "thanh", "tp", "truong", "hoc", "cuc", "bo",
        "so", "vien", "benh", "cong", "ty", "giai", "thuong", "le", "tuong", "dai", "nha", "van", "hoa", "khu", "lang",
        "quy", "chuong", "trinh", "mang", "tap", "doan", "trung", "tam", "den", "chua", "mieu", "lang", "dinh",
    ]

    static func followsPlaceWord(_ words: [Word], at index: Int) -> Bool {
        guard index > 0 else { return false }
        let previous = words[index - 1]
        return placeWords.contains(previous.folded)
            || (previous.isCapitalized && !previous.endAfter && !previous.commaAfter && !sentenceWords.contains(previous.folded))
    }

    /// Capitalized words a sentence starts with before a name ("Tôi Nguyễn Văn Minh …").
    static let sentenceWords: Set<String> = [
        "toi", "em", "anh", "chi", "ong", "ba", "minh", "kinh", "gui", "chao", "cam", "on", "thua", "xin", "co", "chu", "bac",
        "ban", "dong", "nho", "hoi", "la",
    ]

    /// The end of a name starting at `start`: up to four capitalized words, or, typed in lower
    /// case, a known surname and up to three words after it; nil when there is none.
    static func nameRun(_ words: [Word], from start: Int, minimumCapitalized: Int, lowerCaseSurnames: Keywords) -> Int? {
        guard start < words.count, !words[start].isNumber else { return nil }
        var index = start
        if words[start].isCapitalized {
            while index < words.count, index - start < 4, words[index].isCapitalized, !words[index].isNumber {
                index += 1
                if words[index - 1].endAfter || words[index - 1].commaAfter { break }
            }
            return index - start >= minimumCapitalized ? index : nil
        }
        guard words[start].isOne(of: lowerCaseSurnames) else { return nil }
        while index < words.count, index - start < 4, !words[index].isNumber,
            index == start || !afterName.contains(words[index].folded)
        {
            index += 1
            if words[index - 1].endAfter || words[index - 1].commaAfter { break }
        }
        return index - start >= 2 ? index : nil
    }

    /// The asker's own name wherever it appears: whole (in any case, with or without
    /// diacritics, or run together: "NguyễnVănMinh"); capitalized, its last two or more
    /// syllables ("Văn An"), surname and given name without the middle ("Nguyễn Minh"), the
    /// surname last ("Văn Minh Nguyễn", "Minh Nguyen"), initials ("N.V.Minh"); its given name
    /// alone, capitalized, after a form of address ("anh An"). A match never runs over a comma or
    /// the end of a sentence.
    static func asker(_ name: String, in words: [Word]) -> [Finding] {
        let parts = Diacritics.foldedWords(name).map(String.init)
        guard let given = parts.last else { return [] }
        // Word sequences that are this name, and whether they must be capitalized to count.
        var patterns: [(words: [String], capitalized: Bool)] = []
        if parts.count >= 2 { patterns.append((parts, false)) }
        patterns.append(([parts.joined()], parts.count == 1))
        if parts.count >= 3 {
            for length in 2..<parts.count { patterns.append((Array(parts.suffix(length)), true)) }
            patterns.append((Array(parts.dropFirst()) + [parts[0]], true))
            patterns.append(([parts[0], given], true))
            patterns.append(([given, parts[0], parts[1]], true))
        }
        if parts.count >= 2 { patterns.append(([given, parts[0]], true)) }
        func unbroken(_ start: Int, _ count: Int) -> Bool {
            (start..<(start + count - 1)).allSatisfy { !words[$0].commaAfter && !words[$0].endAfter }
        }
        var found: [Finding] = []
        var index = 0
        while index < words.count {
            var matched = 0
            for pattern in patterns where pattern.words.count > matched && index + pattern.words.count <= words.count {
                let span = words[index..<(index + pattern.words.count)]
                guard zip(pattern.words, span).allSatisfy({ $0 == $1.folded }), unbroken(index, pattern.words.count),
                    !pattern.capitalized || words[index].isCapitalized
                else { continue }
                matched = pattern.words.count
            }
            if matched == 0, words[index].folded == given, words[index].isCapitalized,
                parts.count == 1 || (index > 0 && isTitle(words, at: index - 1))
            {
                matched = 1
            }
            // Initials ("N.V.Minh", "Nguyễn V. Minh"): each word before the given name is the
            // name's syllable or its initial.
            if matched == 0, parts.count >= 2, index + parts.count <= words.count, unbroken(index, parts.count),
                words[index + parts.count - 1].folded == given, words[index + parts.count - 1].isCapitalized
            {
                let before = words[index..<(index + parts.count - 1)]
                let initials = zip(parts.dropLast(), before).allSatisfy { part, word in
                    word.folded == part || (word.folded.count == 1 && part.first == word.folded.first && word.isCapitalized)
                }
                if initials, before.contains(where: { $0.folded.count == 1 }) { matched = parts.count }
            }
            if matched > 0 {
                found.append(Finding(kind: .name, range: words[index].range.lowerBound..<words[index + matched - 1].range.upperBound))
                index += matched
            } else {
                index += 1
            }
        }
        return found
    }
}
