/// What every page's HTML shares: the head (the stylesheet, a phone's viewport), the header
/// with the page's name, and its scripts; and the desk pages' header (links, who is signed in,
/// "Đăng xuất") and sign-in form.
enum PageShell {
    /// A whole page.
    static func document(title: String, header: String, main: String, scripts: [String], mainClass: String? = nil) -> String {
        """
        <!doctype html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <link rel="stylesheet" href="/app.css">
        </head>
        <body>
        <header>\(header)</header>
        <main\(mainClass.map { " class=\"\($0)\"" } ?? "")>
        \(main)
        </main>
        \(scripts.map { "<script src=\"\($0)\"></script>" }.joined(separator: "\n"))
        </body>
        </html>
        """
    }

    /// A page for handlers (the console, the dashboard): its name, the links between them, who
    /// is signed in, and the sign-in form shown until a token works, before `main`.
    static func desk(title: String, heading: String, main: String, script: String) -> String {
        document(
            title: title,
            header: """
                <h1>\(heading)</h1>
                  <nav><a href="/console">Phiếu</a><a href="/dashboard">Báo cáo</a></nav>
                  <span class="status" id="status" data-testid="status"></span>
                  <span class="who" id="who"></span>
                  <button type="button" id="logout" data-testid="logout" hidden>Đăng xuất</button>
                """,
            main: """
                <section id="signin" hidden>
                    <form id="login-form" class="signin">
                      <label for="token">Mã đăng nhập của cán bộ (do quản trị cấp bằng <code>motcua handlers add</code>)</label>
                      <input type="password" id="token" data-testid="token-input" autocomplete="off" spellcheck="false">
                      <button class="primary" type="submit" data-testid="login">Đăng nhập</button>
                      <p class="error" id="login-error" data-testid="login-error" role="alert"></p>
                    </form>
                  </section>
                """ + main,
            scripts: ["/desk.js", script], mainClass: "wide")
    }
}
