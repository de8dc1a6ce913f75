import ArgumentParser
import Dialogue
import Foundation

/// A TCP port, 0–65535 (0: any free port).
struct Port: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var value: Int

    init(_ value: Int) { self.value = value }

    init?(argument: String) {
        guard let value = Int(argument), (0...65_535).contains(value) else { return nil }
        self.value = value
    }

    var description: String { String(value) }
    var defaultValueDescription: String { description }
}

/// A length of time in seconds: a finite number above zero, at most 30 days.
struct Seconds: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var value: Double

    init(_ value: Double) { self.value = value }

    init?(argument: String) {
        guard let value = Double(argument), value.isFinite, value > 0, value <= 30 * 86_400 else { return nil }
        self.value = value
    }

    var description: String { value == value.rounded() ? String(Int(value)) : String(value) }
    var defaultValueDescription: String { description }
}

/// A day or instant of a report period: `YYYY-MM-DD` (Vietnam time) or ISO 8601, within
/// 2000–2100.
struct ReportDay: ExpressibleByArgument, Sendable {
    var date: Date

    init?(argument: String) {
        guard let date = try? ReportPeriod.date(argument) else { return nil }
        self.date = date
    }
}

/// `HOST:PORT`.
struct HostPort: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Port(argument: String(argument[argument.index(after: colon)...])),
            colon > argument.startIndex
        else { return nil }
        host = String(argument[..<colon])
        self.port = port.value
    }

    var description: String { "\(host):\(port)" }
    var defaultValueDescription: String { description }
}

extension ParsableArguments {
    /// Refuses a count outside `range`, naming the option.
    func check(_ value: Int, _ range: ClosedRange<Int>, _ option: String) throws {
        guard range.contains(value) else {
            throw ValidationError("--\(option) phải từ \(range.lowerBound) đến \(range.upperBound) (đã cho: \(value))")
        }
    }

    /// Refuses a rate that is not a finite number within `range`.
    func check(_ value: Double, _ range: ClosedRange<Double>, _ option: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("--\(option) phải từ \(range.lowerBound) đến \(range.upperBound) (đã cho: \(value))")
        }
    }
}
