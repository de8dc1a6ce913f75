import Hummingbird
import NIOCore

/// The pages the daemon serves from its binary (no files to deploy, nothing fetched from the
/// internet: agencies' networks are often closed), each with its type and a strict policy:
/// scripts and styles only from the daemon itself, the WebSocket only to it.
enum StaticPages {
    static let index = """
        <!doctype html>
        <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>motcua — một cửa</title><link rel="stylesheet" href="/app.css"></head>
        <body><header><h1>Một cửa — hỗ trợ chính phủ điện tử</h1></header>
        <main><p><a href="/chat">Hỏi đáp</a> — đặt câu hỏi, xem câu trả lời và phiếu của anh/chị.</p>
        <p><a href="/console">Bàn xử lý phiếu</a> — cho cán bộ các đơn vị trả lời phiếu.</p>
        <p><a href="/dashboard">Báo cáo</a> — số liệu hỏi đáp cho lãnh đạo, quản lý.</p></main></body></html>
        """

    /// Adds the pages to a router.
    /// - Parameter embedders: the sites (`--http-origin`) whose pages may show the chat in a
    ///   frame (`/embed.js`); nobody else may frame any page.
    static func add(to router: Router<WebRequestContext>, embedders: [String]) {
        let framing = (["'self'"] + embedders.filter { $0.allSatisfy { !$0.isWhitespace && $0 != ";" && $0 != "," } })
            .joined(separator: " ")
        router.get("/") { _, _ in page(index, type: "text/html; charset=utf-8") }
        router.get("/chat") { _, _ in page(ChatPage.html, type: "text/html; charset=utf-8", frameAncestors: framing) }
        router.get("/chat.js") { _, _ in page(ChatPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/console") { _, _ in page(ConsolePage.html, type: "text/html; charset=utf-8") }
        router.get("/console.js") { _, _ in page(ConsolePage.script, type: "text/javascript; charset=utf-8") }
        router.get("/dashboard") { _, _ in page(DashboardPage.html, type: "text/html; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in page(DashboardPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/desk.js") { _, _ in page(DeskClientScript.script, type: "text/javascript; charset=utf-8") }
        router.get("/embed.js") { _, _ in page(EmbedSnippet.script, type: "text/javascript; charset=utf-8") }
        router.get("/app.css") { _, _ in page(AppStyle.css, type: "text/css; charset=utf-8") }
    }

    static func page(_ text: String, type: String, frameAncestors: String = "'none'") -> Response {
        Response(status: .ok, headers: [
            .contentType: type, .cacheControl: "no-cache",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Content-Security-Policy")!: "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                + "form-action 'self'; frame-ancestors \(frameAncestors)",
        ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
