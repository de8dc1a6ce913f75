/// The managers' dashboard (`/dashboard`, `/dashboard.js`): the report of `motcua report` (the
/// `stats` request) as a live page — period and unit filters, charts drawn as SVG, tables that
/// sort, the CSV download (`/console/report.csv`, the same file as `motcua report --format
/// csv`), the hot and rising topics, the questions the bot could not answer in groups (each one
/// click from a draft entry), and where deployment is stuck: questions and tickets by province.
/// An admin sees every unit (or one); anyone else their own unit's figures.
enum DashboardPage {
    static let html = PageShell.desk(title: "Báo cáo hỏi đáp — một cửa", heading: "Báo cáo hỏi đáp", main: """
          <section id="board" hidden>
            <form id="filters" class="toolbar">
              <label>Từ ngày <input id="from" data-testid="period-from" placeholder="YYYY-MM-DD" size="11" inputmode="numeric"></label>
              <label>Đến hết ngày <input id="to" data-testid="period-to" placeholder="YYYY-MM-DD" size="11" inputmode="numeric"></label>
              <label>Đơn vị <select id="unit" data-testid="unit-filter"><option value="">tất cả</option></select></label>
              <button class="primary" type="submit" data-testid="apply">Xem</button>
              <a id="csv" data-testid="csv" href="#" download>Tải CSV</a>
            </form>
            <p class="error" id="board-error" role="alert"></p>
            <div id="report" data-testid="report"></div>
          </section>
        """, script: "/dashboard.js")

    static let script = #"""
        "use strict";
        (function () {
          const { el, request } = Desk;
          const $ = id => document.getElementById(id);
          const svgNS = "http://www.w3.org/2000/svg";
          let who = null, timer = null, knownUnits = new Set(), lastLoad = 0;

          function pct(x) { return x === null || x === undefined ? "—" : (x * 100).toFixed(1).replace(".", ",") + "%"; }
          function num(x) { return x === null || x === undefined ? "—" : (Math.round(x * 10) / 10).toString().replace(".", ","); }
          function today() { return new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Ho_Chi_Minh" }); }
          function shift(day, days) {
            const [y, m, d] = day.split("-").map(Number);
            const t = new Date(Date.UTC(y, m - 1, d + days));
            return t.toISOString().slice(0, 10);
          }
          function svg(tag, attrs, ...children) {
            const node = document.createElementNS(svgNS, tag);
            for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
            for (const c of children) node.append(c);
            return node;
          }
          // Horizontal bars, one a row: [label, value, title].
          function bars(rows, caption) {
            const max = Math.max(1, ...rows.map(r => r[1]));
            const h = 22, labelW = 230, w = 560;
            const chart = svg("svg", { viewBox: "0 0 " + w + " " + (rows.length * h + 8), role: "img", "aria-label": caption, class: "chart" });
            rows.forEach(([label, value], i) => {
              const y = 4 + i * h, bw = Math.max(1, (w - labelW - 50) * value / max);
              const text = svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }); text.textContent = label.length > 34 ? label.slice(0, 33) + "…" : label;
              const count = svg("text", { x: labelW + bw + 4, y: y + 15 }); count.textContent = String(value);
              const title = svg("title"); title.textContent = label + ": " + value;
              chart.append(text, svg("rect", { x: labelW, y: y + 3, width: bw, height: h - 7, rx: 2 }, title), count);
            });
            return el("figure", {}, chart, el("figcaption", { text: caption }));
          }
          // Columns over time: [period, value].
          function columns(rows, caption) {
            const max = Math.max(1, ...rows.map(r => r[1]));
            const w = 560, h = 160, bw = Math.max(4, Math.min(40, (w - 20) / Math.max(1, rows.length) - 4));
            const chart = svg("svg", { viewBox: "0 0 " + w + " " + (h + 30), role: "img", "aria-label": caption, class: "chart" });
            rows.forEach(([period, value], i) => {
              const x = 10 + i * (bw + 4), bh = Math.max(1, (h - 20) * value / max);
              const title = svg("title"); title.textContent = period + ": " + value;
              const label = svg("text", { x: x + bw / 2, y: h + 14, "text-anchor": "middle", class: "small" }); label.textContent = period.replace(/^\d{4}-/, "");
              const count = svg("text", { x: x + bw / 2, y: h - bh - 4, "text-anchor": "middle", class: "small" }); count.textContent = String(value);
              chart.append(svg("rect", { x, y: h - bh, width: bw, height: bh, rx: 2 }, title), label, count);
            });
            return el("figure", {}, chart, el("figcaption", { text: caption }));
          }
          // A table whose columns sort on a click: columns [heading, value(row), text(row)?].
          function table(id, cols, rows) {
            let key = -1, down = true;
            const body = el("tbody");
            function fill() {
              const sorted = rows.slice();
              if (key >= 0) sorted.sort((a, b) => {
                const x = cols[key][1](a), y = cols[key][1](b);
                const c = (typeof x === "number" || x === null) && (typeof y === "number" || y === null) ? (x ?? -1) - (y ?? -1) : String(x).localeCompare(String(y), "vi");
                return down ? -c : c;
              });
              body.replaceChildren(...sorted.map(r => el("tr", {}, ...cols.map(c => el("td", { text: c[2] ? c[2](r) : String(c[1](r) ?? "—") })))));
            }
            const head = el("tr", {}, ...cols.map((c, i) => el("th", { "data-testid": "sort", tabindex: "0", title: "Bấm để sắp xếp",
              on: { click: () => { down = key === i ? !down : true; key = i; fill(); } } }, c[0])));
            fill();
            return rows.length ? el("table", { "data-testid": id, class: "sortable" }, el("thead", {}, head), body) : el("p", { class: "muted", text: "Không có số liệu." });
          }
          function card(label, value, sub, testid) {
            return el("div", { class: "card", "data-testid": testid }, el("div", { class: "muted", text: label }), el("strong", { text: value }), sub ? el("div", { class: "muted", text: sub }) : null);
          }
          function groups(report) {
            const list = report.frequentEscalations || [];
            if (!list.length) return el("p", { class: "muted", text: "Không có nhóm câu hỏi nào phải chuyển đơn vị." });
            return el("ol", { class: "groups" }, ...list.map(g => {
              const box = el("li", { "data-testid": "group" }, el("strong", { text: g.count + " × " }), g.question,
                el("span", { class: "muted", text: " (phiếu " + g.tickets.map(t => "#" + t).join(", ") + ")" }));
              const make = el("button", { type: "button", "data-testid": "make-draft", text: "Tạo mục tri thức", on: { click: () => {
                make.hidden = true;
                const q = el("textarea", { rows: "2" }); q.value = g.question;
                const a = el("textarea", { rows: "4", placeholder: "Câu trả lời chuẩn cho nhóm câu hỏi này…" });
                const note = el("p", { class: "muted" });
                box.append(el("div", { class: "draft" }, q, a, el("button", { class: "primary", type: "button", text: "Gửi duyệt", on: { click: async () => {
                  try { const r = await request({ type: "kb", action: "draft", ticket: g.tickets[0], question: q.value, answer: a.value }); note.textContent = "Đã đề xuất mục " + r.kb + "; mục chờ người duyệt của đơn vị."; }
                  catch (err) { note.textContent = err.message; }
                } } }), note));
              } } });
              box.append(" ", make);
              return box;
            }));
          }
          function show(r) {
            const weekly = (r.weekly || []).map(p => [p.period, p.count]);
            for (const t of r.times || []) knownUnits.add(t.unit);
            for (const b of r.backlog || []) knownUnits.add(b.unit);
            const select = $("unit");
            if (who && who.admin) {
              const chosen = select.value;
              select.replaceChildren(el("option", { value: "", text: "tất cả" }), ...[...knownUnits].sort().map(u => el("option", { value: u, text: u, selected: u === chosen })));
            }
            const provinces = r.provinces || [];
            $("report").replaceChildren(...[
              el("div", { class: "cards" },
                card("Câu hỏi", String(r.questions), "kỳ trước: " + r.previousQuestions, "questions"),
                card("Bot tự trả lời", pct(r.autoResolution), r.botAnswered + " câu", "auto"),
                card("Hữu ích", pct(r.helpfulShare), r.helpful + " có ích, " + r.notHelpful + " chưa", "helpful"),
                card("Phiếu chuyển đơn vị", String(r.tickets), null, "tickets")),
              el("h2", { text: "Câu hỏi theo tuần" }), weekly.length ? columns(weekly, "Số câu hỏi mỗi tuần") : el("p", { class: "muted", text: "Không có số liệu." }),
              el("h2", { text: "Chủ đề được hỏi nhiều" }),
              r.rising && r.rising.length ? el("p", { "data-testid": "rising" }, "Đang tăng nhanh: ", ...r.rising.map(id => el("span", { class: "flag owes-update", text: (r.topics.find(t => t.topic === id) || { name: id }).name }))) : null,
              r.topics.length ? bars(r.topics.slice(0, 12).map(t => [t.name, t.count]), "Câu hỏi theo chủ đề") : null,
              table("topics", [["Chủ đề", t => t.name], ["Câu hỏi", t => t.count], ["Kỳ trước", t => t.previous], ["Thay đổi", t => t.change, t => t.change === null ? (t.count ? "mới" : "—") : (t.change >= 0 ? "+" : "") + pct(t.change)]], r.topics),
              el("h2", { text: "Theo tỉnh, thành phố" }),
              provinces.length ? bars(provinces.slice(0, 15).map(p => [p.name, p.questions]), "Câu hỏi theo tỉnh, thành phố của người hỏi") : null,
              table("provinces", [["Tỉnh, thành phố", p => p.name], ["Câu hỏi", p => p.questions], ["Phiếu", p => p.tickets], ["Đang chờ", p => p.openTickets],
                ["Quá hạn", p => p.pastDue], ["Chờ trung vị (giờ)", p => p.waitMedianHours, p => num(p.waitMedianHours)], ["Chờ lâu nhất (giờ)", p => p.waitMaxHours, p => num(p.waitMaxHours)],
                ["Hỏi nhiều về", p => (p.topics || []).map(t => t.name).join("; ")]], provinces),
              el("p", { class: "muted", text: "Chưa rõ tỉnh, thành phố: " + (r.unplacedQuestions ?? 0) + " câu hỏi, " + (r.unplacedTickets ?? 0) + " phiếu." }),
              el("h2", { text: "Thời gian trả lời của đơn vị" }),
              table("times", [["Đơn vị", t => t.unit], ["Phiếu", t => t.tickets], ["Phản hồi đầu, trung vị (giờ)", t => t.firstResponseMedianHours, t => num(t.firstResponseMedianHours)],
                ["p90", t => t.firstResponseP90Hours, t => num(t.firstResponseP90Hours)], ["Giải quyết, trung vị (giờ)", t => t.resolutionMedianHours, t => num(t.resolutionMedianHours)],
                ["p90", t => t.resolutionP90Hours, t => num(t.resolutionP90Hours)], ["Quá hạn", t => t.pastDue]], r.times || []),
              el("h2", { text: "Phiếu đang chờ" }),
              (r.backlog || []).length ? bars(r.backlog.map(b => [b.unit, b.total]), "Phiếu đang chờ theo đơn vị") : null,
              table("backlog", [["Đơn vị", b => b.unit], ["Dưới 1 ngày", b => b.underOneDay], ["1–3 ngày", b => b.oneToThreeDays], ["3–7 ngày", b => b.threeToSevenDays], ["Trên 7 ngày", b => b.overSevenDays], ["Tổng", b => b.total]], r.backlog || []),
              el("h2", { text: "Mức hài lòng" }),
              table("satisfaction", [["Đơn vị", s => s.key], ["Đánh giá", s => s.count], ["Điểm trung bình", s => s.mean, s => num(s.mean)], ["Tỷ lệ ≥ 4", s => s.shareAtLeast4, s => pct(s.shareAtLeast4)]], r.satisfactionByUnit || []),
              el("h2", { text: "Câu hỏi bot chưa trả lời được (nên bổ sung vào cơ sở tri thức)" }), groups(r)].filter(Boolean));
          }
          function period() {
            const from = $("from").value.trim(), to = $("to").value.trim();
            return { since: from, until: to ? shift(to, 1) : undefined };
          }
          async function load() {
            lastLoad = Date.now();
            $("board-error").textContent = "";
            const p = period(), unit = $("unit").value;
            const q = { type: "stats" };
            if (p.since) q.since = p.since;
            if (p.until) q.until = p.until;
            if (unit) q.unit = unit;
            const params = new URLSearchParams(Object.entries(q).filter(([k]) => k !== "type"));
            $("csv").href = "/console/report.csv?" + params.toString();
            try { const m = await request(q); show(m.report); $("status").textContent = "Cập nhật lúc " + new Date().toLocaleTimeString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour12: false }); }
            catch (err) { $("board-error").textContent = err.message; }
          }
          // A report over a big store takes seconds of the daemon's time: redrawn for the desk's
          // news at most every 30 s, however many tickets come.
          function soon() { clearTimeout(timer); timer = setTimeout(load, Math.max(1500, 30000 - (Date.now() - lastLoad))); }
          function start(me) {
            who = me;
            $("signin").hidden = true; $("board").hidden = false; $("logout").hidden = false;
            $("who").textContent = me.name + " · " + me.unit + (me.admin ? " · quản trị" : "");
            if (!me.admin) { $("unit").replaceChildren(el("option", { value: me.unit, text: me.unit })); $("unit").disabled = true; }
            if (!$("from").value) { $("to").value = today(); $("from").value = shift(today(), -29); }
            Desk.connect({ status: t => { $("status").textContent = t; }, welcome: load, signedOut: reason => stop(Desk.signedOutText(reason)),
              // The figures follow the desk: a new, answered or moved ticket redraws them.
              push: m => { if (m.type === "ticket" || m.type === "draft") soon(); } });
          }
          function stop(message) {
            who = null;
            $("board").hidden = true; $("signin").hidden = false; $("logout").hidden = true; $("who").textContent = "";
            $("login-error").textContent = message || "";
          }
          Desk.signInForm($("login-form"), $("token"), $("login-error"), start);
          $("logout").addEventListener("click", async () => { await Desk.signOut(); stop("Anh/chị đã đăng xuất."); });
          $("filters").addEventListener("submit", e => { e.preventDefault(); load(); });
          setInterval(() => { if (who && Date.now() - lastLoad > 50000) load(); }, 60000);
          Desk.session().then(me => me ? start(me) : stop()).catch(() => stop());
        })();
        """#
}
