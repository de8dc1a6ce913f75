import Dialogue
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReportFormats
import Wire

/// Signing in and out of the console (and the dashboard) from a browser:
/// - `POST /console/session` with `{"token":"mch1.…"}` checks the handler token as `login`
///   does (failures slowed per address) and answers `{"name","unit","admin","reviewer",
///   "expires"}` with the session cookie (HttpOnly, SameSite=Strict, expiring);
/// - `GET /console/session` says who the cookie signs in (401 without a live one);
/// - `DELETE /console/session` signs out: the session is ended, every page on it is told
///   `signed-out` and closed, the cookie is taken away.
/// A browser page of another site is refused (its `Origin` is checked like the WebSocket's).
enum ConsoleRoutes {
    static let path = "/console/session"

    /// - Parameter servesTLS: the listener speaks HTTPS itself (the cookie is then `Secure`, as
    ///   it is behind a proxy that says `X-Forwarded-Proto: https`).
    static func add(to router: Router<WebRequestContext>, sessions: ConsoleSessions, service: DialogueService,
                    origins: OriginCheck, servesTLS: Bool = false)
    {
        router.post(RouterPath(path)) { request, context -> Response in
            guard origins.allows(request.headers[.origin]) else { return problem(.forbidden, "not-allowed", "Trang này không được phép đăng nhập.") }
            guard let desk = service.escalation else { return problem(.serviceUnavailable, "not-available", "Máy chủ không có bàn xử lý phiếu.") }
            let body = try? await request.body.collect(upTo: 4096)
            guard let body, let object = try? JSONValue.parse(String(buffer: body)), let token = object["token"]?.string,
                token.utf8.count <= 200
            else { return problem(.badRequest, "bad-request", "Cần gửi {\"token\": mã đăng nhập}.") }
            let source = context.remoteAddress?.ipAddress ?? "unknown"
            guard let handler = await desk.login(token: token.trimmingCharacters(in: .whitespacesAndNewlines), source: source)
            else { return problem(.unauthorized, "bad-token", ProtocolError.badToken.message) }
            let (id, expires) = sessions.start(for: handler)
            await sessions.share(id, handler: handler, expires: expires)
            let secure = servesTLS || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
            var response = json(.ok, who(handler, expires: expires))
            response.headers[.setCookie] = ConsoleSessions.cookie(id, expires: expires, now: desk.now(), secure: secure)
            return response
        }
        router.get(RouterPath(path)) { request, _ -> Response in
            guard let (id, current, _) = await signedIn(request, sessions: sessions, service: service),
                let expires = sessions.expiry(of: id)
            else { return sessionEnded }
            return json(.ok, who(current, expires: expires))
        }
        router.delete(RouterPath(path)) { request, _ -> Response in
            guard origins.allows(request.headers[.origin]) else { return problem(.forbidden, "not-allowed", "Trang này không được phép đăng xuất.") }
            await adopt(request, sessions: sessions, service: service)
            if let id = sessions.liveID(fromCookieHeader: request.headers[.cookie]) { await sessions.end(id) }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = ConsoleSessions.clearedCookie
            return response
        }
    }

    /// `GET /console/report.csv?since&until&unit`: the dashboard's download, the file `motcua
    /// report --format csv` writes, for what the session's handler may read.
    static func addReport(to router: Router<WebRequestContext>, sessions: ConsoleSessions, service: DialogueService) {
        router.get("/console/report.csv") { request, _ -> Response in
            guard let (_, current, desk) = await signedIn(request, sessions: sessions, service: service) else { return sessionEnded }
            let query = request.uri.queryParameters
            let report: Report
            do {
                let period = try ReportPeriod.resolve(since: query.get("since"), until: query.get("until"), now: desk.now())
                let unit = query.get("unit").flatMap { $0.isEmpty ? nil : $0 }
                report = try await desk.report(for: current, period: period, unit: unit)
            } catch let invalid as ReportPeriod.Invalid {
                return problem(.badRequest, "bad-request", invalid.description)
            } catch let refused as EscalationError {
                return problem(.forbidden, refused.code, refused.description)
            } catch {
                return problem(.serviceUnavailable, "unavailable", "Chưa lập được báo cáo; anh/chị thử lại sau.")
            }
            let name = "bao-cao-\(ReportNumbers.day(report.since))-\(ReportNumbers.day(report.until)).csv"
            return Response(status: .ok, headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ], body: .init(byteBuffer: ByteBuffer(string: ReportFormat.csv.render(report))))
        }
    }

    /// The live session a request's cookie names, with its handler as the store has them now
    /// (nil: none, or the token was revoked or expired).
    static func signedIn(_ request: Request, sessions: ConsoleSessions, service: DialogueService) async
        -> (id: String, handler: Handler, desk: EscalationService)?
    {
        await adopt(request, sessions: sessions, service: service)
        guard let id = sessions.liveID(fromCookieHeader: request.headers[.cookie]), let handler = sessions.handler(for: id),
            let desk = service.escalation, let current = try? await desk.stillActive(handler)
        else { return nil }
        return (id, current, desk)
    }

    /// A session another daemon of the shared store started is accepted here too.
    static func adopt(_ request: Request, sessions: ConsoleSessions, service: DialogueService) async {
        await sessions.adopt(fromCookieHeader: request.headers[.cookie]) { id in
            try? await service.escalation?.store.handler(id)?.0
        }
    }

    static var sessionEnded: Response { problem(.unauthorized, "session-ended", "Chưa đăng nhập hoặc phiên đã hết hạn.") }

    static func who(_ handler: Handler, expires: Date) -> JSONValue {
        ["handler": .string(handler.id), "name": .string(handler.name), "unit": .string(handler.unit),
         "admin": .bool(handler.admin), "reviewer": .bool(handler.reviewer), "expires": DeskWire.date(expires)]
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: value.encoded())))
    }

    static func problem(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(status, ["error": .string(code), "message": .string(message)])
    }
}
