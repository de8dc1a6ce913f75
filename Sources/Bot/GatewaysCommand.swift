import ArgumentParser
import CommandOptions
import Dialogue
import Foundation
import Storage

/// `motcua gateways add|list|revoke`: the adapters that speak for a channel's users, and their
/// tokens (docs/ADAPTERS.md).
struct GatewaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateways", abstract: "Cổng nhắn tin (Telegram, Zalo, …) và mã đăng nhập của chúng.",
        subcommands: [List.self, Add.self, Revoke.self], defaultSubcommand: List.self)

    /// Lists gateways.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liệt kê các cổng.")
        @OptionGroup var location: StoreLocation

        func run() async throws {
            for gateway in try await location.open().gateways() {
                print(([gateway.id, gateway.channel, gateway.name, dayText(gateway.createdAt)]
                    + (gateway.revoked ? ["đã thu hồi"] : [])).joined(separator: "\t"))
            }
        }
    }

    /// Adds a gateway; prints the token once, alone on the last line.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thêm một cổng; in mã đăng nhập của cổng một lần duy nhất, ở dòng cuối.")
        @OptionGroup var location: StoreLocation
        @Option(name: .long, help: "Kênh của cổng: telegram, zalo, … (chữ thường, số, dấu gạch ngang).")
        var channel: String
        @Option(name: .long, help: "Tên cổng (vd: \"Telegram của Sở\").")
        var name: String

        func validate() throws {
            let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
            guard (1...32).contains(channel.count), channel.allSatisfy(allowed.contains) else {
                throw ValidationError("--channel: 1–32 ký tự a–z, 0–9, dấu gạch ngang (vd: telegram, zalo)")
            }
            guard !name.isBlank, name.count <= 200 else { throw ValidationError("--name phải có từ 1 đến 200 ký tự") }
        }

        func run() async throws {
            let store = try await openDesk(location)
            let (id, token, hash) = HandlerTokens.make(prefix: HandlerTokens.gatewayPrefix)
            try await store.addGateway(Gateway(id: id, channel: channel, name: name, createdAt: Date()), secretHash: hash)
            print("Đã thêm cổng \(name) (\(id)), kênh \(channel).")
            print("Mã đăng nhập của cổng (chỉ hiện một lần; máy chủ chỉ giữ bản băm; đưa vào --gateway-token-file hoặc MOTCUA_GATEWAY_TOKEN):")
            print(token)
        }
    }

    /// Revokes a gateway's token.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thu hồi mã đăng nhập của một cổng (kết nối đang mở bị ngắt).")
        @OptionGroup var location: StoreLocation
        @Argument(help: "Mã cổng (cột đầu của `motcua gateways list`).")
        var id: String

        func run() async throws {
            guard try await location.open().revokeGateway(id) else {
                throw ValidationError("không có cổng \(id)")
            }
            print("Đã thu hồi mã đăng nhập của cổng \(id).")
        }
    }
}
