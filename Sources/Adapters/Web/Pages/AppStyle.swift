/// The pages' one stylesheet (`/app.css`): plain CSS, readable on a phone, nothing fetched.
enum AppStyle {
    static let css = """
        :root { --ink: #1d2733; --muted: #5b6775; --line: #d6dde5; --brand: #a4161a; --bot: #f3f6f9; --me: #e8f1fb; --unit: #fff6e0; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 "DejaVu Sans", system-ui, sans-serif; color: var(--ink); background: #fff; }
        header { background: var(--brand); color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
        header h1 { font-size: 1.1rem; margin: 0; }
        header nav a { color: #fff; margin-right: .8rem; }
        main { max-width: 52rem; margin: 0 auto; padding: .8rem; }
        .transcript { display: flex; flex-direction: column; gap: .5rem; min-height: 40vh; padding-bottom: .5rem; }
        .msg { padding: .5rem .7rem; border-radius: .6rem; max-width: 92%; white-space: pre-wrap; overflow-wrap: anywhere; }
        .msg.me { align-self: flex-end; background: var(--me); }
        .msg.bot { align-self: flex-start; background: var(--bot); }
        .msg.unit { align-self: flex-start; background: var(--unit); border: 1px solid #f0d68a; }
        .msg.note { align-self: center; color: var(--muted); font-size: .9rem; background: none; }
        .msg .docs { margin: .4rem 0 0; padding-left: 1.1rem; font-size: .9rem; }
        .actions { display: flex; gap: .4rem; flex-wrap: wrap; margin-top: .4rem; }
        button { font: inherit; padding: .35rem .7rem; border: 1px solid var(--line); border-radius: .4rem; background: #fff; cursor: pointer; }
        button.primary { background: var(--brand); color: #fff; border-color: var(--brand); }
        form.ask { display: flex; gap: .5rem; position: sticky; bottom: 0; background: #fff; padding: .5rem 0; border-top: 1px solid var(--line); }
        form.ask textarea { flex: 1; font: inherit; padding: .45rem; border: 1px solid var(--line); border-radius: .4rem; resize: vertical; min-height: 2.6rem; }
        .toolbar { display: flex; gap: .4rem; flex-wrap: wrap; margin: .4rem 0; }
        .status { color: var(--muted); font-size: .85rem; }
        header .status { color: #fde8e8; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { border-bottom: 1px solid var(--line); padding: .3rem .4rem; text-align: left; vertical-align: top; }
        main.wide { max-width: 84rem; }
        h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; } h3 { font-size: .98rem; margin: 1rem 0 .3rem; }
        .muted { color: var(--muted); font-size: .9rem; }
        .error { color: var(--brand); min-height: 1.2em; }
        .who { font-size: .9rem; }
        header button { margin-left: auto; }
        form.signin { display: flex; flex-direction: column; gap: .5rem; max-width: 26rem; margin: 2rem auto; }
        form.signin input { font: inherit; padding: .45rem; border: 1px solid var(--line); border-radius: .4rem; }
        form.inline { display: inline-flex; gap: .4rem; flex-wrap: wrap; }
        input, select, textarea { font: inherit; }
        .toolbar input { padding: .3rem .4rem; border: 1px solid var(--line); border-radius: .4rem; }
        .columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.1fr); gap: 1rem; }
        .pane { border-left: 1px solid var(--line); padding-left: 1rem; }
        .pane textarea, .draft textarea { width: 100%; padding: .45rem; border: 1px solid var(--line); border-radius: .4rem; }
        #queue tbody tr { cursor: pointer; }
        #queue tbody tr:hover, #queue tbody tr.current { background: var(--me); }
        #queue tbody tr.late td:first-child { border-left: 3px solid var(--brand); }
        .flag { display: inline-block; font-size: .8rem; padding: 0 .35rem; margin: 0 .2rem .1rem 0; border-radius: .3rem; background: #eef1f4; }
        .flag.overdue { background: #fde2e2; color: #8a1013; } .flag.owes-update { background: #fff1c7; } .flag.undelivered { background: #e8e2fd; }
        .presence, .viewers { font-size: .85rem; color: #7a4b00; background: #fff6e0; border-radius: .3rem; padding: 0 .3rem; }
        blockquote { margin: .3rem 0; padding: .4rem .7rem; background: var(--bot); border-left: 3px solid var(--line); white-space: pre-wrap; overflow-wrap: anywhere; }
        pre.context { white-space: pre-wrap; font: inherit; font-size: .9rem; background: var(--bot); padding: .4rem .6rem; }
        ol.trail { padding-left: 1.2rem; font-size: .9rem; } ol.trail li.internal { background: #fff6e0; }
        ul.plain { list-style: none; padding: 0; } ul.plain li { margin: .3rem 0; }
        .draft { border: 1px solid var(--line); border-radius: .4rem; padding: .5rem; margin: .5rem 0; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem; }
        .card { border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .7rem; } .card strong { font-size: 1.4rem; }
        figure { margin: .4rem 0; } figcaption { color: var(--muted); font-size: .85rem; }
        svg.chart { width: 100%; max-width: 46rem; height: auto; font-size: 12px; } svg.chart rect { fill: var(--brand); opacity: .8; }
        svg.chart text.small { font-size: 10px; }
        table.sortable th { cursor: pointer; user-select: none; } table.sortable th:hover { text-decoration: underline; }
        ol.groups li { margin: .4rem 0; }
        @media (max-width: 900px) { .columns { grid-template-columns: 1fr; } .pane { border-left: none; padding-left: 0; } }
        @media (max-width: 600px) { body { font-size: 15px; } .msg { max-width: 100%; } }
        """
}
