import Foundation
import GRDB
import Synchronization
import Testing

@testable import Dialogue
@testable import Retrieval
@testable import Storage

/// The desk's rules without a network: working days and holidays, caps on tickets, checked
/// settings and periods, dates that cannot trap, files only the daemon can read.
@Suite struct TrustRulesTests {
    static let calendar = try! Corpus.load(from: BundledCorpus.directory).desk.calendar

    static func day(_ text: String) -> CivilDay { CivilDay(text)! }

    /// Days convert both ways and know their weekday.
    @Test func civilDays() {
        #expect(CivilDay(year: 1970, month: 1, day: 1)?.number == 0)
        #expect(Self.day("2026-02-13").weekday == 5, "a Friday")
        #expect(Self.day("2026-02-14").isWeekend)
        #expect(Self.day("2024-02-29").description == "2024-02-29")
        #expect(CivilDay("2026-02-29") == nil && CivilDay("2026-13-01") == nil && CivilDay("26-1-1") == nil)
        for number in stride(from: -800_000, to: 800_000, by: 997) {
            let day = CivilDay(number: number)
            #expect(CivilDay(day.description)?.number == number || day.year > 9999 || day.year < 1)
        }
    }

    /// 20 working days from the Friday before Tết 2026 (13 February) end on Friday 20 March:
    /// the Tết week (16–20 February) and weekends do not count, and the day of receipt does not
    /// either. Without the holidays it would be 13 March.
    @Test func dueOnTheRightWorkingDay() {
        let friday = Date(timeIntervalSince1970: 1_770_951_600)  // 2026-02-13 10:00, Vietnam time
        let due = Self.calendar.due(from: friday, workingDays: 20)
        #expect(CivilDay(containing: due) == Self.day("2026-03-20"))
        #expect(CivilDay(containing: due.addingTimeInterval(0.002)) == Self.day("2026-03-21"), "the end of that day")
        #expect(CivilDay(containing: WorkingCalendar().due(from: friday, workingDays: 20)) == Self.day("2026-03-13"))
        #expect(Self.calendar.workingDays(after: friday, through: due) == 20)
        // Received on a Saturday: counting starts on Monday.
        let saturday = Date(timeIntervalSince1970: 1_771_038_000)  // 2026-02-14 10:00
        #expect(CivilDay(containing: Self.calendar.due(from: saturday, workingDays: 1)) == Self.day("2026-02-23"))
    }

    /// A make-up Saturday counts; the bridge day it paid for does not (2025: Saturday 26 April
    /// worked, Friday 2 May off).
    @Test func makeUpDays() {
        #expect(Self.calendar.isWorkingDay(Self.day("2025-04-26")))
        #expect(!Self.calendar.isWorkingDay(Self.day("2025-05-02")))
        let thursday = Self.day("2025-04-24").start.addingTimeInterval(9 * 3600)
        #expect(CivilDay(containing: Self.calendar.due(from: thursday, workingDays: 3)) == Self.day("2025-04-28"))
        #expect(CivilDay(containing: WorkingCalendar().due(from: thursday, workingDays: 3)) == Self.day("2025-04-29"))
    }

    /// `desk.json` values that cannot be meant are refused with the file named.
    @Test(arguments: [
        #"{"holidays":{"2026":["2026-02-30"]}}"#, #"{"holidays":{"2026":["2025-01-01"]}}"#, #"{"holidays":{"x":[]}}"#,
        #"{"dueWorkingDays":{"cau-hoi":0}}"#, #"{"dueWorkingDays":{"thu":3}}"#, #"{"updateEveryDays":-7}"#,
        #"{"ticketsPerAddressPerHour":-1}"#,
    ])
    func refusedSettings(json: String) throws {
        let settings = try JSONDecoder().decode(DeskSettings.self, from: Data(json.utf8))
        #expect(throws: CorpusError.self) { try settings.validate(file: "desk.json") }
    }

    /// The bundled settings: 20 working days for recommendations and complaints, review on,
    /// a week between updates, holidays for this year and the next.
    @Test func bundledSettings() throws {
        let desk = try Corpus.load(from: BundledCorpus.directory).deskConfiguration
        #expect(desk.dueWorkingDays[.recommendation] == 20 && desk.dueWorkingDays[.complaint] == 20)
        #expect(desk.review && desk.updateInterval == 7 * 86_400)
        #expect(desk.calendar.listedYears.isSuperset(of: [2025, 2026, 2027]))
    }

    /// The caps count a sliding hour; a ticket not stored is given back.
    @Test func ticketQuota() {
        var limits = TicketQuota.Limits()
        limits.perConversation = 2
        limits.perAddress = 3
        let quota = TicketQuota(limits: limits)
        let start = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(quota.take(conversation: "a", address: "1.1.1.1", at: start) == nil)
        #expect(quota.take(conversation: "a", address: "1.1.1.1", at: start) == nil)
        #expect(quota.take(conversation: "a", address: "1.1.1.1", at: start) == 2)
        #expect(quota.take(conversation: "b", address: "1.1.1.1", at: start) == nil)
        #expect(quota.take(conversation: "c", address: "1.1.1.1", at: start) == 3)
        #expect(quota.take(conversation: "c", address: nil, at: start) == nil, "a gateway's user: per conversation only")
        quota.giveBack(conversation: "b", address: "1.1.1.1")
        #expect(quota.take(conversation: "d", address: "1.1.1.1", at: start) == nil)
        #expect(quota.take(conversation: "a", address: "2.2.2.2", at: start.addingTimeInterval(3601)) == nil, "an hour on")
    }

    /// Report periods: 2000–2100, `since` before `until`, real days only.
    @Test func reportPeriods() throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let period = try ReportPeriod.resolve(since: nil, until: nil, now: now)
        #expect(period.until == now && period.since == now - 30 * 86_400)
        for text in ["0001-01-01", "1999-12-31", "2101-01-02", "4100-01-01", "2026-02-30", "2026-2-1", "hôm nay", "",
                     "0001-01-01T00:00:00Z", "+2026-01-01"] {
            #expect(throws: ReportPeriod.Invalid.self, "\(text)") { try ReportPeriod.date(text) }
        }
        #expect(throws: ReportPeriod.Invalid.self) { try ReportPeriod.resolve(since: "2026-06-01", until: "2026-05-01", now: now) }
        #expect(try ReportPeriod.date("2026-11-01") == Date(timeIntervalSince1970: 1_793_466_000))
        #expect(try ReportPeriod.date("2026-11-01T08:00:00+07:00") == Date(timeIntervalSince1970: 1_793_494_800))
    }

    /// The report builder refuses a period out of range instead of trapping; stored dates of
    /// any value are written without trapping.
    @Test func extremeDatesDoNotTrap() async throws {
        let store = try SQLiteStore(DatabaseQueue())
        let builder = ReportBuilder(store: store, topics: [])
        for (since, until) in [(Date.distantPast, Date()), (Date(), Date.distantFuture),
                               (Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 0)),
                               (Date(timeIntervalSince1970: .nan), Date())] {
            await #expect(throws: ReportPeriod.Invalid.self) { try await builder.build(since: since, until: until, now: Date()) }
        }
        #expect(StoredDate.text(.distantPast) == "0001-01-01 00:00:00.000")
        #expect(StoredDate.text(.distantFuture) == "4001-01-01 00:00:00.000")
        #expect(StoredDate.text(Date(timeIntervalSince1970: 1e15)) == "9999-12-31 23:59:59.999")
        #expect(StoredDate.text(Date(timeIntervalSince1970: .infinity)) == "9999-12-31 23:59:59.999")
        #expect(StoredDate.text(Date(timeIntervalSince1970: .nan)) == "1970-01-01 00:00:00.000")
    }

    /// The data directory is the daemon's user's alone (0700), and so are the database and its
    /// WAL files (0600); a directory found looser is tightened.
    @Test func dataIsPrivate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-perm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let store = try SQLiteStore.open(directory: directory)
        _ = try await store.open(ConversationIdentity(name: "Lan"))
        func mode(_ path: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        #expect(try mode(directory) == 0o700)
        for file in ["motcua.sqlite", "motcua.sqlite-wal", "motcua.sqlite-shm"] {
            #expect(try mode("\(directory)/\(file)") == 0o600, "\(file)")
        }
        try PrivateFiles.write("91995d9a75a5d9e14e5ebbea2532e536", to: "\(directory)/state")
        #expect(try mode("\(directory)/state") == 0o600)
        #expect(try String(contentsOfFile: "\(directory)/state", encoding: .utf8) == "91995d9a75a5d9e14e5ebbea2532e536")
    }

    /// A file written whole through a symbolic link replaces the file it names and keeps the
    /// link; a pipe (like /dev/null, not a plain file) is written into and stays a pipe; a pipe
    /// nobody reads and a directory are refused at once.
    @Test func writesNeverReplaceAnythingButAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("motcua-write-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func kind(_ path: String) -> mode_t {
            var status = stat()
            return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
        }
        let file = directory + "/id", link = directory + "/link"
        try PrivateFiles.write("first", to: file)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        try PrivateFiles.write("second", to: link)
        #expect(kind(link) == S_IFLNK && kind(file) == S_IFREG)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "second")
        let pipe = directory + "/pipe"
        #expect(mkfifo(pipe, 0o600) == 0)
        #expect(throws: (any Error).self, "nobody reads it") { try PrivateFiles.write("x", to: pipe) }
        let reader = open(pipe, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        try PrivateFiles.write("report", to: pipe)
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = read(reader, &buffer, buffer.count)
        #expect(count == 6 && String(decoding: buffer.prefix(6), as: UTF8.self) == "report")
        #expect(kind(pipe) == S_IFIFO, "still a pipe")
        // More than a pipe holds at once, read meanwhile: all of it arrives.
        let large = String(repeating: "x", count: 300_000)
        let expected = large.utf8.count
        let received = Mutex(0)
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var total = 0
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let deadline = Date().addingTimeInterval(10)
            while total < expected, Date() < deadline {
                let got = read(reader, &chunk, chunk.count)
                if got > 0 { total += got } else { usleep(1_000) }
            }
            received.withLock { $0 = total }
            drained.signal()
        }
        try PrivateFiles.write(large, to: pipe)
        drained.wait()
        #expect(received.withLock { $0 } == expected)
        #expect(throws: (any Error).self) { try PrivateFiles.write("x", to: directory) }
        #expect(kind(directory) == S_IFDIR)
    }
}

/// Failed logins slow down their source; a good token from the same source is not refused or
/// held back by them.
@Suite struct LoginThrottleTests {
    /// A desk with one handler on an in-memory store, its clock, the handler's id and token.
    static func desk() async throws -> (EscalationService, ManualClock, id: String, token: String) {
        let store = try SQLiteStore(DatabaseQueue())
        try await store.saveUnits([UnitRecord(id: "ATTT", name: "Cục An toàn thông tin")])
        let (id, token, hash) = HandlerTokens.make()
        try await store.addHandler(Handler(id: id, unit: "ATTT", name: "A"), secretHash: hash)
        let clock = ManualClock()
        let desk = EscalationService(store: store, configuration: .init(topics: []), search: { _ in SearchResponse(decision: .escalate, results: [], shown: [], unaccented: false) },
                                     entry: { _ in nil }, learn: { _ in }, forget: { _ in }, clock: clock)
        return (desk, clock, id, token)
    }

    @Test func failuresDoNotLockOutAGoodToken() async throws {
        let (desk, _, id, token) = try await Self.desk()
        let wrong = "mc1.\(id)." + String(repeating: "0", count: 64)
        for _ in 0..<3 { #expect(await desk.login(token: wrong, source: "10.0.0.1") == nil) }
        async let guesses = [desk.login(token: wrong, source: "10.0.0.1"), desk.login(token: wrong, source: "10.0.0.1")]
        #expect(await desk.login(token: token, source: "10.0.0.1")?.id == id, "while others from there fail")
        #expect(await guesses.allSatisfy { $0 == nil })
    }

    /// Each failure from a source waits twice as long as the last (0.25 s, doubling, at most
    /// 8 s), by the desk's clock; a success clears the count; another source is not slowed.
    @Test func failuresWaitLongerEachTime() async throws {
        let (desk, clock, id, token) = try await Self.desk()
        let wrong = "mc1.\(id)." + String(repeating: "0", count: 64)
        for _ in 0..<8 { #expect(await desk.login(token: wrong, source: "10.0.0.1") == nil) }
        #expect(clock.waited == [0.25, 0.5, 1, 2, 4, 8, 8])
        _ = await desk.login(token: wrong, source: "10.0.0.2")
        #expect(clock.waited.count == 7, "a first failure from elsewhere does not wait")
        #expect(await desk.login(token: token, source: "10.0.0.1")?.id == id)
        #expect(clock.waited.count == 7, "a good token never waits")
        _ = await desk.login(token: wrong, source: "10.0.0.1")
        #expect(clock.waited.count == 7, "the success cleared the count")
    }
}
