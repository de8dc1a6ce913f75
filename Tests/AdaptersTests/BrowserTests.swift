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
        var (daemon, attt, _, _) = try await DeskDaemon.make()
        defer { daemon.remove() }
        // The bundled 34 provinces, to place askers' agencies in the figures.
        daemon.desk.provinces = try Corpus.load(from: BinaryStdioTests.corpus).provinces
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

    /// A handler signs in to `/console` with their token; an asker's question in `/chat` (from
    /// an agency's portal) appears in the queue without reloading; the handler opens it and
    /// replies; the asker's open page shows the reply; the dashboard, signed in by the same
    /// browser session, counts the ticket for the period and the asker's province; signing out
    /// ends the session.
    @Test(.enabled(if: WebDriver.enabled, "chromedriver is needed for the browser tests (apt-get install chromium-driver)"))
    func handlerAnswersInTheConsoleAndTheDashboardCountsIt() async throws {
        try await withWebServer { port, _, attt in
            let asker = try await WebDriver.start()
            let handler: WebDriver
            do { handler = try await WebDriver.start() } catch {
                await asker.quit()
                throw error
            }
            do {
                let site = "http://127.0.0.1:\(port)"
                try await handler.open(site + "/console")
                try await handler.type("mch1.sai.ma", into: "token-input")
                try await handler.click("login")
                try await handler.wait(for: "không đúng", in: "login-error")
                try await handler.clear("token-input")
                try await handler.type(attt, into: "token-input")
                try await handler.click("login")
                try await handler.wait(for: "Đã kết nối", in: "status")
                try await handler.wait(for: "Phiếu đang mở (0)", in: "list-title")
                try await handler.screenshot("console-empty")

                let agency = "Sở Thông tin và Truyền thông tỉnh Nghệ An".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
                try await asker.open(site + "/chat?agency=" + agency)
                try await asker.wait(for: "Đã kết nối", in: "status")
                try await asker.type(DeskTests.unanswerable, into: "message-input")
                try await asker.click("send")
                let receipt = try await asker.wait(for: "phiếu số", in: "transcript")
                let number = try #require(receipt.components(separatedBy: "phiếu số ").last?.prefix { $0.isNumber }).description
                #expect(!number.isEmpty)

                // The ticket appears in the open console on its own.
                try await handler.click(css: "[data-testid=\"ticket-row\"][data-ticket=\"\(number)\"]", seconds: 15)
                try await handler.wait(for: DeskTests.unanswerable, in: "ticket-question")
                try await handler.screenshot("console-ticket")
                let reply = "Chi phí thuê chuyên gia tính theo định mức ngày công của dự án ứng dụng công nghệ thông tin."
                try await handler.type(reply, into: "reply-input")
                // The page reloaded mid-reply: what was written is still there.
                try await handler.open(site + "/console")
                try await handler.click(css: "[data-testid=\"ticket-row\"][data-ticket=\"\(number)\"]", seconds: 15)
                try await handler.wait(for: DeskTests.unanswerable, in: "ticket-question")
                #expect(try await handler.value(of: "reply-input") == reply)
                try await handler.click("reply-send")
                try await asker.wait(for: reply, in: "transcript")
                try await asker.screenshot("chat-reply-from-console")
                try await handler.wait(for: "đã trả lời", in: "pane")

                // The dashboard: same browser session, no second sign-in.
                try await handler.open(site + "/dashboard")
                try await handler.wait(for: "Cập nhật lúc", in: "status")
                let day = DateFormatter()
                day.dateFormat = "yyyy-MM-dd"
                day.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
                let today = day.string(from: Date())
                try await handler.clear("period-from")
                try await handler.type(today, into: "period-from")
                try await handler.clear("period-to")
                try await handler.type(today, into: "period-to")
                try await handler.click("apply")
                try await handler.wait(for: "1", in: "tickets")
                try await handler.wait(for: "Nghệ An", in: "provinces")
                try await handler.screenshot("dashboard")

                // Signing out ends the session: the console asks for the token again.
                try await handler.click("logout")
                try await handler.wait(for: "đã đăng xuất", in: "login-error")
                try await handler.open(site + "/console")
                _ = try await handler.element("token-input")
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await handler.displayed("token-input"))
                #expect(try await !handler.displayed("queue"))
            } catch {
                try? await handler.screenshot("console-failure")
                try? await asker.screenshot("console-asker-failure")
                await handler.quit()
                await asker.quit()
                throw error
            }
            await handler.quit()
            await asker.quit()
        }
    }
}
