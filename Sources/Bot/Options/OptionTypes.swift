import ArgumentParser
import Dialogue
import Foundation

/// A TCP port, 0–65535 (0: any free port).
package struct Port: ExpressibleByArgument, Sendable, CustomStringConvertible {
    package var value: Int

    package init(_ value: Int) { self.value = value }

    package init?(argument: String) {
        guard let value = Int(argument), (0...65_535).contains(value) else { return nil }
        self.value = value
    }

    package var description: String { String(value) }
    package var defaultValueDescription: String { description }
}

/// A length of time in seconds: a finite number above zero, at most 30 days.
package struct Seconds: ExpressibleByArgument, Sendable, CustomStringConvertible {
    package var value: Double

    package init(_ value: Double) { self.value = value }

    package init?(argument: String) {
        guard let value = Double(argument), value.isFinite, value > 0, value <= 30 * 86_400 else { return nil }
        self.value = value
    }

    package var description: String { value == value.rounded() ? String(Int(value)) : String(value) }
    package var defaultValueDescription: String { description }
}

/// A day or instant of a report period: `YYYY-MM-DD` (Vietnam time) or ISO 8601, within
/// 2000–2100.
package struct ReportDay: ExpressibleByArgument, Sendable {
    package var date: Date

    package init?(argument: String) {
        guard let date = try? ReportPeriod.date(argument) else { return nil }
        self.date = date
    }
}

/// `HOST:PORT`.
package struct HostPort: ExpressibleByArgument, Sendable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Port(argument: String(argument[argument.index(after: colon)...])),
            colon > argument.startIndex
        else { return nil }
        host = String(argument[..<colon])
        self.port = port.value
    }

    package var description: String { "\(host):\(port)" }
    package var defaultValueDescription: String { description }
}

extension ParsableArguments {
    /// Refuses a count outside `range`, naming the option.
    package func check(_ value: Int, _ range: ClosedRange<Int>, _ option: String) throws {
        guard range.contains(value) else {
            throw ValidationError("--\(option) phải từ \(range.lowerBound) đến \(range.upperBound) (đã cho: \(value))")
        }
    }

    /// Refuses a rate that is not a finite number within `range`.
    package func check(_ value: Double, _ range: ClosedRange<Double>, _ option: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("--\(option) phải từ \(range.lowerBound) đến \(range.upperBound) (đã cho: \(value))")
        }
    }
}
