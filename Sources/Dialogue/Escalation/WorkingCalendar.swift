import Foundation

/// Working days as Vietnamese administrative rules count them: Monday to Friday in Vietnam
/// time, less the public holidays of each year (Tết included), plus the Saturdays or Sundays a
/// year's notice makes working days in exchange for a bridge day. A time limit of N working
/// days does not count the day something was received (Bộ luật Dân sự, art. 147): it runs to the
/// end of the Nth working day after it.
///
/// Days are counted as whole days since 1970-01-01 in Vietnam time, by arithmetic rather than
/// through `Calendar`, so a due date costs a few integer operations per day it spans.
package struct WorkingCalendar: Sendable, Hashable {
    /// Days off that would otherwise be working days (holidays, bridge days).
    package var holidays: Set<CivilDay>
    /// Weekend days that are working days (made up for a bridge day).
    package var workdays: Set<CivilDay>
    /// The years whose holidays are listed (a year without a list counts weekdays only).
    package var listedYears: Set<Int>

    /// A calendar; without lists, every weekday is a working day.
    package init(holidays: Set<CivilDay> = [], workdays: Set<CivilDay> = [], listedYears: Set<Int>? = nil) {
        self.holidays = holidays
        self.workdays = workdays
        self.listedYears = listedYears ?? Set(holidays.map(\.year))
    }

    /// Whether a day is a working day.
    package func isWorkingDay(_ day: CivilDay) -> Bool {
        if workdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return !day.isWeekend
    }

    /// When a time limit of `workingDays` working days, counted from `received`, ends: the last
    /// millisecond of the Nth working day after the day of `received` (Vietnam time). Zero or
    /// fewer days: the end of the day of receipt.
    package func due(from received: Date, workingDays: Int) -> Date {
        var day = CivilDay(containing: received)
        var left = max(0, min(workingDays, 3650))
        while left > 0 {
            day = day.next
            if isWorkingDay(day) { left -= 1 }
        }
        return day.next.start.addingTimeInterval(-0.001)
    }

    /// The working days from the day after `start` up to and including the day of `end`.
    package func workingDays(after start: Date, through end: Date) -> Int {
        var day = CivilDay(containing: start).next
        let last = CivilDay(containing: end)
        var count = 0
        while day <= last, count < 100_000 {
            if isWorkingDay(day) { count += 1 }
            day = day.next
        }
        return count
    }
}

/// A calendar day in Vietnam time, kept as its number of days since 1970-01-01.
package struct CivilDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (Vietnam time).
    package let number: Int

    /// The day with this number.
    package init(number: Int) {
        self.number = number
    }

    /// The day (Vietnam time) an instant falls on.
    package init(containing date: Date) {
        let seconds = date.timeIntervalSince1970.isFinite ? date.timeIntervalSince1970 : 0
        let clamped = min(max(seconds, -1e12), 1e12)
        number = Int(((clamped + Double(VietnamTime.offset)) / 86_400).rounded(.down))
    }

    /// A day from its year, month and day; nil when it does not exist.
    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(month, of: year)).contains(day) else {
            return nil
        }
        // Days from civil (H. Hinnant's algorithm): the proleptic Gregorian calendar, March-based years.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        number = era * 146_097 + dayOfEra - 719_468
    }

    /// A day written `YYYY-MM-DD`; nil for anything else.
    package init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.map(\.utf8.count) == [4, 2, 2], let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Year, month and day.
    package var components: (year: Int, month: Int, day: Int) {
        // Civil from days (H. Hinnant's algorithm).
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPart = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
        let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The year.
    package var year: Int { components.year }

    /// 0 Sunday … 6 Saturday (1970-01-01 was a Thursday).
    package var weekday: Int { ((number % 7) + 7 + 4) % 7 }

    /// Saturday or Sunday.
    package var isWeekend: Bool { weekday == 0 || weekday == 6 }

    /// The day after.
    package var next: CivilDay { CivilDay(number: number + 1) }

    /// Its first instant.
    package var start: Date { Date(timeIntervalSince1970: Double(number * 86_400 - VietnamTime.offset)) }

    /// `YYYY-MM-DD`.
    package var description: String {
        let (year, month, day) = components
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    package static func < (left: CivilDay, right: CivilDay) -> Bool { left.number < right.number }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
