import Foundation

/// A report's period `[since, until)`, checked where it comes in: both ends within 2000–2100
/// (Vietnam time) and `since` before `until`. Dates come from people (`motcua report --since`,
/// a handler's `stats`), so nothing outside that range reaches the report's SQL or its date
/// formatting.
package struct ReportPeriod: Sendable, Hashable {
    /// Why a period was refused; the description is Vietnamese, for the person who typed it.
    package struct Invalid: Error, Hashable, CustomStringConvertible {
        package var description: String
    }

    /// The start (included).
    package let since: Date
    /// The end (excluded).
    package let until: Date

    /// Length of the default period, when only its end (or nothing) is given.
    package static let defaultLength: TimeInterval = 30 * 86_400
    /// The earliest date a report may name: 2000-01-01, Vietnam time.
    package static let earliest = Date(timeIntervalSince1970: 946_659_600)
    /// The first date after the latest a report may name: 2101-01-01, Vietnam time.
    package static let latest = Date(timeIntervalSince1970: 4_133_955_600)

    /// A checked period.
    /// - Throws: `Invalid` when an end is outside 2000–2100 or `since` is not before `until`.
    package init(since: Date, until: Date) throws(Invalid) {
        for date in [since, until] where !(Self.earliest...Self.latest).contains(date) {
            throw Invalid(description: "Ngày phải trong khoảng năm 2000 đến 2100.")
        }
        guard since < until else { throw Invalid(description: "Ngày bắt đầu phải trước ngày kết thúc.") }
        self.since = since
        self.until = until
    }

    /// The period two optional texts name: `until` defaults to `now`, `since` to 30 days before
    /// `until`.
    /// - Throws: `Invalid` for a text that is not a date, a date out of range, or an empty period.
    package static func resolve(since: String?, until: String?, now: Date) throws(Invalid) -> ReportPeriod {
        let end = try until.map { text throws(Invalid) in try date(text) } ?? min(max(now, earliest), latest)
        let start = try since.map { text throws(Invalid) in try date(text) } ?? max(end - defaultLength, earliest)
        return try ReportPeriod(since: start, until: end)
    }

    /// The instant a text names, refused when it is not a date or out of range.
    package static func date(_ text: String) throws(Invalid) -> Date {
        guard let date = parse(text) else {
            throw Invalid(description: "Ngày không hợp lệ: \"\(text.prefix(40))\" (dạng YYYY-MM-DD, từ năm 2000 đến 2100).")
        }
        guard (earliest...latest).contains(date) else {
            throw Invalid(description: "Ngày \(text.prefix(40)) nằm ngoài khoảng năm 2000 đến 2100.")
        }
        return date
    }

    /// The instant a date names: `2026-11-01` (the start of that day, Vietnam time) or a full
    /// ISO 8601 date and time; nil when it is neither or names a day that does not exist.
    package static func parse(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts.map(\.utf8.count) == [4, 2, 2],
            parts.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        {
            return VietnamTime.startOfDay(year: year, month: month, day: day)
        }
        guard text.utf8.count <= 40, text.contains("T") else { return nil }
        return try? Date(text, strategy: .iso8601)
    }
}

/// Vietnam's civil time: UTC+7 all year (no daylight saving), the time every date people see
/// and every working day is counted in.
package enum VietnamTime {
    /// Seconds east of UTC.
    package static let offset = 7 * 3600
    /// The Gregorian calendar in Vietnam time.
    package static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset)!
        return calendar
    }()

    /// The start of a day, or nil when that day does not exist (2026-02-30).
    package static func startOfDay(year: Int, month: Int, day: Int) -> Date? {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { return nil }
        return date
    }
}
