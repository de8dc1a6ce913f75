import Dialogue
import Foundation
import Logging
import Testing

@testable import Server
@testable import Web
@testable import Wire

/// The pages in a real browser: headless Chromium through chromedriver, against the daemon's
/// HTTP server in process. Screenshots go to `.build/test-artifacts/` (not committed).
@Suite(.serialized) struct BrowserTests {
    /// Runs the web server over a desk daemon for `body` (given the port and the service).
    func withWebServer(_ body: @Sendable (Int, DialogueService, String) async throws -> Void) async throws {
        let (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        let service = try await daemon.service()
        let (ports, bound) = AsyncStream.makeStream(of: Int.self)
        var configuration = WebServer.Configuration()
        configuration.port = 0
        let server = WebServer(configuration: configuration, service: service, logger: Logger(label: "test")) { bound.yield($0) }
        let running = Task { try await server.run() }
        defer { running.cancel() }
        var next = ports.makeAsyncIterator()
        let port = try #require(await next.next())
        try await body(port, service, attt)
    }

    /// An asker asks in `/chat` and reads the answer; asks something new and gets a receipt; the
    /// unit's reply appears on the open page without reloading, and news written while the page
    /// was closed is there on return.
    @Test(.enabled(if: WebDriver.enabled, "chromedriver is needed for the browser tests (apt-get install chromium-driver)"))
    func askerChatsInTheBrowser() async throws {
        try await withWebServer { port, service, attt in
            let browser = try await WebDriver.start()
            do {
                try await browser.open("http://127.0.0.1:\(port)/chat")
                try await browser.wait(for: "Đã kết nối", in: "status")
                try await browser.type("Hệ thống thông tin có mấy cấp độ an toàn?", into: "message-input")
                try await browser.click("send")
                try await browser.wait(for: "Có 5 cấp độ", in: "transcript")
                try await browser.screenshot("chat-answer")

                try await browser.type(DeskTests.unanswerable, into: "message-input")
                try await browser.click("send")
                let shown = try await browser.wait(for: "phiếu số", in: "transcript")
                let handler = ChatSession(service: service)
                _ = await handler.handle(.text(JSONValue.object(["type": "login", "token": .string(attt)]).encoded()))
                let queue = try JSONValue.parse(await handler.handle(.text(#"{"type":"queue"}"#)).lines[0])
                let number = try #require(queue["tickets"]?.array?.compactMap { $0["ticket"]?.int }.max())
                #expect(shown.contains("phiếu số \(number)"))
                let reply = "Chi phí đánh giá tính theo định mức ngày công chuyên gia."
                _ = await handler.handle(.text(JSONValue.object(["type": "reply", "ticket": .int(number), "text": .string(reply)]).encoded()))
                try await browser.wait(for: reply, in: "transcript")
                try await browser.screenshot("chat-reply")

                // The asker leaves; news written meanwhile is there when they come back (the
                // conversation id kept in the browser).
                try await browser.open("about:blank")
                let update = "Đơn vị bổ sung: hướng dẫn chi tiết đã đăng trên cổng."
                let sent = try JSONValue.parse(await handler.handle(.text(JSONValue.object(
                    ["type": "reply", "ticket": .int(number), "text": .string(update), "reusable": false]).encoded())).lines[0])
                #expect(sent["type"] == "ok")
                try await browser.open("http://127.0.0.1:\(port)/chat")
                try await browser.wait(for: update, in: "transcript")
            } catch {
                try? await browser.screenshot("chat-failure")
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }
}
