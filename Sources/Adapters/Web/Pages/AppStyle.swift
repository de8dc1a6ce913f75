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
        @media (max-width: 600px) { body { font-size: 15px; } .msg { max-width: 100%; } }
        """
}
