/// What the console and the dashboard share (`/desk.js`): signing in with a handler token (the
/// browser keeps only the HttpOnly session cookie), the socket `/ws?console=1` with requests
/// answered by their `id` (a promise each) and pushes handed to the page, reconnecting while
/// the session lives and showing the sign-in form when it ends; and small helpers (dates in
/// Vietnam time, labels of statuses, kinds and flags, elements).
enum DeskClientScript {
    static let script = #"""
        "use strict";
        window.Desk = (function () {
          const statusLabels = { "new": "mới", "assigned": "đang xử lý", "waiting-for-asker": "chờ người hỏi bổ sung", "answered": "đã trả lời", "closed": "đã đóng" };
          const kindLabels = { "cau-hoi": "câu hỏi", "kien-nghi": "kiến nghị", "phan-anh": "phản ánh", "xin-y-kien": "xin ý kiến" };
          const flagLabels = { "overdue": "quá hạn", "owes-update": "cần báo tiến độ", "undelivered": "chưa gửi được" };
          let socket = null, nextId = 1, delay = 500, me = null, handlers = null, closedByUs = false;
          const waiting = new Map();

          function el(tag, attrs, ...children) {
            const node = document.createElement(tag);
            for (const [k, v] of Object.entries(attrs || {})) {
              if (v === null || v === undefined || v === false) continue;
              if (k === "text") node.textContent = v;
              else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
              else node.setAttribute(k, v === true ? "" : v);
            }
            for (const c of children) if (c !== null && c !== undefined) node.append(c);
            return node;
          }
          function date(iso) {
            if (!iso) return "—";
            try { return new Date(iso).toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour12: false }); } catch (e) { return iso; }
          }
          async function session() {
            const r = await fetch("/console/session", { credentials: "same-origin" });
            return r.ok ? r.json() : null;
          }
          async function signIn(token) {
            const r = await fetch("/console/session", { method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
            const body = await r.json().catch(() => ({}));
            if (!r.ok) throw new Error(body.message || "Không đăng nhập được.");
            return body;
          }
          async function signOut() {
            closedByUs = true;
            await fetch("/console/session", { method: "DELETE", credentials: "same-origin" }).catch(() => {});
            if (socket) socket.close();
          }
          function request(object) {
            return new Promise((resolve, reject) => {
              if (!socket || socket.readyState !== WebSocket.OPEN) { reject(new Error("Chưa kết nối được máy chủ.")); return; }
              const id = nextId++;
              waiting.set(id, { resolve, reject });
              socket.send(JSON.stringify(Object.assign({}, object, { id })));
            });
          }
          function send(object) { if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(object)); }
          // Opens the page's socket; `h.welcome(who)`, `h.push(message)`, `h.signedOut(reason)`, `h.status(text)`.
          function connect(h) {
            handlers = h;
            closedByUs = false;
            const scheme = location.protocol === "https:" ? "wss://" : "ws://";
            const ws = new WebSocket(scheme + location.host + "/ws?console=1");
            socket = ws;
            // A page open all day is not idle: a ping every four minutes (the daemon lets a silent
            // connection go after ten).
            const keepAlive = setInterval(() => send({ type: "ping" }), 240000);
            ws.addEventListener("message", e => {
              if (socket !== ws) return;
              let m;
              try { m = JSON.parse(e.data); } catch (err) { return; }
              if (m.re !== undefined && waiting.has(m.re)) {
                const w = waiting.get(m.re); waiting.delete(m.re);
                if (m.type === "error") w.reject(Object.assign(new Error(m.message), { code: m.code })); else w.resolve(m);
                return;
              }
              if (m.type === "welcome") { delay = 500; me = m; h.status("Đã kết nối"); h.welcome(m); return; }
              if (m.type === "signed-out") { closedByUs = true; h.signedOut(m.reason); return; }
              if (m.type === "ping") { send({ type: "pong" }); return; }
              if (m.type === "pong") return;
              h.push(m);
            });
            ws.addEventListener("close", async () => {
              clearInterval(keepAlive);
              // A socket replaced by a newer one (signed out and in again) goes quietly.
              if (socket !== ws) return;
              for (const w of waiting.values()) w.reject(new Error("Mất kết nối."));
              waiting.clear();
              if (closedByUs) return;
              h.status("Mất kết nối, đang kết nối lại…");
              const who = await session().catch(() => undefined);
              if (who === null) { h.signedOut("expired"); return; }
              setTimeout(() => connect(h), delay); delay = Math.min(delay * 2, 10000);
            });
          }
          // The sign-in form: shown until a token works, then `start(who)`.
          function signInForm(form, input, error, start) {
            form.addEventListener("submit", async e => {
              e.preventDefault();
              error.textContent = "";
              try { const who = await signIn(input.value.trim()); input.value = ""; start(who); }
              catch (err) { error.textContent = err.message; }
            });
          }
          function signedOutText(reason) {
            return reason === "expired" ? "Phiên làm việc đã hết hạn; anh/chị đăng nhập lại."
              : reason === "revoked" ? "Mã đăng nhập đã bị thu hồi." : "Anh/chị đã đăng xuất.";
          }
          return { el, date, session, signIn, signOut, request, send, connect, signInForm, signedOutText,
                   statusLabels, kindLabels, flagLabels, get me() { return me; } };
        })();
        """#
}
