import Dialogue
import Foundation
import Retrieval

/// The document catalogue on the line protocol: `docs` requests and `/docs`, and the documents
/// an answer cites shown with their number and title (docs/PROTOCOL.md).
extension ChatSession {
    /// `{"type":"docs","query","kind"?,"topic"?,"year"?,"issuer"?,"limit"?}`.
    func handleDocsJSON(_ fields: RequestFields, re: JSONValue?) throws(ProtocolError) -> SessionOutput {
        guard let catalogue = service.catalogue else { return error(.notAvailable, re: re) }
        let short = RequestFields.shortLimit
        let filter = DocumentCatalogue.Filter(
            kind: try fields.string("kind", maximumLength: short), issuer: try fields.string("issuer", maximumLength: short),
            topic: try fields.string("topic", maximumLength: short), year: try fields.int("year", in: 1900...2100))
        let limit = try fields.int("limit", in: 1...50) ?? 10
        let results = catalogue.search(try fields.string("query", maximumLength: 1000) ?? "", filter: filter, limit: limit)
        return respond(["type": "docs", "results": .array(results.map { .object(CatalogueWire.document($0)) })], re: re)
    }

    /// `/docs words or a number`.
    func handleDocsText(_ query: String) -> SessionOutput {
        guard let catalogue = service.catalogue else { return error(.notAvailable, re: nil) }
        let results = catalogue.search(query)
        guard !results.isEmpty else { return text(["Không tìm thấy văn bản nào cho \"\(query)\"."]) }
        return text(results.map(CatalogueWire.line))
    }

    /// The documents an answer cites, for its JSON.
    func citedDocuments(_ refs: [String]) -> JSONValue? {
        guard let catalogue = service.catalogue else { return nil }
        let found = refs.compactMap(catalogue.document)
        guard !found.isEmpty else { return nil }
        return .array(found.map { ["id": .string($0.id), "number": .string($0.number), "kind": .string($0.kind),
                                   "title": .string($0.title)] })
    }

    /// The documents an answer cites, as lines for text mode.
    func citedLines(_ refs: [String]) -> [String]? {
        guard let catalogue = service.catalogue else { return nil }
        let found = refs.compactMap(catalogue.document)
        guard !found.isEmpty else { return nil }
        return ["Văn bản liên quan:"] + found.map { "  • " + CatalogueWire.line($0) }
    }
}

/// Catalogue documents on the wire.
enum CatalogueWire {
    static func document(_ document: CatalogueDocument) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(document.id), "number": .string(document.number), "kind": .string(document.kind),
            "title": .string(document.title), "issuer": .string(document.issuer), "summary": .string(document.summary),
        ]
        if let date = document.date { object["date"] = .string(date) }
        if let topics = document.topics { object["topics"] = .array(topics.map(JSONValue.string)) }
        return object
    }

    /// "Nghị định 47/2020/NĐ-CP (Chính phủ, 2020-04-09): title".
    static func line(_ document: CatalogueDocument) -> String {
        let kind = document.kind.prefix(1).uppercased() + document.kind.dropFirst()
        let issued = [document.issuer, document.date].compactMap { $0 }.joined(separator: ", ")
        return "\(kind) \(document.number) (\(issued)): \(document.title)"
    }
}
