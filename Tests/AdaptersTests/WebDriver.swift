import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import Wire

/// A headless Chromium driven through `chromedriver` (Debian's `chromium-driver`) with the W3C
/// WebDriver HTTP API: open a page, find elements by `data-testid`, type, click, read text,
/// take a screenshot. What the browser tests need and no more.
final class WebDriver: Sendable {
    /// Where chromedriver is, if installed.
    static let driverPath = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    /// Browser tests run where chromedriver is, and always in CI (where its absence fails them).
    static let enabled = driverPath != nil || ProcessInfo.processInfo.environment["CI"] != nil

    let process: Process
    let base: String
    let session: String

    private init(process: Process, base: String, session: String) {
        self.process = process
        self.base = base
        self.session = session
    }

    /// Starts chromedriver on a free port and a headless browser session.
    static func start() async throws -> WebDriver {
        let path = try #require(driverPath, "chromedriver is needed: apt-get install chromium-driver")
        let port = Int.random(in: 20_000...40_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let base = "http://127.0.0.1:\(port)"
        for _ in 0..<100 {
            if (try? await call("GET", base + "/status", nil))?["value"]?["ready"] == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: JSONValue = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": ["binary": "/usr/bin/chromium",
                                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                            "--window-size=1000,900", "--lang=vi"]],
        ]]]
        let created = try await call("POST", base + "/session", capabilities)
        let session = try #require(created["value"]?["sessionId"]?.string, "no WebDriver session: \(created)")
        return WebDriver(process: process, base: base, session: session)
    }

    /// Ends the session and the driver (killed outright if it does not stop on its own: no
    /// driver outlives the test).
    func quit() async {
        _ = try? await Self.call("DELETE", "\(base)/session/\(session)", nil)
        process.terminate()
        for _ in 0..<20 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func open(_ url: String) async throws {
        _ = try await command("POST", "url", ["url": .string(url)])
    }

    /// The element with this `data-testid` (waiting up to 10 s for it).
    func element(_ testID: String) async throws -> String {
        try await element(css: "[data-testid=\"\(testID)\"]")
    }

    /// The first element a CSS selector finds (waiting up to `seconds` for it).
    func element(css selector: String, seconds: Int = 10) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let found = try await command("POST", "element", ["using": "css selector", "value": .string(selector)])
            if let id = found["value"]?["element-6066-11e4-a52e-4f735466cecf"]?.string { return id }
            guard ContinuousClock.now < deadline else { throw WebDriverError(description: "no element \(selector): \(found)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Clicks the first element a CSS selector finds.
    func click(css selector: String, seconds: Int = 10) async throws {
        let id = try await element(css: selector, seconds: seconds)
        _ = try await command("POST", "element/\(id)/click", [:])
    }

    /// Whether the element with this `data-testid` is shown (not hidden).
    func displayed(_ testID: String) async throws -> Bool {
        let id = try await element(testID)
        return try await command("GET", "element/\(id)/displayed", nil)["value"] == true
    }

    /// What an input or text box holds now.
    func value(of testID: String) async throws -> String {
        let id = try await element(testID)
        return try await command("GET", "element/\(id)/property/value", nil)["value"]?.string ?? ""
    }

    /// Empties an input.
    func clear(_ testID: String) async throws {
        let id = try await element(testID)
        _ = try await command("POST", "element/\(id)/clear", [:])
    }

    func type(_ text: String, into testID: String) async throws {
        let id = try await element(testID)
        _ = try await command("POST", "element/\(id)/value", ["text": .string(text)])
    }

    func click(_ testID: String) async throws {
        let id = try await element(testID)
        _ = try await command("POST", "element/\(id)/click", [:])
    }

    func text(of testID: String) async throws -> String {
        let id = try await element(testID)
        return try await command("GET", "element/\(id)/text", nil)["value"]?.string ?? ""
    }

    /// Waits until the element's text holds `needle`; returns the text.
    @discardableResult
    func wait(for needle: String, in testID: String, seconds: Double = 15) async throws -> String {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await text(of: testID)
            if last.contains(needle) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriverError(description: "\"\(needle)\" never appeared in \(testID); it held: \(last.suffix(500))")
    }

    /// Saves a screenshot as a test artefact (`.build/test-artifacts/NAME.png`, not committed).
    func screenshot(_ name: String) async throws {
        guard let data = try await command("GET", "screenshot", nil)["value"]?.string.flatMap({ Data(base64Encoded: $0) }) else { return }
        let directory = FileManager.default.currentDirectoryPath + "/.build/test-artifacts"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: "\(directory)/\(name).png"))
    }

    private func command(_ method: String, _ path: String, _ body: JSONValue?) async throws -> JSONValue {
        try await Self.call(method, "\(base)/session/\(session)/\(path)", body)
    }

    private static func call(_ method: String, _ url: String, _ body: JSONValue?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.encoded()))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return try JSONValue.parse(String(buffer: try await response.body.collect(upTo: 32 << 20)))
    }
}

/// A WebDriver step that did not happen.
struct WebDriverError: Error, CustomStringConvertible {
    var description: String
}
