/// Short codes that many entries repeat (topic and unit codes) kept once each, so that an
/// entry's record holds a 4-byte number instead of a 16-byte optional string.
struct CodeBook: Sendable {
    /// Number − 1 → the code.
    private var codes: [String] = []
    private var numbers: [String: UInt32] = [:]

    /// An empty book.
    init() {}

    /// The number of a code (0 for none), adding it if new.
    mutating func number(_ code: String?) -> UInt32 {
        guard let code else { return 0 }
        if let number = numbers[code] { return number }
        codes.append(code)
        let number = UInt32(codes.count)
        numbers[code] = number
        return number
    }

    /// The code of a number (nil for 0).
    @inline(__always)
    func code(_ number: UInt32) -> String? {
        number == 0 ? nil : codes[Int(number) - 1]
    }
}
