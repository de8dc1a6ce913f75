import Dialogue
import Foundation

/// Shared number formatting (Vietnamese: decimal comma).
package enum ReportNumbers {
    package static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.1f%%", value * 100).replacingOccurrences(of: ".", with: ",")
    }

    package static func decimal(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",")
    }

    package static func day(_ date: Date) -> String {
        String(DeskText.date(date).prefix(10))
    }

    /// A province's most asked topics: "An toàn thông tin (4); Nền tảng (2)".
    package static func topics(_ topics: [Report.TopicCount]) -> String {
        topics.map { "\($0.name) (\($0.count))" }.joined(separator: "; ")
    }

    package static func change(_ volume: Report.TopicVolume) -> String {
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
            "provinces": .array(report.provinces.map { row in
                ["province": .string(row.province), "name": .string(row.name), "questions": .int(row.questions),
                 "tickets": .int(row.tickets), "openTickets": .int(row.openTickets), "pastDue": .int(row.pastDue),
                 "waitMedianHours": number(row.waitMedianHours), "waitMaxHours": number(row.waitMaxHours),
                 "topics": .array(row.topics.map { ["topic": .string($0.topic), "name": .string($0.name), "count": .int($0.count)] })]
            }),
            "unplacedQuestions": .int(report.unplacedQuestions), "unplacedTickets": .int(report.unplacedTickets),
        ]
        if let unit = report.unit { object["unit"] = .string(unit) }
        return .object(object)
    }
}

/// The report as readable Vietnamese text.
package enum ReportText {
    package static func render(_ report: Report) -> String {
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
        lines += provinceLines(report)
        lines.append("")
        lines.append("Câu hỏi hay phải chuyển đơn vị (nên bổ sung vào cơ sở tri thức):")
        for group in report.frequentEscalations { lines.append("  \(group.count) × \(group.question)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where the askers are: one line a province, then what could not be placed.
    static func provinceLines(_ report: Report) -> [String] {
        var lines = ["Theo tỉnh, thành phố (câu hỏi, phiếu, đang chờ, quá hạn, chờ trung vị/lâu nhất giờ; chủ đề hỏi nhiều):"]
        for row in report.provinces {
            lines.append("  \(row.name): \(row.questions), \(row.tickets), \(row.openTickets), \(row.pastDue), "
                + "\(ReportNumbers.decimal(row.waitMedianHours))/\(ReportNumbers.decimal(row.waitMaxHours))"
                + (row.topics.isEmpty ? "" : "; " + ReportNumbers.topics(row.topics)))
        }
        lines.append("  Chưa rõ tỉnh (không ghi cơ quan, hoặc cơ quan trung ương): \(report.unplacedQuestions) câu hỏi, "
            + "\(report.unplacedTickets) phiếu")
        return lines
    }
}

extension Report {
    /// A topic's name when the report knows it, else its code.
    package func topicName(_ code: String) -> String {
        topics.first { $0.topic == code }?.name ?? code
    }
}
