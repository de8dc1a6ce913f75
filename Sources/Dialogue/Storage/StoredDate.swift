import Dialogue
import Foundation
import Retrieval

/// Dates as the store writes them: GRDB's own text format, `yyyy-MM-dd HH:mm:ss.SSS` in UTC,
/// so GRDB reads them back as `Date` and SQL can group them by day, week or month.
///
/// Formatted here by hand: GRDB formats a `Date` argument with a `DateFormatter`, which took
/// 2.5 % of the daemon's time under load for a fixed-width string of digits.
package enum StoredDate {
    /// The first and last instants the text format can hold (years 0001 to 9999).
    static let representable: ClosedRange<Double> = -62_135_596_800...253_402_300_799.999

    /// The stored text of a date. Total: a date outside years 0001–9999 (or not a number) is
    /// written as the nearest one the format holds, so no value can trap here. Callers that
    /// take dates from people refuse dates outside a sane range before they get this far.
    package static func text(_ date: Date) -> String {
        var seconds1970 = date.timeIntervalSince1970
        if seconds1970.isNaN { seconds1970 = 0 }
        seconds1970 = min(max(seconds1970, representable.lowerBound), representable.upperBound)
        let total = Int64((seconds1970 * 1000).rounded())
        var seconds = time_t(total.quotientAndRemainderFlooring(1000).quotient)
        let milliseconds = Int(total - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int, at offset: Int, width: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, width: 4)
        bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, at: 5, width: 2)
        bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), at: 8, width: 2)
        bytes[10] = UInt8(ascii: " ")
        put(Int(parts.tm_hour), at: 11, width: 2)
        bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), at: 14, width: 2)
        bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), at: 17, width: 2)
        bytes[19] = UInt8(ascii: ".")
        put(milliseconds, at: 20, width: 3)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Int64 {
    /// Division rounding towards minus infinity (dates before 1970 have negative times).
    fileprivate func quotientAndRemainderFlooring(_ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
