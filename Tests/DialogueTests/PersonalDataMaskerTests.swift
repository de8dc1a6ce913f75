import Testing

@testable import Dialogue

/// Personal data is masked before a question or answer becomes knowledge; the rest of the text
/// is kept word for word.
@Suite struct PersonalDataMaskerTests {
    let masker = PersonalDataMasker()

    /// A question holding a name, a national id number, a phone, an e-mail and a street address.
    @Test func maskesEveryKindInAnAccentedQuestion() {
        let question = "Tôi là Nguyễn Văn An, CCCD 001085012345, số điện thoại 0912 345 678, email an.nguyen@gmail.com, "
            + "ở số 12 ngõ 34 phố Huế, quận Hai Bà Trưng, Hà Nội. Hồ sơ cấp chữ ký số của tôi nộp đã hai tuần chưa có kết quả?"
        #expect(masker.mask(question) == "Tôi là [họ tên], CCCD [số CCCD/CMND], số điện thoại [số điện thoại], "
            + "email [email], ở [địa chỉ]. Hồ sơ cấp chữ ký số của tôi nộp đã hai tuần chưa có kết quả?")
    }

    /// The same typed without diacritics, in lower case, with the digits ungrouped.
    @Test func masksUnaccentedLowerCase() {
        let question = "toi la nguyen van an, cccd 001085012345, sdt 0912345678, o so 12 ngo 34 pho hue, hai ba trung, ha noi. "
            + "ho so chu ky so cua toi chua co ket qua"
        #expect(masker.mask(question) == "toi la [họ tên], cccd [số CCCD/CMND], sdt [số điện thoại], o [địa chỉ]. "
            + "ho so chu ky so cua toi chua co ket qua")
    }

    /// The asker's own name (from `hello`) is found however the answer writes it.
    @Test func masksTheAskersOwnName() {
        let answer = "Chào chị Mai, hồ sơ của chị Trần Thị Mai (TRAN THI MAI) đã được tiếp nhận."
        #expect(masker.mask(answer, askerName: "Trần Thị Mai")
            == "Chào chị [họ tên], hồ sơ của chị [họ tên] ([họ tên]) đã được tiếp nhận.")
        #expect(masker.mask("Kính gửi ông Lê Minh Tuấn.") == "Kính gửi ông [họ tên].")
    }

    /// Phone numbers as people write them, and a 9-digit CMND after its label.
    @Test(arguments: [
        ("Gọi +84 912 345 678 nhé", "Gọi [số điện thoại] nhé"),
        ("sđt 84912345678", "sđt [số điện thoại]"),
        ("Máy bàn (024) 3943 1234.", "Máy bàn [số điện thoại]."),
        ("liên hệ 0243.943.1234 hoặc 098-765-4321", "liên hệ [số điện thoại] hoặc [số điện thoại]"),
        ("hai số 0912345678 0987654321", "hai số [số điện thoại] [số điện thoại]"),
        ("CMND số 123 456 789 cấp năm 2010", "CMND số [số CCCD/CMND] cấp năm 2010"),
        ("Họ và tên: Phạm Thu Hà; thường trú tại thôn Đông Lao, xã Đông La, huyện Hoài Đức",
         "Họ và tên: [họ tên]; thường trú tại [địa chỉ]"),
        ("dia chi: 25 Le Loi, P.5, Q.3, TP HCM", "dia chi: [địa chỉ]"),
    ])
    func masksCommonForms(_ text: String, _ expected: String) {
        #expect(masker.mask(text) == expected)
    }

    /// What is not personal stays: document numbers, dates, hotlines, amounts, agencies,
    /// provinces, and words that happen to share the asker's syllables.
    @Test func keepsWhatIsNotPersonal() {
        let text = "Theo Nghị định 47/2020/NĐ-CP ngày 09/04/2020 và Quyết định số 2323/QĐ-BTTTT, tổng đài 1900 1234 hỗ trợ; "
            + "kinh phí 150.000.000 đồng; Cổng Dịch vụ công quốc gia; Cục An toàn thông tin; UBND tỉnh Nghệ An; "
            + "hệ thống có 2 đường truyền; Địa chỉ cổng dịch vụ công quốc gia là gì? Công văn an toàn thông tin, "
            + "Ban Cơ yếu Chính phủ, mã số thuế 0100109106, IP 10.0.0.1, có Cổng Dịch vụ công."
        #expect(masker.mask(text, askerName: "Nguyễn Văn An") == text)
    }

    /// Decomposed (NFD) input is read like precomposed.
    @Test func readsDecomposedInput() {
        let decomposed = "To\u{302}i la\u{300} Nguye\u{302}\u{303}n Va\u{306}n An, so\u{302}\u{301} 0912345678"
        #expect(masker.mask(decomposed) == "To\u{302}i la\u{300} [họ tên], so\u{302}\u{301} [số điện thoại]")
    }
}

/// The bundled knowledge base holds no personal data: the masker leaves its questions, variants
/// and answers as they are (a measure of its false alarms on real e-government text).
@Suite struct MaskerOnTheCorpusTests {
    @Test func bundledEntriesComeOutUnchanged() throws {
        let corpus = try Corpus.load(from: BundledCorpus.directory)
        let masker = PersonalDataMasker()
        var changed: [String] = []
        for entry in corpus.entries {
            for text in [entry.question, entry.answer] + (entry.variants ?? []) where masker.mask(text) != text {
                changed.append("\(entry.id): \(masker.mask(text))")
            }
        }
        #expect(changed.isEmpty, "\(changed.count) texts changed:\n\(changed.prefix(20).joined(separator: "\n"))")
    }
}

/// Random text made of the characters the rules look at — digits, separators, capitals,
/// Vietnamese letters, address words — never stops the masker, and its findings are in order,
/// apart and inside the text (a hang here would hang a unit's reply).
@Suite struct MaskerOnRandomTextTests {
    @Test func randomTextTerminatesWithSaneFindings() {
        var random = SystemRandomNumberGenerator()
        var seed = random.next() as UInt64
        let fixed = seed
        let pieces = ["0", "9", "84", "+", "(", ")", ".", "-", "/", "@", ",", " ", " ", " ", "\n", ":", "a", "A", "Đ", "ữ",
                      "số", "ngõ", "phố", "thôn", "Tôi là", "anh", "Nguyễn", "Văn", "địa chỉ", "tổ", "0912345678",
                      "001085012345", "x@y.vn", "e\u{301}", "👩‍👩‍👧", "CCCD", "thi", "so", "pho"]
        let masker = PersonalDataMasker()
        for _ in 0..<3_000 {
            var text = ""
            let count = Int(Self.next(&seed) % 40)
            for _ in 0..<count { text += pieces[Int(Self.next(&seed) % UInt64(pieces.count))] }
            let found = masker.findings(in: text, askerName: "Nguyễn Văn An")
            var end = 0
            for finding in found {
                #expect(finding.range.lowerBound >= end && finding.range.upperBound <= text.count, "seed \(fixed): \(text)")
                end = finding.range.upperBound
            }
            _ = masker.mask(text, askerName: "Nguyễn Văn An")
        }
    }

    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// In a unit's answer, the office's own lines stay (they are meant for everyone); the asker's
/// numbers, and mobile numbers, do not.
@Suite struct MaskerOnAnswersTests {
    @Test func officeLinesStayInAnswers() {
        let masker = PersonalDataMasker()
        let question = "Tôi gọi 024 3943 1234 mãi không được, số của tôi là 0912345678"
        let answer = "Anh gọi tổng đài 1900 1234 hoặc văn phòng Cục (024) 3556 7890; số 0243.943.1234 anh nêu không phải của Cục. "
            + "Cán bộ sẽ gọi lại anh theo số 0912 345 678."
        #expect(masker.mask(answer, source: .answer(question: question))
            == "Anh gọi tổng đài 1900 1234 hoặc văn phòng Cục (024) 3556 7890; số [số điện thoại] anh nêu không phải của Cục. "
            + "Cán bộ sẽ gọi lại anh theo số [số điện thoại].")
        #expect(masker.mask(question) == "Tôi gọi [số điện thoại] mãi không được, số của tôi là [số điện thoại]")
    }
}

/// A line-sized text made of nothing but what the rules look at is masked whole, in one pass
/// (each rule looks a bounded distance ahead: a text of thousands of digit groups is not tried
/// group pair by group pair).
@Suite struct MaskerOnFloodsTests {
    @Test func longRepetitiveTextsAreMaskedWhole() {
        let masker = PersonalDataMasker()
        let phones = String(repeating: "0912345678 ", count: 1_400)
        #expect(masker.findings(in: phones).count == 1_400)
        let ones = String(repeating: "1 ", count: 8_000)
        #expect(masker.findings(in: ones).isEmpty)
        let ids = String(repeating: "001 085 012 345 ", count: 1_000)
        #expect(masker.findings(in: ids).filter { $0.kind == .idNumber }.count == 1_000)
        let names = String(repeating: "Tôi là Nguyễn Văn An, ", count: 700)
        #expect(masker.mask(names, askerName: "Nguyễn Văn An") == String(repeating: "Tôi là [họ tên], ", count: 700))
    }
}

/// Forms an attacker tried that got through before: addresses typed without diacritics in a
/// text with some, a number and a street's name before a ward, short unit forms, names with
/// no word before them, the asker's name the other way round or in initials.
@Suite struct MaskerOnVariantsTests {
    let masker = PersonalDataMasker()

    @Test(arguments: [
        ("Nhà tôi so 12 ngo 34 pho Hue, quan Hai Ba Trung, Ha Noi. Xin hỏi thủ tục", "Nhà tôi [địa chỉ]. Xin hỏi thủ tục"),
        ("nha toi so 12 ngach 3 ngo 34 pho hue thi nop o dau", "nha toi [địa chỉ] thi nop o dau"),
        ("Tôi ở 123 Nguyễn Trãi, phường Thanh Xuân Trung, quận Thanh Xuân.", "Tôi ở [địa chỉ]."),
        ("Địa chỉ: 12/34 Phố Huế, Q. Hai Bà Trưng, TP. Hà Nội", "Địa chỉ: [địa chỉ]"),
        ("Tôi ở thôn Đông, xã Yên Sở, huyện Hoài Đức hỏi về chữ ký số", "Tôi ở [địa chỉ] hỏi về chữ ký số"),
        ("Nguyễn Văn Minh hỏi cấp độ an toàn hệ thống", "[họ tên] hỏi cấp độ an toàn hệ thống"),
        ("Gửi Nguyễn Văn Minh, hỏi cấp độ", "Gửi [họ tên], hỏi cấp độ"),
        ("Tôi Nguyễn Văn Minh, mình hỏi cấp độ", "Tôi [họ tên], mình hỏi cấp độ"),
        ("cán bộ Phạm Quốc Bảo hỏi về kinh phí", "cán bộ [họ tên] hỏi về kinh phí"),
        ("chuyên viên Lê Thị Hồng Nhung phụ trách", "chuyên viên [họ tên] phụ trách"),
        ("Nhờ gửi Nguyen Van Hung bản sao", "Nhờ gửi [họ tên] bản sao"),
        ("Kính gửi Ông Trần Văn Bình, Cục trả lời như sau", "Kính gửi Ông [họ tên], Cục trả lời như sau"),
    ])
    func masked(_ text: String, _ expected: String) {
        #expect(masker.mask(text) == expected)
    }

    /// The asker's name from `hello`, however it is turned.
    @Test(arguments: ["Minh Nguyen", "Minh Nguyễn Văn", "N.V.Minh", "Nguyễn V. Minh", "NGUYEN VAN MINH", "Nguyễn Minh",
                      "NguyễnVănMinh", "Văn Minh Nguyễn"])
    func askerNameTurned(_ written: String) {
        #expect(masker.mask("Chào \(written), hồ sơ đã nhận.", askerName: "Nguyễn Văn Minh") == "Chào [họ tên], hồ sơ đã nhận.")
    }

    /// Places, institutions and forms named after people or numbered stay.
    @Test(arguments: [
        "Trường Đại học Nguyễn Tất Thành ở đường Trần Hưng Đạo; Cổng Dịch vụ công quốc gia; Bộ Nội vụ.",
        "UBND tỉnh Bà Rịa - Vũng Tàu và Sở Nội vụ tỉnh Bà Rịa - Vũng Tàu", "trụ sở ở phố Ông Ích Khiêm, gần đền Bà Chúa Kho",
        "Điền theo Mẫu số 02, Phụ lục I của Nghị định 30/2020/NĐ-CP; mẫu số 01, Điều 12", "công văn số 12 Bộ Nội vụ",
        "Đoàn Thanh Niên Cộng Sản Hồ Chí Minh tỉnh", "Giải thưởng Lê Văn Thiêm", "chương trình Nguyễn Văn Linh",
    ])
    func namesOfPlacesStay(_ text: String) {
        #expect(masker.mask(text) == text)
    }

    /// The asker's partial names.
    @Test func partialAskerNames() {
        #expect(masker.mask("Chào Ngọc Ánh Vũ, Ánh gửi lại giúp", askerName: "Vũ Ngọc Ánh") == "Chào [họ tên], Ánh gửi lại giúp")
        #expect(masker.mask("Chị Phạm Hân ơi", askerName: "Phạm Ngọc Hân") == "Chị [họ tên] ơi")
    }
}

/// Words that are also surnames stay words in lower case: "anh lưu ý", "kỹ sư lương khác".
@Suite struct MaskerOnCommonWordsTests {
    @Test(arguments: ["Anh lưu ý nộp trước ngày 15.", "kỹ sư lương khác, công nhân lương khác",
                      "chị dương tính thì báo", "em đoàn kết", "anh vũ trụ học"])
    func commonWordsStay(_ text: String) {
        #expect(PersonalDataMasker().mask(text) == text)
    }
}
