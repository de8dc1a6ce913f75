import Foundation
import Testing

@testable import Dialogue
@testable import Retrieval

/// An agency's FAQ kept as a spreadsheet: read as Excel and LibreOffice save it, each usable
/// row an entry, each unusable one reported by its line; the knowledge base exported and read
/// back the same.
@Suite struct FAQImportTests {
    let topics = [Topic(id: "an-toan", name: "An toàn thông tin", unit: "ATTT"), Topic(id: "nen-tang", name: "Nền tảng", unit: "CDS")]

    @Test func readsWhatSpreadsheetsWrite() throws {
        // A Vietnamese-locale Excel: BOM, semicolons, CRLF, a quoted cell with a line break,
        // a doubled quote, a blank line.
        let text = "\u{FEFF}Câu hỏi;Trả lời;Chủ đề\r\n"
            + "Hệ thống cấp độ 3 là gì?;\"Theo Nghị định 85/2016/NĐ-CP:\r\n- cấp độ 3 \"\"quan trọng\"\"\";an toàn thông tin\r\n"
            + "\r\n"
            + "LGSP dùng để làm gì?;Kết nối các hệ thống của tỉnh.;nen-tang\r\n"
        let table = try CSVTable.parse(text)
        #expect(table.delimiter == ";")
        #expect(table.rows.map(\.line) == [1, 2, 5])
        #expect(table.rows[1].cells[1] == "Theo Nghị định 85/2016/NĐ-CP:\n- cấp độ 3 \"quan trọng\"")
        let comma = try CSVTable.parse("question,answer\nA?,\"x, y\"\n")
        #expect(comma.delimiter == "," && comma.rows[1].cells == ["A?", "x, y"])
        #expect(throws: CSVTable.Malformed.self) { try CSVTable.parse("a,b\n\"không đóng,c\n") }
    }

    @Test func rowsBecomeEntriesAndBadRowsAreReportedByLine() throws {
        let text = """
            STT,Nội dung câu hỏi,Câu trả lời,Lĩnh vực,Đơn vị
            1,Hệ thống cấp độ 3 là gì?,Là hệ thống quan trọng; xem Nghị định 85/2016/NĐ-CP.,an-toan,
            2,,Trả lời mà không có câu hỏi,an-toan,
            3,Chữ ký số cấp cho ai?,,an-toan,
            4,Câu hỏi chủ đề lạ?,Trả lời.,thiên văn,
            5,He thong cap do 3 la gi?,Trùng câu hỏi dòng 2.,,
            6,Ai trả lời câu này?,"Liên hệ anh Nguyễn Văn An, 0912 345 678.",,CDS
            7,Đơn vị lạ?,Trả lời.,,XYZ
            """
        let (entries, rejected) = try FAQImport(topics: topics, units: ["ATTT", "CDS"]).entries(from: try CSVTable.parse(text))
        #expect(entries.map(\.question) == ["Hệ thống cấp độ 3 là gì?", "Ai trả lời câu này?"])
        #expect(entries[0].topic == "an-toan" && entries[0].unit == "ATTT")
        #expect(entries[1].unit == "CDS" && entries[1].topic == nil)
        #expect(!entries[1].answer.contains("0912"), "personal data never becomes knowledge")
        #expect(rejected.map(\.line) == [3, 4, 5, 6, 8])
        #expect(rejected.first { $0.line == 6 }?.reason == "trùng câu hỏi ở dòng 2")
        // The id follows the question, however it is accented: importing again updates.
        #expect(entries[0].id == FAQImport.entryID("he thong cap do 3 la gi?"))
    }

    @Test func columnsNamedOrNumbered() throws {
        let table = try CSVTable.parse("a,b,c\nx,Hỏi gì?,Đáp vậy.\n")
        #expect(throws: FAQImport.Unusable.self) { try FAQImport(topics: topics, units: []).entries(from: table) }
        let (entries, _) = try FAQImport(topics: topics, units: []).entries(from: table, mapping: .init(question: "2", answer: "c"))
        #expect(entries.first?.question == "Hỏi gì?" && entries.first?.answer == "Đáp vậy.")
        #expect(throws: FAQImport.Unusable.self) {
            try FAQImport(topics: topics, units: []).entries(from: table, mapping: .init(question: "không có", answer: "c"))
        }
    }

    @Test func exportReadsBack() throws {
        let entries = [
            KnowledgeEntry(id: "an-toan-001", question: "Cấp độ 3?", answer: "- Bước 1: xác định.\n- Bước 2, thẩm định.",
                           topic: "an-toan", unit: "ATTT", variants: ["Hệ thống cấp 3?", "Cấp độ ba?"]),
            KnowledgeEntry(id: "x", question: "=HYPERLINK(\"a\")", answer: "Có \"ngoặc\"; và chấm phẩy", topic: nil, unit: "CDS"),
        ]
        let csv = FAQImport.csv(entries)
        #expect(csv.hasPrefix("\u{FEFF}id,question,answer"))
        #expect(csv.contains("'=HYPERLINK"), "a formula is not run by the spreadsheet")
        let (back, rejected) = try FAQImport(topics: topics, units: ["ATTT", "CDS"]).entries(from: try CSVTable.parse(csv))
        #expect(rejected.isEmpty)
        #expect(back.map(\.answer) == entries.map(\.answer))
        #expect(back[0].variants == entries[0].variants && back[0].topic == "an-toan")
        #expect(back[1].question == entries[1].question)
    }
}
