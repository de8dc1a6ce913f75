/// Every schema change of the PostgreSQL store, in order. A migration, once released, is never
/// edited: a change is a new one at the end. The versions are the store's own (this schema
/// starts where the SQLite store stood at its v7, in one step), recorded in `motcua_migration`.
enum PostgresMigrations {
    /// A numbered, named list of statements run in one transaction.
    struct Migration {
        var version: Int
        var name: String
        var statements: [String]
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "conversations, knowledge, desk, catalogue", statements: [
            """
            CREATE TABLE conversation (
                id text PRIMARY KEY, channel text, user_id text, name text, agency text,
                state text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
                UNIQUE (channel, user_id))
            """,
            """
            CREATE TABLE message (
                id bigserial PRIMARY KEY,
                conversation_id text NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
                direction text NOT NULL, kind text NOT NULL, text text NOT NULL, entry text, topic text,
                date timestamptz NOT NULL)
            """,
            "CREATE INDEX message_on_conversation ON message (conversation_id, id)",
            "CREATE INDEX message_on_date ON message (date)",
            """
            CREATE TABLE knowledge_entry (
                seq bigserial, id text PRIMARY KEY, json text NOT NULL, source text NOT NULL,
                retired boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL)
            """,
            "CREATE TABLE unit (id text PRIMARY KEY, name text NOT NULL, answers text NOT NULL DEFAULT '')",
            """
            CREATE TABLE handler (
                id text PRIMARY KEY, unit text NOT NULL, name text NOT NULL, admin boolean NOT NULL DEFAULT false,
                secret_hash bytea NOT NULL, revoked boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL,
                reviewer boolean NOT NULL DEFAULT false, expires_at timestamptz)
            """,
            """
            CREATE TABLE gateway (
                id text PRIMARY KEY, channel text NOT NULL, name text NOT NULL, secret_hash bytea NOT NULL,
                revoked boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE ticket (
                number bigserial PRIMARY KEY,
                conversation_id text NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
                kind text NOT NULL, topic text NOT NULL, unit text NOT NULL, question text NOT NULL,
                question_folded text NOT NULL, context text NOT NULL, status text NOT NULL, handler text,
                due timestamptz NOT NULL, update_due timestamptz NOT NULL, reminded_at timestamptz,
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, answered_at timestamptz,
                undelivered boolean NOT NULL DEFAULT false)
            """,
            "CREATE INDEX ticket_on_unit ON ticket (unit)",
            "CREATE INDEX ticket_on_conversation ON ticket (conversation_id)",
            "CREATE INDEX ticket_on_created_at ON ticket (created_at)",
            "CREATE INDEX ticket_on_status_update_due ON ticket (status, update_due)",
            """
            CREATE TABLE ticket_event (
                id bigserial PRIMARY KEY, ticket bigint NOT NULL REFERENCES ticket (number) ON DELETE CASCADE,
                actor text NOT NULL, action text NOT NULL, detail text NOT NULL, date timestamptz NOT NULL)
            """,
            "CREATE INDEX ticket_event_on_ticket ON ticket_event (ticket, id)",
            """
            CREATE TABLE delivery (
                id bigserial PRIMARY KEY,
                conversation_id text NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
                ticket bigint NOT NULL REFERENCES ticket (number) ON DELETE CASCADE,
                unit text NOT NULL, text text NOT NULL, created_at timestamptz NOT NULL, acked_at timestamptz,
                kind text NOT NULL DEFAULT 'reply', attempts integer NOT NULL DEFAULT 0, failure text,
                failed_at timestamptz)
            """,
            "CREATE INDEX delivery_on_ticket ON delivery (ticket)",
            "CREATE INDEX delivery_pending ON delivery (conversation_id) WHERE acked_at IS NULL",
            """
            CREATE TABLE rating (
                id bigserial PRIMARY KEY, ticket bigint NOT NULL UNIQUE REFERENCES ticket (number) ON DELETE CASCADE,
                score integer NOT NULL, comment text, date timestamptz NOT NULL)
            """,
            """
            CREATE TABLE draft (
                id text PRIMARY KEY, ticket bigint NOT NULL REFERENCES ticket (number) ON DELETE CASCADE,
                unit text NOT NULL, topic text, question text NOT NULL, answer text NOT NULL, status text NOT NULL,
                created_at timestamptz NOT NULL, reviewer text, reviewed_at timestamptz)
            """,
            "CREATE INDEX draft_on_status_unit ON draft (status, unit)",
            "CREATE TABLE document (seq bigserial, id text PRIMARY KEY, json text NOT NULL, updated_at timestamptz NOT NULL)",
            // What one daemon changed that the others must hear of (new tickets, replies, drafts,
            // ticket notices, knowledge): written in the transaction of the change, read in order.
            """
            CREATE TABLE change (
                seq bigserial PRIMARY KEY, origin text NOT NULL, kind text NOT NULL, ref text NOT NULL,
                detail text NOT NULL DEFAULT '', created_at timestamptz NOT NULL DEFAULT now())
            """,
        ]),
        Migration(version: 2, name: "tickets outlive an erased conversation", statements: [
            // An erased conversation's tickets stay, anonymised, for the reports (SQLite's v8).
            "ALTER TABLE ticket ALTER COLUMN conversation_id DROP NOT NULL",
            "ALTER TABLE ticket ADD COLUMN agency text",
            // Retention looks for conversations inactive since a date.
            "CREATE INDEX conversation_on_updated_at ON conversation (updated_at)",
        ]),
        Migration(version: 3, name: "console sessions", statements: [
            // The console's sign-in sessions, by the SHA-256 of their id: accepted on every daemon.
            "CREATE TABLE console_session (hash bytea PRIMARY KEY, handler text NOT NULL, expires_at timestamptz NOT NULL)",
        ]),
        Migration(version: 4, name: "phrasings learned from use", statements: [
            // One row per conversation, entry and question key it confirmed (SQLite's v10);
            // erased with its conversation.
            """
            CREATE TABLE learned_confirmation (
                conversation_id text NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
                entry text NOT NULL, key text NOT NULL, question text NOT NULL, date timestamptz NOT NULL,
                PRIMARY KEY (conversation_id, entry, key))
            """,
            "CREATE INDEX learned_confirmation_on_entry_key ON learned_confirmation (entry, key)",
            // A reviewer's removal is kept (removed_by) so that it is never learned again.
            """
            CREATE TABLE learned_phrasing (
                id bigserial PRIMARY KEY, entry text NOT NULL, key text NOT NULL, question text NOT NULL,
                conversations integer NOT NULL, learned_at timestamptz NOT NULL, removed_by text, removed_at timestamptz,
                UNIQUE (entry, key))
            """,
        ]),
    ]
}
