import Foundation
import Testing

@testable import Dialogue

/// Placing agencies in the 34 provinces and cities of the bundled `corpus/provinces.jsonl`, as
/// agencies write their names.
@Suite struct ProvinceDirectoryTests {
    static let directory: ProvinceDirectory = {
        // A failure to load is reported by `bundledDirectoryLoads`.
        (try? Corpus.load(from: BundledCorpus.directory).provinces) ?? .empty
    }()

    static func placed(_ agency: String?) -> String? { directory.province(forAgency: agency)?.id }

    @Test func bundledDirectoryLoads() throws {
        let corpus = try Corpus.load(from: BundledCorpus.directory)
        #expect(corpus.provinces.provinces.count == 34)
        // The desk's reports (`stats`) place agencies with the same list.
        #expect(corpus.deskConfiguration.provinces.provinces.count == 34)
    }

    /// The names agencies sign with, with and without diacritics, in any case.
    @Test(arguments: [
        ("Sở Nội vụ tỉnh Nghệ An", "nghe-an"),
        ("so noi vu tinh nghe an", "nghe-an"),
        ("SỞ NỘI VỤ TỈNH NGHỆ AN", "nghe-an"),
        ("UBND TP. Ho Chi Minh", "ho-chi-minh"),
        ("Sở Thông tin và Truyền thông TP.HCM", "ho-chi-minh"),
        ("Trung tâm chuyển đổi số TPHCM", "ho-chi-minh"),
        ("Quận 1, Sài Gòn", "ho-chi-minh"),
        ("UBND tỉnh Thanh Hoá", "thanh-hoa"),
        ("UBND tỉnh Thanh Hóa", "thanh-hoa"),
        ("Sở KH&CN Đắc Lắc", "dak-lak"),
        ("VNPT Daklak", "dak-lak"),
        ("Sở Tài chính tỉnh Đắk Lắk", "dak-lak"),
        ("Văn phòng UBND Thừa Thiên Huế", "hue"),
        ("Đại học Huế", "hue"),
        ("Sở Y tế Hà Nội", "ha-noi"),
        ("Trung tâm CNTT HN", "ha-noi"),
        ("Sở Xây dựng Ðà Nẵng", "da-nang"),  // Ð: the Icelandic eth some keyboards give for Đ
        ("Sở Nội vụ Cần Thơ", "can-tho"),
    ])
    func spellings(agency: String, province: String) {
        #expect(Self.placed(agency) == province)
    }

    /// An agency still signing with a province merged in 2025 is in the new one.
    @Test(arguments: [
        ("Sở TT&TT Bình Dương", "ho-chi-minh"),
        ("Sở Nội vụ tỉnh Bà Rịa – Vũng Tàu", "ho-chi-minh"),
        ("UBND tỉnh Hà Nam", "ninh-binh"),
        ("so tai chinh nam dinh", "ninh-binh"),
        ("UBND TỈNH KON TUM", "quang-ngai"),
        ("Sở Nội vụ tỉnh Hoà Bình", "phu-tho"),
        ("Sở Nội vụ tỉnh Hòa Bình", "phu-tho"),
        ("Sở TT&TT Quảng Nam", "da-nang"),
        ("Sở Nội vụ Hải Dương", "hai-phong"),
        ("UBND tỉnh Bắc Kạn", "thai-nguyen"),
        ("UBND tỉnh Sóc Trăng", "can-tho"),
    ])
    func oldProvinces(agency: String, province: String) {
        #expect(Self.placed(agency) == province)
    }

    /// Every province of before the reorganisation (34 kept names and 29 merged) is placed in
    /// the province it is now part of.
    @Test func everyOldNameIsPlaced() {
        var names = 0
        for province in Self.directory.provinces {
            for name in [province.name] + province.merged {
                #expect(Self.placed("UBND \(name)") == province.id, "\(name)")
                names += 1
            }
        }
        #expect(names == 63)
    }

    /// National bodies name no province; nor do words that only contain or resemble a name.
    @Test(arguments: [
        "Bộ Nội vụ", "Cục Chuyển đổi số quốc gia", "Bộ Công an", "Văn phòng Chính phủ", "Bộ Khoa học và Công nghệ",
        "", "   ",
        "Trường THPT Nguyễn Huệ",  // Huệ is not Huế
        "Công ty Hanoitourist",  // not the whole word
        "Sở Nội vụ tỉnh Nghệ Anh",
    ])
    func noProvince(agency: String) {
        #expect(Self.placed(agency) == nil)
    }

    @Test func missingAgency() {
        #expect(Self.placed(nil) == nil)
        #expect(ProvinceDirectory.empty.province(forAgency: "Sở Nội vụ tỉnh Nghệ An") == nil)
    }

    /// The longest name found wins, and among names as long the earliest.
    @Test func longestMatchWins() throws {
        let directory = try ProvinceDirectory(
            [Province(id: "hue", name: "Huế", kind: "thành phố"), Province(id: "tth", name: "Thừa Thiên Huế", kind: "tỉnh"),
             Province(id: "ha-nam", name: "Hà Nam", kind: "tỉnh"), Province(id: "nam-dinh", name: "Nam Định", kind: "tỉnh")],
            file: "test")
        #expect(directory.province(forAgency: "Sở Y tế Thừa Thiên Huế")?.id == "tth")
        #expect(directory.province(forAgency: "Bệnh viện Trung ương Huế")?.id == "hue")
        #expect(directory.province(forAgency: "Hội đồng hương Hà Nam Định")?.id == "ha-nam")
        #expect(directory.province(forAgency: "Hội đồng hương Nam Định - Hà Nam")?.id == "nam-dinh")
    }

    /// The 34 of Nghị quyết 202/2025/QH15: six centrally-run cities, ids unique.
    @Test func theThirtyFour() {
        let provinces = Self.directory.provinces
        #expect(provinces.count == 34)
        #expect(Set(provinces.map(\.id)).count == 34)
        #expect(Set(provinces.map(\.name)).count == 34)
        #expect(Set(provinces.filter { $0.kind == "thành phố" }.map(\.id))
            == ["ha-noi", "hue", "hai-phong", "da-nang", "ho-chi-minh", "can-tho"])
        #expect(provinces.reduce(0) { $0 + $1.merged.count } == 29)
        #expect(Self.directory.province(id: "ho-chi-minh")?.merged == ["Bình Dương", "Bà Rịa – Vũng Tàu"])
    }

    /// A list that cannot be meant is refused when the corpus loads.
    @Test func badListsAreRefused() {
        let nghean = Province(id: "nghe-an", name: "Nghệ An", kind: "tỉnh")
        #expect(throws: CorpusError.self) { try ProvinceDirectory([nghean, nghean], file: "p") }
        #expect(throws: CorpusError.self) {
            try ProvinceDirectory([nghean, Province(id: "khac", name: "Khác", kind: "tỉnh", aliases: ["nghe an"])], file: "p")
        }
        #expect(throws: CorpusError.self) { try ProvinceDirectory([Province(id: "x", name: "X", kind: "huyện")], file: "p") }
        #expect(throws: CorpusError.self) { try ProvinceDirectory([Province(id: "Nghe An", name: "Nghệ An", kind: "tỉnh")], file: "p") }
        #expect(throws: CorpusError.self) {
            try ProvinceDirectory([Province(id: "nghe-an", name: "Nghe\u{0302}\u{0323} An", kind: "tỉnh")], file: "p")
        }
        #expect(throws: CorpusError.self) { try ProvinceDirectory([Province(id: "x", name: " – ", kind: "tỉnh")], file: "p") }
    }
}
