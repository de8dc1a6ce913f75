/// A field of questions and the unit that owns it (`corpus/topics.jsonl`).
package struct Topic: Sendable, Codable, Hashable {
    /// Code, e.g. `an-toan`.
    package var id: String
    /// Vietnamese name.
    package var name: String
    /// Code of the owning unit.
    package var unit: String

    /// Creates a topic.
    package init(id: String, name: String, unit: String) {
        self.id = id
        self.name = name
        self.unit = unit
    }
}

/// A unit that answers questions (`corpus/units.jsonl`).
package struct AnsweringUnit: Sendable, Codable, Hashable {
    /// Code, e.g. `ATTT`.
    package var id: String
    /// Vietnamese name.
    package var name: String
    /// What it answers.
    package var answers: String
}

/// A policy, legal or technical document of the catalogue (`corpus/docs.jsonl`).
package struct CatalogueDocument: Sendable, Codable, Hashable {
    /// Id derived from the number, e.g. `47-2020-nd-cp`.
    package var id: String
    /// The number as written, e.g. `47/2020/NĐ-CP`.
    package var number: String
    /// Kind: luật, nghị định, quyết định, thông tư, …
    package var kind: String
    /// Title.
    package var title: String
    /// Issuing body.
    package var issuer: String
    /// Date of issue (`YYYY-MM-DD`), when known.
    package var date: String?
    /// Topic codes.
    package var topics: [String]?
    /// Summary.
    package var summary: String

    /// Creates a document.
    package init(id: String, number: String, kind: String, title: String, issuer: String, date: String? = nil,
                 topics: [String]? = nil, summary: String)
    {
        self.id = id
        self.number = number
        self.kind = kind
        self.title = title
        self.issuer = issuer
        self.date = date
        self.topics = topics
        self.summary = summary
    }
}


/// A province or centrally-run city of the 2025 reorganisation (`corpus/provinces.jsonl`):
/// the 34 that Nghị quyết 202/2025/QH15 set from 1 July 2025.
package struct Province: Sendable, Codable, Hashable {
    /// Code, e.g. `nghe-an`.
    package var id: String
    /// Vietnamese name, e.g. `Nghệ An`, `Thành phố Hồ Chí Minh`.
    package var name: String
    /// `tỉnh` or `thành phố`.
    package var kind: String
    /// Other ways agencies write it (`Thanh Hoá`, `TP.HCM`, `Daklak`).
    package var aliases: [String]
    /// The provinces merged into it, still written in agencies' names (`Bình Dương`).
    package var merged: [String]

    /// Creates a province.
    package init(id: String, name: String, kind: String, aliases: [String] = [], merged: [String] = []) {
        self.id = id
        self.name = name
        self.kind = kind
        self.aliases = aliases
        self.merged = merged
    }
}
