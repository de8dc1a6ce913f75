/// The snippet an agency's portal embeds (`<script src="https://desk.example/embed.js" async>`):
/// a "Hỏi đáp" button at the corner of the page that opens the web chat in a frame. The chat
/// runs from the daemon's own address (its WebSocket is same-site), and the daemon lets only the
/// sites named by `--http-origin` frame it. The portal may name its agency
/// (`data-agency="Sở Nội vụ tỉnh Nghệ An"`): the chat tells it in `hello`, and the dashboard
/// counts the portal's questions by province.
enum EmbedSnippet {
    static let script = #"""
        "use strict";
        (function () {
          const script = document.currentScript;
          const me = script && script.src;
          if (!me) return;
          const agency = script.getAttribute("data-agency");
          const base = new URL(me).origin;
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = "Hỏi đáp";
          button.setAttribute("data-testid", "motcua-open");
          button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483646;padding:.6rem 1rem;border:0;border-radius:2rem;background:#a4161a;color:#fff;font:16px sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)";
          let frame = null;
          button.addEventListener("click", function () {
            if (frame) { frame.remove(); frame = null; button.textContent = "Hỏi đáp"; return; }
            frame = document.createElement("iframe");
            frame.src = base + "/chat" + (agency ? "?agency=" + encodeURIComponent(agency) : "");
            frame.title = "Hỏi đáp chính phủ điện tử";
            frame.style.cssText = "position:fixed;right:1rem;bottom:4rem;z-index:2147483646;width:min(26rem,calc(100vw - 2rem));height:min(38rem,calc(100vh - 6rem));border:1px solid #d6dde5;border-radius:.6rem;background:#fff;box-shadow:0 4px 16px rgba(0,0,0,.25)";
            document.body.appendChild(frame);
            button.textContent = "Đóng";
          });
          document.body.appendChild(button);
        })();
        """#
}
