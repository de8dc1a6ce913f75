/// The units' console (`/console`, `/console.js`): sign in with a handler token, then the
/// unit's queue, live (a new or transferred ticket appears without reloading; overdue,
/// owes-an-update and undelivered flags); a ticket's page with the conversation before it, the
/// trail, notes, where each message to the asker is, similar earlier answers and catalogue
/// documents to insert into the reply; reply, update, ask, note, claim, transfer, kind, close,
/// reopen; who else is viewing or writing on the ticket; the review queue; search over all the
/// unit's tickets. A client of `/ws` like the others (docs/PROTOCOL.md).
enum ConsolePage {
    static let html = PageShell.desk(title: "Bàn xử lý phiếu — một cửa", heading: "Bàn xử lý phiếu", main: """
          <section id="desk" hidden>
            <div class="toolbar">
              <label>Trạng thái <select id="status-filter" data-testid="status-filter">
                <option value="">đang mở</option><option value="new">mới</option><option value="assigned">đang xử lý</option>
                <option value="waiting-for-asker">chờ người hỏi bổ sung</option><option value="answered">đã trả lời</option>
                <option value="closed">đã đóng</option></select></label>
              <form id="search-form" class="inline"><input id="search" data-testid="search-input" placeholder="Tìm trong mọi phiếu (từ hoặc số phiếu)">
                <button type="submit" data-testid="search">Tìm</button></form>
              <button type="button" id="review-tab" data-testid="review-tab" hidden>Chờ duyệt (<span id="review-count">0</span>)</button>
            </div>
            <div class="columns">
              <div class="list">
                <h2 id="list-title" data-testid="list-title">Phiếu đang mở</h2>
                <table id="queue" data-testid="queue"><thead><tr><th>Số</th><th>Trạng thái</th><th>Loại</th><th>Câu hỏi</th><th>Hạn</th><th>Lưu ý</th></tr></thead><tbody></tbody></table>
                <p class="muted" id="queue-empty" hidden>Không có phiếu nào.</p>
              </div>
              <div class="pane" id="pane" data-testid="pane" hidden></div>
            </div>
          </section>
        """, script: "/console.js")

    static let script = #"""
        "use strict";
        (function () {
          const { el, date, request, statusLabels, kindLabels, flagLabels } = Desk;
          const $ = id => document.getElementById(id);
          const tbody = $("queue").querySelector("tbody");
          let who = null, mode = "queue", lastQuery = "", open = null, viewers = new Map(), refreshTimer = null, seatTimer = null, typedAt = 0;

          function say(text) { $("status").textContent = text; }
          function flags(t) { return (t.flags || []).map(f => el("span", { class: "flag " + f, text: flagLabels[f] || f })); }
          function watching(n) {
            const others = (viewers.get(n) || []).filter(v => !who || v.handler !== who.handler);
            if (!others.length) return null;
            return el("span", { class: "presence", "data-testid": "viewers", text: "👁 " + others.map(v => v.name + (v.typing ? " (đang soạn)" : "")).join(", ") });
          }
          function render(tickets) {
            tbody.replaceChildren(...tickets.map(t => el("tr", { "data-testid": "ticket-row", "data-ticket": String(t.ticket),
                class: (open === t.ticket ? "current " : "") + ((t.flags || []).includes("overdue") ? "late" : ""),
                on: { click: () => show(t.ticket) } },
              el("td", { text: "#" + t.ticket }), el("td", { text: statusLabels[t.status] || t.status }),
              el("td", { text: kindLabels[t.kind] || t.kind }), el("td", {}, t.question, " ", watching(t.ticket)),
              el("td", { text: date(t.due) }), el("td", {}, ...flags(t)))));
            $("queue-empty").hidden = tickets.length > 0;
          }
          async function refresh() {
            try {
              if (mode === "search") {
                const m = await request({ type: "search", query: lastQuery });
                $("list-title").textContent = "Kết quả tìm “" + lastQuery + "”: " + m.tickets.length + " phiếu";
                render(m.tickets);
              } else {
                const status = $("status-filter").value;
                const m = await request(status ? { type: "queue", status } : { type: "queue" });
                $("list-title").textContent = (status ? "Phiếu " + statusLabels[status] : "Phiếu đang mở") + " (" + m.tickets.length + ")";
                render(m.tickets);
              }
            } catch (err) { say(err.message); }
          }
          function soon() { clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 150); }
          async function reviewCount() {
            if (!who || !(who.reviewer || who.admin)) return;
            try { const m = await request({ type: "review" }); $("review-count").textContent = m.drafts.length + m.remaining; } catch (e) {}
          }
          function seat(state) { if (open) request({ type: "presence", ticket: open, state }).then(m => { viewers.set(m.ticket, m.viewers); showViewers(); }).catch(() => {}); }
          function showViewers() {
            const box = $("viewers-line");
            if (!box || !open) return;
            const others = (viewers.get(open) || []).filter(v => !who || v.handler !== who.handler);
            box.textContent = others.length ? "Cũng đang mở phiếu này: " + others.map(v => v.name + (v.typing ? " — đang soạn trả lời" : "")).join(", ") : "";
            box.hidden = !others.length;
          }
          function leave() {
            if (open) request({ type: "presence", ticket: open, state: "left" }).catch(() => {});
            clearInterval(seatTimer);
          }
          async function act(object, done) {
            try { await request(object); if (done) done(); say("Đã lưu."); await show(object.ticket, true); soon(); }
            catch (err) { say(err.message); const e = $("pane-error"); if (e) e.textContent = err.message; }
          }
          function insert(text) {
            const box = $("reply-input");
            const at = box.selectionStart ?? box.value.length;
            box.value = box.value.slice(0, at) + text + box.value.slice(box.selectionEnd ?? at);
            box.dispatchEvent(new Event("input"));
            box.focus();
          }
          async function show(number, keep) {
            let m;
            try { m = await request({ type: "show", ticket: number }); } catch (err) { say(err.message); return; }
            if (open !== number) { leave(); open = number; seat("viewing"); seatTimer = setInterval(() => seat("viewing"), 10000); }
            const t = m.ticket, pane = $("pane");
            // What was being written survives a redraw and a reload of the page (kept in this
            // tab until it is sent).
            const saved = "motcua.reply." + number;
            const draft = keep && $("reply-input") ? $("reply-input").value : (sessionStorage.getItem(saved) || "");
            for (const row of tbody.querySelectorAll("tr")) row.classList.toggle("current", row.dataset.ticket === String(number));
            const trail = el("ol", { class: "trail" }, ...t.events.map(e => el("li", { class: e.internal ? "internal" : "" },
              el("span", { class: "muted", text: date(e.date) + " · " + e.actor + " · " + e.action + (e.internal ? " (nội bộ)" : "") }),
              e.detail ? el("div", { text: e.detail }) : null)));
            const deliveries = m.deliveries.length ? el("ul", { class: "plain" }, ...m.deliveries.map(d => el("li", {
              text: "Tin số " + d.delivery + " (" + ({ reply: "trả lời", update: "tiến độ", ask: "hỏi thêm" }[d.kind] || d.kind) + "): "
                + ({ pending: "chưa nhận", delivered: "đã nhận " + date(d.at), undelivered: "không gửi được" + (d.reason ? " — " + d.reason : "") }[d.state] || d.state) }))) : null;
            const similar = m.similar.length ? el("ul", { class: "plain" }, ...m.similar.map(s => el("li", {},
              el("strong", { text: s.question }), el("div", { class: "muted", text: s.answer }),
              el("button", { type: "button", "data-testid": "insert-similar", text: "Chèn vào trả lời", on: { click: () => insert(s.answer) } })))) : el("p", { class: "muted", text: "Chưa có câu trả lời tương tự." });
            const docsResults = el("ul", { class: "plain", id: "docs-results" });
            const docsForm = el("form", { class: "inline", on: { submit: async e => {
              e.preventDefault();
              try {
                const r = await request({ type: "docs", query: $("docs-query").value, limit: 8 });
                docsResults.replaceChildren(...(r.results.length ? r.results.map(d => el("li", {}, d.number + " — " + d.title + " ",
                  el("button", { type: "button", text: "Chèn", on: { click: () => insert(d.kind + " " + d.number + " (" + d.title + ")") } })))
                  : [el("li", { class: "muted", text: "Không tìm thấy văn bản." })]));
              } catch (err) { say(err.message); }
            } } }, el("input", { id: "docs-query", placeholder: "Số hiệu hoặc từ khóa văn bản" }), el("button", { type: "submit", text: "Tìm văn bản" }));
            const reply = el("textarea", { id: "reply-input", "data-testid": "reply-input", rows: "5", placeholder: "Nội dung gửi người hỏi (hoặc ghi chú nội bộ)…",
              on: { input: () => {
                sessionStorage.setItem(saved, reply.value);
                const now = Date.now(); if (now - typedAt > 2500) { typedAt = now; seat("typing"); }
              } } });
            reply.value = draft;
            const once = el("input", { type: "checkbox", id: "reply-once" });
            const text = () => reply.value.trim();
            const need = f => () => { if (!text()) { $("pane-error").textContent = "Hãy nhập nội dung."; return; } f(); };
            const clear = () => { reply.value = ""; sessionStorage.removeItem(saved); };
            const unit = el("input", { id: "transfer-unit", placeholder: "Mã đơn vị", size: "8" });
            const kind = el("select", { id: "kind" }, ...Object.entries(kindLabels).map(([k, v]) => el("option", { value: k, text: v, selected: k === t.kind })));
            pane.replaceChildren(...[
              el("h2", { text: "Phiếu số " + t.ticket + " — " + (statusLabels[t.status] || t.status) }),
              el("p", { class: "muted", text: (kindLabels[t.kind] || t.kind) + " · đơn vị " + t.unit + " · chủ đề " + t.topic + " · nhận " + date(t.created) + " · hạn " + date(t.due)
                + (t.handler ? " · cán bộ " + t.handler : "") }, " ", ...flags(t)),
              el("p", { class: "viewers", id: "viewers-line", "data-testid": "presence", hidden: true }),
              el("h3", { text: "Câu hỏi" }), el("blockquote", { "data-testid": "ticket-question", text: t.question }),
              t.context.length ? el("details", { open: true }, el("summary", { text: "Trao đổi trước đó" }), el("pre", { class: "context", text: t.context.join("\n") })) : null,
              el("h3", { text: "Trả lời" }), reply,
              el("div", { class: "actions" },
                el("button", { class: "primary", type: "button", "data-testid": "reply-send", text: "Gửi trả lời",
                  on: { click: need(() => act({ type: "reply", ticket: t.ticket, text: text(), reusable: !once.checked }, clear)) } }),
                el("label", {}, once, " chỉ trả lời riêng (không đưa vào cơ sở tri thức)")),
              el("div", { class: "actions" },
                el("button", { type: "button", "data-testid": "update-send", text: "Báo tiến độ", on: { click: need(() => act({ type: "update", ticket: t.ticket, text: text() }, clear)) } }),
                el("button", { type: "button", "data-testid": "ask-send", text: "Hỏi thêm người hỏi", on: { click: need(() => act({ type: "ask", ticket: t.ticket, text: text() }, clear)) } }),
                el("button", { type: "button", "data-testid": "note-send", text: "Ghi chú nội bộ", on: { click: need(() => act({ type: "note", ticket: t.ticket, text: text() }, clear)) } })),
              el("div", { class: "actions" },
                el("button", { type: "button", "data-testid": "claim", text: "Nhận xử lý", on: { click: () => act({ type: "claim", ticket: t.ticket }) } }),
                el("button", { type: "button", "data-testid": "close", text: "Đóng phiếu", on: { click: () => act({ type: "close", ticket: t.ticket }) } }),
                el("button", { type: "button", "data-testid": "reopen", text: "Mở lại", on: { click: () => act({ type: "reopen", ticket: t.ticket }) } }),
                unit, el("button", { type: "button", "data-testid": "transfer", text: "Chuyển đơn vị", on: { click: () => act({ type: "transfer", ticket: t.ticket, unit: unit.value.trim() }) } }),
                kind, el("button", { type: "button", "data-testid": "set-kind", text: "Đổi loại", on: { click: () => act({ type: "kind", ticket: t.ticket, kind: kind.value }) } })),
              el("p", { class: "error", id: "pane-error", role: "alert" }),
              el("h3", { text: "Câu trả lời tương tự" }), similar,
              el("h3", { text: "Văn bản để dẫn" }), docsForm, docsResults,
              el("h3", { text: "Tin gửi người hỏi" }), deliveries || el("p", { class: "muted", text: "Chưa có." }),
              el("h3", { text: "Lịch sử xử lý" }), trail].filter(Boolean));
            pane.hidden = false;
            showViewers();
          }
          async function review() {
            leave(); open = null;
            const pane = $("pane");
            let m;
            try { m = await request({ type: "review" }); } catch (err) { say(err.message); return; }
            $("review-count").textContent = m.drafts.length + m.remaining;
            pane.replaceChildren(el("h2", { text: "Câu trả lời chờ duyệt (" + (m.drafts.length + m.remaining) + ")" }),
              ...(m.drafts.length ? m.drafts.map(d => {
                const q = el("textarea", { rows: "2" }); q.value = d.question;
                const a = el("textarea", { rows: "5" }); a.value = d.answer;
                const decide = async object => { try { await request(object); say("Đã lưu."); review(); } catch (err) { say(err.message); } };
                return el("div", { class: "draft", "data-testid": "draft", "data-kb": d.kb },
                  el("p", { class: "muted", text: d.kb + " · phiếu số " + d.ticket + " · " + d.unit + " · " + date(d.created) }), q, a,
                  el("div", { class: "actions" },
                    el("button", { class: "primary", type: "button", text: "Duyệt", on: { click: () => decide({ type: "review", action: "approve", kb: d.kb, question: q.value, answer: a.value }) } }),
                    el("button", { type: "button", text: "Từ chối", on: { click: () => decide({ type: "review", action: "reject", kb: d.kb }) } })));
              }) : [el("p", { class: "muted", text: "Không có câu trả lời nào chờ duyệt." })]));
            pane.hidden = false;
            learned(pane);
          }
          // What the desk learned from askers' confirmations (GET/DELETE /console/learned).
          async function learned(pane) {
            const section = el("div", { "data-testid": "learned" }, el("h2", { text: "Cách hỏi học từ người dùng" }));
            pane.append(section);
            let m;
            try {
              const r = await fetch("/console/learned", { credentials: "same-origin" });
              m = await r.json();
              if (!r.ok) { section.append(el("p", { class: "muted", text: m.message || "Không đọc được." })); return; }
            } catch (err) { section.append(el("p", { class: "muted", text: "Không đọc được danh sách." })); return; }
            if (!m.learned.length) { section.append(el("p", { class: "muted", text: "Chưa học được cách hỏi nào." })); return; }
            for (const l of m.learned) {
              const remove = async () => {
                try {
                  const r = await fetch("/console/learned/" + l.id, { method: "DELETE", credentials: "same-origin" });
                  if (r.ok) { say("Đã gỡ cách hỏi #" + l.id + "."); review(); } else { say((await r.json()).message); }
                } catch (err) { say(err.message); }
              };
              section.append(el("div", { class: "draft", "data-testid": "learned-phrasing", "data-id": String(l.id) },
                el("p", { text: "“" + l.question + "”" }),
                el("p", { class: "muted", text: "cách hỏi của " + l.entry + (l.entryQuestion ? " — " + l.entryQuestion : "") + " · " + l.conversations + " cuộc trò chuyện xác nhận · " + date(l.learned) }),
                el("div", { class: "actions" }, el("button", { type: "button", text: "Gỡ", on: { click: remove } }))));
            }
          }
          function start(me) {
            who = me;
            $("signin").hidden = true; $("desk").hidden = false; $("logout").hidden = false;
            $("who").textContent = me.name + " · " + me.unit + (me.admin ? " · quản trị" : "");
            $("review-tab").hidden = !(me.reviewer || me.admin);
            Desk.connect({
              status: say,
              welcome: () => { refresh(); reviewCount(); if (open) show(open, true); },
              signedOut: reason => stop(Desk.signedOutText(reason)),
              push: m => {
                if (m.type === "ticket") { soon(); if (open === m.ticket) show(open, true); if (m.reason === "new" || m.reason === "transferred") say("Phiếu mới: số " + m.ticket); }
                else if (m.type === "draft") reviewCount();
                else if (m.type === "presence") {
                  viewers.set(m.ticket, m.viewers);
                  const row = tbody.querySelector('tr[data-ticket="' + m.ticket + '"] td:nth-child(4)');
                  if (row) { row.querySelector(".presence")?.remove(); const w = watching(m.ticket); if (w) row.append(w); }
                  showViewers();
                }
              }
            });
          }
          function stop(message) {
            leave(); open = null; who = null;
            $("desk").hidden = true; $("signin").hidden = false; $("logout").hidden = true; $("who").textContent = "";
            $("pane").hidden = true; tbody.replaceChildren();
            $("login-error").textContent = message || "";
            say("");
          }
          Desk.signInForm($("login-form"), $("token"), $("login-error"), start);
          $("logout").addEventListener("click", async () => { await Desk.signOut(); stop("Anh/chị đã đăng xuất."); });
          $("status-filter").addEventListener("change", () => { mode = "queue"; refresh(); });
          $("search-form").addEventListener("submit", e => { e.preventDefault(); lastQuery = $("search").value.trim(); mode = lastQuery ? "search" : "queue"; refresh(); });
          $("review-tab").addEventListener("click", review);
          window.addEventListener("beforeunload", leave);
          Desk.session().then(me => me ? start(me) : stop()).catch(() => stop());
        })();
        """#
}
