import Foundation
import Testing

@testable import Dialogue
@testable import Retrieval

/// The document catalogue over the bundled corpus's `docs.jsonl`.
@Suite struct CatalogueTests {
    static let corpus = try! Corpus.load(from: Corpus.defaultDirectory())
    let catalogue = DocumentCatalogue(CatalogueTests.corpus.documents, lexicon: CatalogueTests.corpus.lexicon)

    /// A number is found however it is typed.
    @Test(arguments: ["47/2020", "NĐ 47/2020/NĐ-CP", "47/2020/NĐ-CP", "nghị định số 47/2020", "nd 47/2020"])
    func numberAsTyped(_ query: String) {
        #expect(catalogue.search(query).first?.number == "47/2020/NĐ-CP")
    }

    /// "nghị định 47" without a year finds the decrees numbered 47.
    @Test func shortNumber() {
        let numbers = catalogue.search("nghị định 47").prefix(2).map(\.number)
        #expect(numbers.contains("47/2020/NĐ-CP"))
        #expect(numbers.allSatisfy { $0.hasPrefix("47/") })
    }

    /// Words of the title or summary, with or without diacritics, find the same document.
    @Test func wordsWithAndWithoutDiacritics() {
        let accented = catalogue.search("chữ ký số chuyên dùng công vụ").first
        let unaccented = catalogue.search("chu ky so chuyen dung cong vu").first
        #expect(accented?.number == "68/2024/NĐ-CP")
        #expect(unaccented?.number == accented?.number)
    }

    /// Filters by kind (however spelled), issuer, topic and year; an empty query lists what the
    /// filter keeps, newest first.
    @Test func filters() {
        let decrees = catalogue.search("chữ ký số", filter: .init(kind: "nghi dinh"), limit: 20)
        #expect(!decrees.isEmpty && decrees.allSatisfy { $0.kind == "nghị định" })
        let of2023 = catalogue.search("", filter: .init(year: 2023), limit: 50)
        #expect(!of2023.isEmpty && of2023.allSatisfy { $0.date?.hasPrefix("2023") == true })
        #expect(of2023.map { $0.date ?? "" } == of2023.map { $0.date ?? "" }.sorted(by: >))
        let byIssuer = catalogue.search("", filter: .init(issuer: "quoc hoi"), limit: 50)
        #expect(!byIssuer.isEmpty && byIssuer.allSatisfy { $0.issuer == "Quốc hội" })
        let topic = try! #require(Self.corpus.documents.first?.topics?.first)
        #expect(catalogue.search("", filter: .init(topic: topic), limit: 100).allSatisfy { $0.topics?.contains(topic) == true })
    }

    /// Documents added later are found at once.
    @Test func addedDocuments() {
        let catalogue = DocumentCatalogue(Self.corpus.documents, lexicon: Self.corpus.lexicon)
        #expect(catalogue.search("999/2026/NĐ-CP").first?.number != "999/2026/NĐ-CP")
        catalogue.add([CatalogueDocument(id: "999-2026-nd-cp", number: "999/2026/NĐ-CP", kind: "nghị định",
                                         title: "Nghị định thử về kho dữ liệu mở", issuer: "Chính phủ", date: "2026-11-01",
                                         summary: "Văn bản dùng để thử danh mục.")])
        #expect(catalogue.search("999/2026/NĐ-CP").first?.number == "999/2026/NĐ-CP")
        #expect(catalogue.search("kho du lieu mo").first?.id == "999-2026-nd-cp")
    }
}
