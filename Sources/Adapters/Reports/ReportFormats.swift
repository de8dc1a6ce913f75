import Dialogue
import Foundation

/// A report written out for people (text, one self-contained HTML page with inline SVG charts)
/// and for programs (JSON, CSV), with the same figures in each.
package enum ReportFormat: String, Sendable, CaseIterable {
    case text, csv, json, html

    /// The report in this format.
    package func render(_ report: Report) -> String {
        switch self {
        case .text: ReportText.render(report)
        case .csv: ReportCSV.render(report)
        case .json: ReportJSON.object(report).encoded() + "\n"
        case .html: ReportHTML.render(report)
        }
    }
}

/// Shared number formatting (Vietnamese: decimal comma).
enum ReportNumbers {
    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.1f%%", value * 100).replacingOccurrences(of: ".", with: ",")
    }

    static func decimal(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",")
    }

    static func day(_ date: Date) -> String {
        String(DeskText.date(date).prefix(10))
    }

    static func change(_ volume: Report.TopicVolume) -> String {
        guard let change = volume.change else { return volume.count > 0 ? "mới" : "—" }
        return (change >= 0 ? "+" : "") + percent(change)
    }
}

/// The JSON of a report (`motcua report --format json`, and the `stats` request).
package enum ReportJSON {
    /// The report as one JSON object.
    package static func object(_ report: Report) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .double(($0 * 1000).rounded() / 1000) } ?? .null }
        func periods(_ counts: [Report.PeriodCount]) -> JSONValue {
            .array(counts.map { count in
                var object: [String: JSONValue] = ["period": .string(count.period), "count": .int(count.count)]
                if let topic = count.topic { object["topic"] = .string(topic) }
                return .object(object)
            })
        }
        func satisfaction(_ rows: [Report.Satisfaction]) -> JSONValue {
            .array(rows.map { ["key": .string($0.key), "count": .int($0.count), "mean": number($0.mean),
                               "shareAtLeast4": number($0.shareAtLeast4)] })
        }
        var object: [String: JSONValue] = [
            "since": DeskWire.date(report.since), "until": DeskWire.date(report.until),
            "questions": .int(report.questions), "previousQuestions": .int(report.previousQuestions),
            "topics": .array(report.topics.map {
                ["topic": .string($0.topic), "name": .string($0.name), "count": .int($0.count),
                 "previous": .int($0.previous), "change": number($0.change)]
            }),
            "rising": .array(report.rising.map { .string($0.topic) }),
            "weekly": periods(report.weekly), "monthly": periods(report.monthly),
            "weeklyByTopic": periods(report.weeklyByTopic), "monthlyByTopic": periods(report.monthlyByTopic),
            "botAnswered": .int(report.botAnswered), "autoResolution": number(report.autoResolution),
            "helpful": .int(report.helpful), "notHelpful": .int(report.notHelpful),
            "helpfulShare": number(report.helpfulShare), "tickets": .int(report.tickets),
            "satisfactionByTopic": satisfaction(report.satisfactionByTopic),
            "satisfactionByUnit": satisfaction(report.satisfactionByUnit),
            "times": .array(report.times.map {
                ["unit": .string($0.unit), "tickets": .int($0.tickets),
                 "firstResponseMedianHours": number($0.firstResponseMedian), "firstResponseP90Hours": number($0.firstResponseP90),
                 "resolutionMedianHours": number($0.resolutionMedian), "resolutionP90Hours": number($0.resolutionP90),
                 "pastDue": .int($0.pastDue)]
            }),
            "backlog": .array(report.backlog.map {
                ["unit": .string($0.unit), "underOneDay": .int($0.underOneDay), "oneToThreeDays": .int($0.oneToThreeDays),
                 "threeToSevenDays": .int($0.threeToSevenDays), "overSevenDays": .int($0.overSevenDays),
                 "total": .int($0.total)]
            }),
            "frequentEscalations": .array(report.frequentEscalations.map {
                ["question": .string($0.question), "count": .int($0.count), "tickets": .array($0.tickets.map(JSONValue.int))]
            }),
        ]
        if let unit = report.unit { object["unit"] = .string(unit) }
        return .object(object)
    }
}

/// The report as readable Vietnamese text.
enum ReportText {
    static func render(_ report: Report) -> String {
        var lines = ["BÁO CÁO HỎI ĐÁP \(ReportNumbers.day(report.since)) – \(ReportNumbers.day(report.until))"
            + (report.unit.map { " — đơn vị \($0)" } ?? "")]
        lines.append("Câu hỏi: \(report.questions) (kỳ trước: \(report.previousQuestions))")
        lines.append("Bot tự trả lời: \(report.botAnswered) (\(ReportNumbers.percent(report.autoResolution))); "
            + "hữu ích: \(report.helpful), chưa hữu ích: \(report.notHelpful) (\(ReportNumbers.percent(report.helpfulShare)) hữu ích)")
        lines.append("Phiếu chuyển đơn vị: \(report.tickets)")
        lines.append("")
        lines.append("Chủ đề được hỏi nhiều (so với kỳ trước):")
        for volume in report.topics { lines.append("  \(volume.name): \(volume.count) (\(ReportNumbers.change(volume)))") }
        if !report.rising.isEmpty {
            lines.append("Chủ đề tăng nhanh: " + report.rising.prefix(3).map(\.name).joined(separator: "; "))
        }
        lines.append("")
        lines.append("Mức hài lòng theo đơn vị (điểm trung bình, tỷ lệ ≥ 4, số đánh giá):")
        for row in report.satisfactionByUnit {
            lines.append("  \(row.key): \(ReportNumbers.decimal(row.mean)), \(ReportNumbers.percent(row.shareAtLeast4)), \(row.count)")
        }
        lines.append("Mức hài lòng theo chủ đề:")
        for row in report.satisfactionByTopic {
            lines.append("  \(report.topicName(row.key)): \(ReportNumbers.decimal(row.mean)), \(ReportNumbers.percent(row.shareAtLeast4)), \(row.count)")
        }
        lines.append("")
        lines.append("Thời gian trả lời theo đơn vị (giờ: phản hồi đầu trung vị/p90, giải quyết trung vị/p90; quá hạn):")
        for row in report.times {
            lines.append("  \(row.unit): \(ReportNumbers.decimal(row.firstResponseMedian))/\(ReportNumbers.decimal(row.firstResponseP90)), "
                + "\(ReportNumbers.decimal(row.resolutionMedian))/\(ReportNumbers.decimal(row.resolutionP90)); quá hạn \(row.pastDue)")
        }
        lines.append("Phiếu đang chờ (dưới 1 ngày, 1–3, 3–7, trên 7 ngày):")
        for row in report.backlog {
            lines.append("  \(row.unit): \(row.underOneDay), \(row.oneToThreeDays), \(row.threeToSevenDays), \(row.overSevenDays)")
        }
        lines.append("")
        lines.append("Câu hỏi hay phải chuyển đơn vị (nên bổ sung vào cơ sở tri thức):")
        for group in report.frequentEscalations { lines.append("  \(group.count) × \(group.question)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The report as CSV: one section a table, a blank line between.
enum ReportCSV {
    /// A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, a tab or
    /// carriage return first) gets a `'` in front, which shows the text as it is (OWASP's
    /// advice on CSV injection). Numbers the report itself writes ("-0.250") stay numbers.
    static func neutralised(_ text: String) -> String {
        guard let first = text.first, "=+-@\t\r".contains(first) else { return text }
        if Double(text) != nil { return text }
        return "'" + text
    }

    static func render(_ report: Report) -> String {
        func field(_ text: String) -> String {
            let text = neutralised(text)
            return text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        var rows: [[String]] = [["section", "key", "count", "previous", "value"]]
        rows.append(["summary", "questions", "\(report.questions)", "\(report.previousQuestions)", ""])
        rows.append(["summary", "botAnswered", "\(report.botAnswered)", "", number(report.autoResolution)])
        rows.append(["summary", "helpful", "\(report.helpful)", "\(report.notHelpful)", number(report.helpfulShare)])
        rows.append(["summary", "tickets", "\(report.tickets)", "", ""])
        for volume in report.topics {
            rows.append(["topic", volume.topic, "\(volume.count)", "\(volume.previous)", number(volume.change)])
        }
        for count in report.weeklyByTopic { rows.append(["week", "\(count.period) \(count.topic ?? "")", "\(count.count)", "", ""]) }
        for count in report.monthlyByTopic { rows.append(["month", "\(count.period) \(count.topic ?? "")", "\(count.count)", "", ""]) }
        for row in report.satisfactionByTopic { rows.append(["satisfactionTopic", row.key, "\(row.count)", "", number(row.mean)]) }
        for row in report.satisfactionByUnit { rows.append(["satisfactionUnit", row.key, "\(row.count)", "", number(row.mean)]) }
        for row in report.times {
            rows.append(["firstResponseHours", row.unit, "\(row.tickets)", number(row.firstResponseP90), number(row.firstResponseMedian)])
            rows.append(["resolutionHours", row.unit, "\(row.tickets)", number(row.resolutionP90), number(row.resolutionMedian)])
            rows.append(["pastDue", row.unit, "\(row.pastDue)", "", ""])
        }
        for row in report.backlog { rows.append(["backlog", row.unit, "\(row.total)", "", "\(row.overSevenDays)"]) }
        for group in report.frequentEscalations { rows.append(["escalated", group.question, "\(group.count)", "", ""]) }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

extension Report {
    /// A topic's name when the report knows it, else its code.
    func topicName(_ code: String) -> String {
        topics.first { $0.topic == code }?.name ?? code
    }
}
