import AsyncHTTPClient
import Dialogue
import Foundation
import Logging
import NIOCore
import Wire

/// The Zalo OA access token, renewed before it expires. An access token lives about 25 hours; a
/// new one comes from `POST {oauth}/v4/oa/access_token` (header `secret_key`: the app's secret;
/// form fields `refresh_token`, `app_id`, `grant_type=refresh_token`) with a new refresh token —
/// each refresh token works once, so the new pair is saved (owner-only file) before it is used.
/// A saved pair wins over the one given at start, which a renewal has used up.
package actor ZaloTokens {
    /// An access token, the refresh token that renews it, and when the access token expires.
    package struct Pair: Codable, Sendable, Hashable {
        package var accessToken: String
        package var refreshToken: String
        package var expiresAt: Date

        /// Creates a pair.
        package init(accessToken: String, refreshToken: String, expiresAt: Date) {
            self.accessToken = accessToken
            self.refreshToken = refreshToken
            self.expiresAt = expiresAt
        }
    }

    /// Renewed this long before it expires.
    static let margin: TimeInterval = 3600

    private(set) var pair: Pair
    let appID: String
    let secretKey: String
    let oauthBase: String
    let stateFile: String
    let client: HTTPClient
    let clock: any WallClock
    let logger: Logger

    /// Creates the token keeper from the saved pair, if any, else `initial`.
    package init(initial: Pair, stateFile: String, appID: String, secretKey: String,
                 oauthBase: String = "https://oauth.zaloapp.com", client: HTTPClient = .shared,
                 clock: any WallClock = SystemClock(), logger: Logger)
    {
        let saved = (try? Data(contentsOf: URL(fileURLWithPath: stateFile))).flatMap { data -> Pair? in
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try? decoder.decode(Pair.self, from: data)
        }
        pair = saved ?? initial
        self.stateFile = stateFile
        self.appID = appID
        self.secretKey = secretKey
        self.oauthBase = oauthBase.hasSuffix("/") ? String(oauthBase.dropLast()) : oauthBase
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// The access token to use now (renewed first if it is about to expire).
    package func accessToken() async -> String {
        if clock.now >= pair.expiresAt.addingTimeInterval(-Self.margin) { try? await renew() }
        return pair.accessToken
    }

    /// Renews the pair now and saves it.
    package func renew() async throws {
        var request = HTTPClientRequest(url: "\(oauthBase)/v4/oa/access_token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "secret_key", value: secretKey)
        request.body = .bytes(ByteBuffer(string: Self.form(["refresh_token": pair.refreshToken, "app_id": appID,
                                                            "grant_type": "refresh_token"])))
        let response = try await client.execute(request, timeout: .seconds(30))
        let value = try? JSONValue.parse(String(buffer: try await response.body.collect(upTo: 1 << 20)))
        guard response.status == .ok, let access = value?["access_token"]?.string, let refresh = value?["refresh_token"]?.string
        else {
            let why = value?["error_description"]?.string ?? value?["message"]?.string ?? "HTTP \(response.status.code)"
            logger.error("zalo token renewal refused", metadata: ["why": "\(why)"])
            throw GatewayHTTP.Refused(status: Int(response.status.code), description: why)
        }
        // Zalo writes expires_in as a string of seconds; a number is read too.
        let seconds = value?["expires_in"]?.int ?? value?["expires_in"]?.string.flatMap(Double.init).map(Int.init) ?? 90_000
        pair = Pair(accessToken: access, refreshToken: refresh, expiresAt: clock.now.addingTimeInterval(Double(seconds)))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        try PrivateFiles.write(String(decoding: try encoder.encode(pair), as: UTF8.self), to: stateFile)
        logger.info("zalo access token renewed", metadata: ["expires.in": "\(seconds)"])
    }

    /// Renews the token whenever it nears its expiry, until cancelled; a failed renewal is tried
    /// again at the next look.
    /// - Parameter every: seconds between looks.
    package func keepFresh(every seconds: Double = 60) async {
        while !Task.isCancelled {
            if clock.now >= pair.expiresAt.addingTimeInterval(-Self.margin) { try? await renew() }
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        }
    }

    static func form(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}
