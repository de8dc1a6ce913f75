import ArgumentParser
import Clients
import CommandOptions
import Dialogue
import Foundation
import Storage

/// `motcua units list|add`: the answering units tickets are routed to.
struct Units: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Các đơn vị trả lời (nhận phiếu chuyển).", subcommands: [List.self, Add.self], defaultSubcommand: List.self)

    /// Lists the units.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê các đơn vị.")
        @OptionGroup var location: StoreLocation

        func run() async throws {
            for unit in try await openDesk(location).units() {
                print("\(unit.id)\t\(unit.name)")
            }
        }
    }

    /// Adds (or renames) a unit.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm hoặc đổi tên một đơn vị.")
        @OptionGroup var location: StoreLocation
        @Option(name: .long, help: "Mã đơn vị (vd: VP).")
        var code: String
        @Option(name: .long, help: "Tên đơn vị.")
        var name: String
        @Option(name: .long, help: "Đơn vị trả lời về lĩnh vực nào.")
        var answers = ""

        func run() async throws {
            try await location.open().saveUnits([UnitRecord(id: code, name: name, answers: answers)])
            print("Đã lưu đơn vị \(code): \(name).")
        }
    }
}

/// `motcua handlers add|list|revoke`: the people who answer tickets, and their login tokens.
struct Handlers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cán bộ xử lý phiếu và mã đăng nhập của họ.", subcommands: [List.self, Add.self, Revoke.self],
        defaultSubcommand: List.self)

    /// Lists handlers.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê cán bộ xử lý.")
        @OptionGroup var location: StoreLocation

        func run() async throws {
            let now = Date()
            for handler in try await location.open().handlers() {
                var flags: [String] = []
                if handler.admin { flags.append("quản trị") }
                if handler.reviewer { flags.append("người duyệt") }
                if handler.revoked {
                    flags.append("đã thu hồi")
                } else if let expiry = handler.expiresAt {
                    flags.append((expiry > now ? "hết hạn " : "đã hết hạn ") + dayText(expiry))
                }
                print(([handler.id, handler.unit, handler.name] + flags).joined(separator: "\t"))
            }
        }
    }

    /// Adds a handler; prints the token once, alone on the last line.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thêm cán bộ xử lý; in mã đăng nhập một lần duy nhất, ở dòng cuối.")
        @OptionGroup var location: StoreLocation
        @Option(name: .long, help: "Mã đơn vị.")
        var unit: String
        @Option(name: .long, help: "Họ tên cán bộ.")
        var name: String
        @Flag(name: .long, help: "Quản trị: thấy phiếu của mọi đơn vị.")
        var admin = false
        @Flag(name: .long, help: "Người duyệt: duyệt câu trả lời của đơn vị trước khi đưa vào cơ sở tri thức.")
        var reviewer = false
        @Option(name: .long, help: "Mã đăng nhập hết hạn sau chừng này ngày (1–3650; bỏ trống: không hết hạn).")
        var days: Int?

        func validate() throws {
            if let days { try check(days, 1...3650, "days") }
            guard !name.isBlank, name.count <= 200 else { throw ValidationError("--name phải có từ 1 đến 200 ký tự") }
        }

        func run() async throws {
            let store = try await openDesk(location)
            guard try await store.units().contains(where: { $0.id == unit }) else {
                throw ValidationError("không có đơn vị \(unit) (xem: motcua units list \(location.name))")
            }
            let (id, token, hash) = HandlerTokens.make()
            let expiry = days.map { Date().addingTimeInterval(Double($0) * 86_400) }
            try await store.addHandler(Handler(id: id, unit: unit, name: name, admin: admin, revoked: false,
                                               reviewer: reviewer, expiresAt: expiry),
                                       secretHash: hash)
            print("Đã thêm cán bộ \(name) (\(id)), đơn vị \(unit)\(admin ? ", quản trị" : "")\(reviewer ? ", người duyệt" : "")"
                + (expiry.map { ", mã hết hạn \(dayText($0))" } ?? "") + ".")
            print("Mã đăng nhập (chỉ hiện một lần; máy chủ chỉ giữ bản băm):")
            print(token)
        }
    }

    /// Revokes a handler's token.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thu hồi mã đăng nhập của một cán bộ.")
        @OptionGroup var location: StoreLocation
        @Argument(help: "Mã cán bộ (cột đầu của `motcua handlers list`).")
        var id: String

        func run() async throws {
            guard try await location.open().revokeHandler(id) else {
                throw ValidationError("không có cán bộ \(id)")
            }
            print("Đã thu hồi mã đăng nhập của \(id).")
        }
    }
}

/// `motcua tickets`: a handler's terminal client (the text protocol, logged in first).
struct Tickets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Làm việc với phiếu từ cửa sổ dòng lệnh (cán bộ xử lý).",
        discussion: "Mã đăng nhập lấy từ biến môi trường MOTCUA_TOKEN hoặc tệp --token-file. Lệnh: /queue, /show N, /claim N, /reply N …, /update N …, /note N …, /transfer N ĐƠN_VỊ, /close N, /reopen N, /review, /kb edit|retire, /help, /quit.")

    @OptionGroup var server: ClientAddressOptions
    @OptionGroup var tls: DaemonTLSOptions

    @Option(name: .long, help: "Tệp chứa mã đăng nhập.")
    var tokenFile: String?

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let token = try Secrets.read(file: tokenFile, variable: "MOTCUA_TOKEN")
        try await TerminalChat(endpoints: try server.endpoints(), stateFile: nil, login: token,
                               tls: try tls.connectionTLS()).run()
    }
}

/// A date as people in Vietnam write a day: "20/03/2026" (Vietnam time).
func dayText(_ date: Date) -> String {
    let (year, month, day) = CivilDay(containing: date).components
    return String(format: "%02d/%02d/%04d", day, month, year)
}
