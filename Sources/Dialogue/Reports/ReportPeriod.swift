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
    /// The first instant after the dates a report may name: 2101-01-01, Vietnam time (the end
    /// of a period may be this instant: the end of 2100).
    package static let latest = Date(timeIntervalSince1970: 4_133_955_600)

    /// A checked period.
    /// - Throws: `Invalid` when an end is outside 2000–2100 or `since` is not before `until`.
    package init(since: Date, until: Date) throws(Invalid) {
        guard (Self.earliest..<Self.latest).contains(since), (Self.earliest...Self.latest).contains(until) else {
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
        guard (earliest..<latest).contains(date) else {
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
        guard text.utf8.count <= 40, isWellFormedTimestamp(text) else { return nil }
        return try? Date(text, strategy: .iso8601)
    }

    /// `YYYY-MM-DDTHH:MM[:SS[.fff]]` and `Z` or `±HH:MM`, every part in its range (Foundation's
    /// parser would roll `25:61:61` over into the next day).
    static func isWellFormedTimestamp(_ text: String) -> Bool {
        let parts = text.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parse(String(parts[0])) != nil else { return false }
        var time = Substring(parts[1])
        if time.hasSuffix("Z") {
            time = time.dropLast()
        } else if let sign = time.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = time[time.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
            guard zone.count == 2, let hours = Int(zone[0]), let minutes = Int(zone[1]), zone[0].count == 2,
                zone[1].count == 2, (0...14).contains(hours), (0...59).contains(minutes)
            else { return false }
            time = time[..<sign]
        } else {
            return false
        }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock[0].count == 2, clock[1].count == 2, let hours = Int(clock[0]),
            let minutes = Int(clock[1]), (0...23).contains(hours), (0...59).contains(minutes)
        else { return false }
        if clock.count == 3 {
            let seconds = clock[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard seconds[0].count == 2, let whole = Int(seconds[0]), (0...59).contains(whole),
                seconds.count == 1 || (!seconds[1].isEmpty && seconds[1].allSatisfy(\.isNumber))
            else { return false }
        }
        return true
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
