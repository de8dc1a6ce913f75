/// The askers' web chat (`/chat`, `/chat.js`): a client of `/ws` like any other — ask, answers
/// with their cited documents, suggestions to pick, whether it helped, a person, the receipt,
/// unit replies live and on return (the conversation id kept in the browser), the asker's
/// tickets, the document catalogue. Plain HTML and JavaScript, no build step, nothing fetched
/// from elsewhere; the elements a test drives carry `data-testid`.
enum ChatPage {
    static let html = PageShell.document(
        title: "Hỏi đáp chính phủ điện tử — một cửa",
        header: """
            <h1>Hỏi đáp chính phủ điện tử</h1><span class="status" data-testid="status" id="status">Đang kết nối…</span>
            """,
        main: """
              <div class="toolbar">
                <button type="button" id="human" data-testid="human">Gặp cán bộ</button>
                <button type="button" id="tickets" data-testid="tickets">Phiếu của tôi</button>
                <button type="button" id="docs" data-testid="docs">Tìm văn bản</button>
              </div>
              <div class="transcript" id="transcript" data-testid="transcript" aria-live="polite"></div>
              <form class="ask" id="ask">
                <textarea id="message" data-testid="message-input" rows="2" placeholder="Nhập câu hỏi (có dấu hay không dấu đều được)…" aria-label="Câu hỏi"></textarea>
                <button class="primary" type="submit" data-testid="send">Gửi</button>
              </form>
            """,
        scripts: ["/chat.js"])

    static let script = #"""
        "use strict";
        (function () {
          const transcript = document.getElementById("transcript");
          const input = document.getElementById("message");
          const statusLine = document.getElementById("status");
          const key = "motcua.conversation";
          // The agency the portal names (`/chat?agency=…`, from the embedded snippet): told in
          // `hello`, so that the figures by province know where the question came from.
          const agency = (new URLSearchParams(location.search).get("agency") || "").trim().slice(0, 60);
          let socket = null, nextId = 1, delay = 500, docsMode = false;
          const seen = new Set();

          function add(kind, text, extra) {
            const box = document.createElement("div");
            box.className = "msg " + kind;
            box.textContent = text;
            if (extra) box.appendChild(extra);
            transcript.appendChild(box);
            box.scrollIntoView({ block: "end" });
            return box;
          }
          function buttons(list) {
            const row = document.createElement("div");
            row.className = "actions";
            for (const [label, action] of list) {
              const b = document.createElement("button");
              b.type = "button"; b.textContent = label; b.addEventListener("click", action);
              row.appendChild(b);
            }
            return row;
          }
          function send(request) {
            if (!socket || socket.readyState !== WebSocket.OPEN) { add("note", "Chưa kết nối được máy chủ; em sẽ thử lại."); return; }
            request.id = nextId++;
            socket.send(JSON.stringify(request));
          }
          function documents(list) {
            if (!list || !list.length) return null;
            const ul = document.createElement("ul");
            ul.className = "docs";
            for (const d of list) { const li = document.createElement("li"); li.textContent = d.number + ": " + d.title; ul.appendChild(li); }
            return ul;
          }
          function show(m) {
            switch (m.type) {
              case "welcome":
                localStorage.setItem(key, m.conversation);
                statusLine.textContent = "Đã kết nối";
                break;
              case "answer": {
                const box = add("bot", m.text, documents(m.documents));
                box.appendChild(buttons([["Có ích", () => send({ type: "feedback", helpful: true })],
                                         ["Chưa đúng", () => send({ type: "feedback", helpful: false })],
                                         ["Câu trả lời khác", () => send({ type: "more" })]]));
                break;
              }
              case "suggest": {
                const box = add("bot", m.text);
                box.appendChild(buttons((m.options || []).map((o, i) => [(i + 1) + ". " + o.question, () => send({ type: "pick", number: i + 1 })])));
                break;
              }
              case "escalate": add("bot", m.text); break;
              case "escalated": add("bot", m.text); break;
              case "chat": add("bot", m.text); break;
              case "reply": case "ask": {
                if (seen.has(m.delivery)) { send({ type: "ack", delivery: m.delivery }); break; }
                seen.add(m.delivery);
                const head = m.type === "ask" ? "Đơn vị " + m.unit + " cần anh/chị bổ sung thông tin (phiếu số " + m.ticket + "):\n"
                  : (m.update ? "Đơn vị " + m.unit + " báo tiến độ phiếu số " + m.ticket + ":\n" : "Trả lời của đơn vị " + m.unit + " (phiếu số " + m.ticket + "):\n");
                add("unit", head + m.text);
                send({ type: "ack", delivery: m.delivery });
                break;
              }
              case "tickets": {
                if (!m.tickets.length) { add("note", "Anh/chị chưa có phiếu nào."); break; }
                add("bot", "Các phiếu của anh/chị:\n" + m.tickets.map(t => "• Phiếu số " + t.ticket + " [" + t.statusText + "] — " + t.question).join("\n"));
                break;
              }
              case "docs": {
                if (!m.results.length) { add("note", "Không tìm thấy văn bản nào."); break; }
                add("bot", m.results.map(d => "• " + d.number + " (" + d.issuer + (d.date ? ", " + d.date : "") + "): " + d.title).join("\n"));
                break;
              }
              case "error":
                if (m.code === "unknown-conversation") { localStorage.removeItem(key); send(agency ? { type: "hello", agency } : { type: "hello" }); break; }
                add("note", m.message);
                break;
            }
          }
          function connect() {
            const scheme = location.protocol === "https:" ? "wss://" : "ws://";
            socket = new WebSocket(scheme + location.host + "/ws");
            socket.addEventListener("open", () => {
              delay = 500;
              const conversation = localStorage.getItem(key);
              const hello = conversation ? { type: "hello", conversation } : { type: "hello" };
              if (agency) hello.agency = agency;
              send(hello);
            });
            socket.addEventListener("message", e => { try { show(JSON.parse(e.data)); } catch (err) { add("note", "Không đọc được tin từ máy chủ."); } });
            socket.addEventListener("close", () => {
              statusLine.textContent = "Mất kết nối, đang kết nối lại…";
              setTimeout(connect, delay); delay = Math.min(delay * 2, 10000);
            });
          }
          document.getElementById("ask").addEventListener("submit", e => {
            e.preventDefault();
            const text = input.value.trim();
            if (!text) return;
            add("me", text);
            input.value = "";
            if (docsMode) { docsMode = false; send({ type: "docs", query: text }); } else { send({ type: "say", text }); }
          });
          input.addEventListener("keydown", e => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); document.getElementById("ask").requestSubmit(); } });
          document.getElementById("human").addEventListener("click", () => send({ type: "escalate" }));
          document.getElementById("tickets").addEventListener("click", () => send({ type: "tickets" }));
          document.getElementById("docs").addEventListener("click", () => { docsMode = true; add("note", "Nhập số hiệu hoặc từ khóa của văn bản cần tìm."); input.focus(); });
          connect();
        })();
        """#
}
