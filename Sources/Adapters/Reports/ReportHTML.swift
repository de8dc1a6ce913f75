import Dialogue
import Foundation
import Wire

/// The report as one self-contained HTML page (no network, no script): topics as bars, the
/// weekly volume as a line, a table per unit; Vietnamese labels. Charts are inline SVG written
/// here — a few rectangles and one polyline need no charting library.
enum ReportHTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func render(_ report: Report) -> String {
        let title = "Báo cáo hỏi đáp \(ReportNumbers.day(report.since)) – \(ReportNumbers.day(report.until))"
            + (report.unit.map { " — đơn vị \($0)" } ?? "")
        var html = """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body { font-family: "Noto Sans", "DejaVu Sans", sans-serif; margin: 2em; color: #1a1a1a; background: #fff; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 2px solid #c8102e; }
            table { border-collapse: collapse; margin: 0.5em 0; } td, th { border: 1px solid #bbb; padding: 4px 10px; }
            th { background: #f1f1f1; } td.n { text-align: right; } .kpi { display: inline-block; margin: 0 2em 1em 0; }
            .kpi b { display: block; font-size: 1.8em; color: #c8102e; }
            </style></head><body>
            <h1>\(escape(title))</h1>
            <div class="kpi"><b>\(report.questions)</b>câu hỏi (kỳ trước \(report.previousQuestions))</div>
            <div class="kpi"><b>\(ReportNumbers.percent(report.autoResolution))</b>bot tự trả lời</div>
            <div class="kpi"><b>\(ReportNumbers.percent(report.helpfulShare))</b>câu trả lời được đánh giá hữu ích</div>
            <div class="kpi"><b>\(report.tickets)</b>phiếu chuyển đơn vị</div>

            """
        html += "<h2>Chủ đề được hỏi nhiều</h2>\n" + topicBars(report.topics)
        if !report.rising.isEmpty {
            html += "<p>Tăng nhanh: " + report.rising.prefix(3).map { escape($0.name) + " (\(ReportNumbers.change($0)))" }
                .joined(separator: "; ") + "</p>\n"
        }
        html += "<h2>Số câu hỏi theo tuần</h2>\n" + weeklyLine(report.weekly)
        html += "<h2>Các đơn vị</h2>\n" + unitTable(report)
        html += "<h2>Mức hài lòng theo chủ đề</h2>\n<table><tr><th>Chủ đề</th><th>Điểm TB</th><th>Tỷ lệ ≥ 4</th><th>Số đánh giá</th></tr>\n"
        for row in report.satisfactionByTopic {
            html += "<tr><td>\(escape(report.topicName(row.key)))</td><td class=\"n\">\(ReportNumbers.decimal(row.mean))</td>"
                + "<td class=\"n\">\(ReportNumbers.percent(row.shareAtLeast4))</td><td class=\"n\">\(row.count)</td></tr>\n"
        }
        html += "</table>\n<h2>Theo tỉnh, thành phố</h2>\n" + provinceSection(report)
        html += "<h2>Câu hỏi hay phải chuyển đơn vị</h2>\n<table><tr><th>Số lần</th><th>Câu hỏi</th></tr>\n"
        for group in report.frequentEscalations {
            html += "<tr><td class=\"n\">\(group.count)</td><td>\(escape(group.question))</td></tr>\n"
        }
        return html + "</table>\n</body></html>\n"
    }

    /// Horizontal bars, one a topic, with the count at the end.
    static func topicBars(_ topics: [Report.TopicVolume]) -> String {
        bars(topics.prefix(12).map { ($0.name, $0.count) }, label: "Chủ đề")
    }

    /// Horizontal bars, one a row, with the count at the end.
    static func bars(_ shown: [(name: String, count: Int)], label: String) -> String {
        let maximum = max(shown.map(\.count).max() ?? 1, 1)
        let rowHeight = 26
        let height = max(shown.count, 1) * rowHeight + 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(label))\">\n"
        for (index, volume) in shown.enumerated() {
            let y = index * rowHeight + 5
            let width = Int(Double(volume.count) / Double(maximum) * 420)
            svg += "<text x=\"0\" y=\"\(y + 17)\" font-size=\"13\">\(escape(String(volume.name.prefix(48))))</text>"
                + "<rect x=\"360\" y=\"\(y + 3)\" width=\"\(max(width, 1))\" height=\"18\" fill=\"#c8102e\"/>"
                + "<text x=\"\(366 + width)\" y=\"\(y + 17)\" font-size=\"13\">\(volume.count)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// The weekly volume as a line with its points labelled.
    static func weeklyLine(_ weeks: [Report.PeriodCount]) -> String {
        let width = 860.0
        let height = 220.0
        let maximum = Double(max(weeks.map(\.count).max() ?? 1, 1))
        let step = weeks.count > 1 ? (width - 80) / Double(weeks.count - 1) : 0
        let points = weeks.enumerated().map { index, week in
            (x: 40 + Double(index) * step, y: height - 40 - Double(week.count) / maximum * (height - 70), week: week)
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"Theo tuần\">\n"
        svg += "<line x1=\"40\" y1=\"\(Int(height - 40))\" x2=\"\(Int(width - 20))\" y2=\"\(Int(height - 40))\" stroke=\"#888\"/>\n"
        svg += "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"3\" points=\""
            + points.map { String(format: "%.1f,%.1f", $0.x, $0.y) }.joined(separator: " ") + "\"/>\n"
        for point in points {
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f5fa8\"/>", point.x, point.y)
                + String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%d</text>", point.x,
                         point.y - 8, point.week.count)
                + String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">", point.x, height - 22)
                + escape(point.week.period) + "</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Questions by province as bars (the 15 with most), then a row a province: questions,
    /// tickets, open, past due, waits, the topics asked most; then what could not be placed.
    static func provinceSection(_ report: Report) -> String {
        var html = report.provinces.isEmpty ? ""
            : bars(report.provinces.prefix(15).map { ($0.name, $0.questions) }, label: "Câu hỏi theo tỉnh, thành phố")
        html += "<table><tr><th>Tỉnh, thành phố</th><th>Câu hỏi</th><th>Phiếu</th><th>Đang chờ</th><th>Quá hạn</th>"
            + "<th>Chờ (giờ, trung vị / lâu nhất)</th><th>Chủ đề hỏi nhiều</th></tr>\n"
        for row in report.provinces {
            let cells = [String(row.questions), String(row.tickets), String(row.openTickets), String(row.pastDue),
                         ReportNumbers.decimal(row.waitMedianHours) + " / " + ReportNumbers.decimal(row.waitMaxHours)]
            html += "<tr><td>\(escape(row.name))</td>" + cells.map { "<td class=\"n\">\($0)</td>" }.joined()
                + "<td>\(escape(ReportNumbers.topics(row.topics)))</td></tr>\n"
        }
        return html + "</table>\n<p>Chưa rõ tỉnh (không ghi cơ quan, hoặc cơ quan trung ương): "
            + "\(report.unplacedQuestions) câu hỏi, \(report.unplacedTickets) phiếu.</p>\n"
    }

    /// One row a unit: answering times, what is past due, the backlog, satisfaction.
    static func unitTable(_ report: Report) -> String {
        let units = Set(report.times.map(\.unit)).union(report.backlog.map(\.unit))
            .union(report.satisfactionByUnit.map(\.key)).sorted()
        var html = "<table><tr><th>Đơn vị</th><th>Phiếu</th><th>Phản hồi đầu (giờ, trung vị / p90)</th>"
            + "<th>Giải quyết (giờ, trung vị / p90)</th><th>Quá hạn</th><th>Đang chờ (&lt;1 / 1–3 / 3–7 / &gt;7 ngày)</th>"
            + "<th>Hài lòng (TB, ≥ 4)</th></tr>\n"
        for unit in units {
            let times = report.times.first { $0.unit == unit }
            let backlog = report.backlog.first { $0.unit == unit }
            let rating = report.satisfactionByUnit.first { $0.key == unit }
            let first = ReportNumbers.decimal(times?.firstResponseMedian) + " / " + ReportNumbers.decimal(times?.firstResponseP90)
            let resolution = ReportNumbers.decimal(times?.resolutionMedian) + " / " + ReportNumbers.decimal(times?.resolutionP90)
            let waiting = [backlog?.underOneDay, backlog?.oneToThreeDays, backlog?.threeToSevenDays, backlog?.overSevenDays]
                .map { String($0 ?? 0) }.joined(separator: " / ")
            let satisfaction = ReportNumbers.decimal(rating?.mean) + ", " + ReportNumbers.percent(rating?.shareAtLeast4)
            let cells = [String(times?.tickets ?? 0), first, resolution, String(times?.pastDue ?? 0), waiting, satisfaction]
            html += "<tr><td>\(escape(unit))</td>" + cells.map { "<td class=\"n\">\($0)</td>" }.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }
}
