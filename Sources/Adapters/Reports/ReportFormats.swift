import Dialogue
import Foundation
import Wire

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

/// The report as CSV: one section a table, a blank line between.
enum ReportCSV {
    static func render(_ report: Report) -> String {
        func field(_ text: String) -> String {
            // Formulas neutralised as in every CSV the project writes (`CSVTable`).
            let text = CSVTable.neutralised(text)
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
        for row in report.provinces {
            // One row a figure, keyed "<province> <figure>" like the weeks' "<week> <topic>".
            for (figure, count) in [("questions", row.questions), ("tickets", row.tickets), ("openTickets", row.openTickets),
                                    ("pastDue", row.pastDue)]
            {
                rows.append(["province", "\(row.province) \(figure)", "\(count)", "", ""])
            }
            rows.append(["province", "\(row.province) waitMedianHours", "", "", number(row.waitMedianHours)])
            rows.append(["province", "\(row.province) waitMaxHours", "", "", number(row.waitMaxHours)])
            for topic in row.topics { rows.append(["province", "\(row.province) topic \(topic.topic)", "\(topic.count)", "", ""]) }
        }
        rows.append(["province", "unplacedQuestions", "\(report.unplacedQuestions)", "", ""])
        rows.append(["province", "unplacedTickets", "\(report.unplacedTickets)", "", ""])
        for group in report.frequentEscalations { rows.append(["escalated", group.question, "\(group.count)", "", ""]) }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

