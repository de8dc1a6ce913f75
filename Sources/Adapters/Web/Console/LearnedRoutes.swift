import Dialogue
import Foundation
import HTTPTypes
import Hummingbird
import Wire

/// What the desk learned from use, for the console's reviewers (a reviewer or an admin):
/// - `GET /console/learned` lists the live learned phrasings, newest first:
///   `{"learned": [{"id", "entry", "entryQuestion", "question", "conversations", "learned"}]}`;
/// - `DELETE /console/learned/{id}` removes one: out of the index at once (on a shared store,
///   of every daemon's), never learned again (204; 404 when unknown or already removed).
/// Other handlers are refused (403); a page of another site cannot remove (its `Origin`).
enum LearnedRoutes {
    static let path = "/console/learned"

    static func add(to router: Router<WebRequestContext>, sessions: ConsoleSessions, service: DialogueService,
                    origins: OriginCheck)
    {
        router.get(RouterPath(path)) { request, _ -> Response in
            guard let (_, handler, _) = await ConsoleRoutes.signedIn(request, sessions: sessions, service: service) else {
                return ConsoleRoutes.sessionEnded
            }
            guard handler.reviewer || handler.admin else { return refused }
            guard let learner = service.learner else { return notLearning }
            guard let phrasings = try? await learner.list() else {
                return ConsoleRoutes.problem(.serviceUnavailable, "unavailable", "Chưa đọc được danh sách; anh/chị thử lại sau.")
            }
            let items: [JSONValue] = phrasings.map { phrasing in
                ["id": .int(phrasing.id), "entry": .string(phrasing.entry),
                 "entryQuestion": service.dialogue.liveEntry(phrasing.entry).map { .string($0.question) } ?? .null,
                 "question": .string(phrasing.question), "conversations": .int(phrasing.conversations),
                 "learned": DeskWire.date(phrasing.learnedAt)]
            }
            return ConsoleRoutes.json(.ok, ["learned": .array(items)])
        }
        router.delete(RouterPath(path + "/:id")) { request, context -> Response in
            guard origins.allows(request.headers[.origin]) else {
                return ConsoleRoutes.problem(.forbidden, "not-allowed", "Trang này không được phép gỡ cách hỏi.")
            }
            guard let (_, handler, _) = await ConsoleRoutes.signedIn(request, sessions: sessions, service: service) else {
                return ConsoleRoutes.sessionEnded
            }
            guard handler.reviewer || handler.admin else { return refused }
            guard let learner = service.learner else { return notLearning }
            guard let id = context.parameters.get("id").flatMap(Int.init) else {
                return ConsoleRoutes.problem(.badRequest, "bad-request", "Số của cách hỏi không hợp lệ.")
            }
            do {
                try await learner.remove(id, by: handler.id)
                return Response(status: .noContent)
            } catch is UseLearner.RemovalError {
                return ConsoleRoutes.problem(.notFound, "unknown-learned", "Không có cách hỏi đã học nào số \(id) (hoặc đã gỡ rồi).")
            } catch {
                return ConsoleRoutes.problem(.serviceUnavailable, "unavailable", "Chưa gỡ được; anh/chị thử lại sau.")
            }
        }
    }

    static var refused: Response {
        ConsoleRoutes.problem(.forbidden, "not-allowed", "Chỉ người duyệt mới xem và gỡ được các cách hỏi đã học.")
    }

    static var notLearning: Response {
        ConsoleRoutes.problem(.serviceUnavailable, "not-available", "Máy chủ này không học từ người dùng.")
    }
}
