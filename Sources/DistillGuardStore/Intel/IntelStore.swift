import DistillGuardCore
import GRDB

/// Threat-intelligence objects in SQLite: partner indicators to match, and the objects we publish
/// over TAXII. Every import is one transaction: a bundle is stored whole or not at all.
public final class IntelStore: Sendable {
    /// Where an object came from.
    public enum Source: String, Sendable {
        /// A partner's bundle, imported to match traffic against.
        case imported
        /// Our own export, served to partners over TAXII.
        case published
    }

    public struct ImportSummary: Sendable, Equatable {
        public var objects: Int
        public var newObjects: Int
        public var indicators: Int
        public var unmatchable: Int
    }

    /// A stored STIX object with the time it was added (TAXII `date_added`).
    public struct StoredObject: Sendable {
        public var id: String
        public var json: String
        public var addedAt: Timestamp
    }

    private let writer: any DatabaseWriter

    public init(path: String) throws {
        writer = try SQLiteDatabase.open(path: path, migrator: Self.migrator)
    }

    /// An in-memory store, for tests.
    public init() throws {
        writer = try SQLiteDatabase.open(path: nil, migrator: Self.migrator)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-intel") { db in
            try db.create(table: "stix_object") { t in
                t.column("id", .text).notNull()
                t.column("modified", .text).notNull()
                t.column("type", .text).notNull()
                t.column("source", .text).notNull()
                t.column("json", .text).notNull()
                t.column("added_ms", .integer).notNull()
                t.column("sequence", .integer).notNull()
                t.primaryKey(["id", "modified", "source"])
            }
            try db.create(index: "stix_object_added", on: "stix_object", columns: ["source", "added_ms", "sequence"])
            try db.create(table: "intel_indicator") { t in
                t.column("object_id", .text).notNull()
                t.column("producer", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("value", .text).notNull()
                t.column("valid_from_ms", .integer).notNull()
                t.column("valid_until_ms", .integer)
                t.column("confidence", .integer)
                t.primaryKey(["object_id", "kind", "value"])
            }
        }
        return migrator
    }

    /// Stores a bundle read by `STIXImporter`: its objects, and for partner bundles the indicators to match.
    public func store(_ bundle: STIXImporter.Result, source: Source, at time: Timestamp) async throws -> ImportSummary {
        try await writer.write { db in
            var sequence = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) FROM stix_object") ?? 0
            var newObjects = 0
            for object in bundle.objects {
                sequence += 1
                try db.execute(
                    sql:
                        "INSERT OR IGNORE INTO stix_object (id, modified, type, source, json, added_ms, sequence) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        object["id"]?.stringValue, object["modified"]?.stringValue ?? "", object["type"]?.stringValue, source.rawValue,
                        object.description, time.milliseconds, sequence,
                    ])
                newObjects += db.changesCount
            }
            if source == .imported {
                for i in bundle.indicators {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO intel_indicator (object_id, producer, kind, value, valid_from_ms, valid_until_ms, confidence)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            i.objectID, i.producer, i.kind.rawValue, i.value, i.validFrom.milliseconds, i.validUntil?.milliseconds,
                            i.confidence,
                        ])
                }
            }
            return ImportSummary(
                objects: bundle.objects.count, newObjects: newObjects, indicators: source == .imported ? bundle.indicators.count : 0,
                unmatchable: bundle.unmatchable)
        }
    }

    /// Every partner indicator, for matching.
    public func indicators() async throws -> [IntelIndicator] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM intel_indicator ORDER BY object_id, kind, value").compactMap { row in
                guard let kind = IntelIndicator.Kind(rawValue: row["kind"]) else { return nil }
                let until: Int64? = row["valid_until_ms"]
                return IntelIndicator(
                    objectID: row["object_id"], producer: row["producer"], kind: kind, value: row["value"],
                    validFrom: Timestamp(milliseconds: row["valid_from_ms"]), validUntil: until.map(Timestamp.init(milliseconds:)),
                    confidence: row["confidence"])
            }
        }
    }

    /// Published objects added after `addedAfter`, oldest first, at most `limit`, continuing after
    /// sequence number `after` (TAXII pagination).
    public func published(
        addedAfter: Timestamp?, afterSequence: Int?, limit: Int
    ) async throws -> (objects: [StoredObject], last: Int?, more: Bool) {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, json, added_ms, sequence FROM stix_object
                    WHERE source = 'published' AND added_ms > ? AND sequence > ?
                    ORDER BY added_ms, sequence LIMIT ?
                    """,
                arguments: [addedAfter?.milliseconds ?? Int64.min, afterSequence ?? 0, limit + 1])
            let page = rows.prefix(limit)
            let objects = page.map { StoredObject(id: $0["id"], json: $0["json"], addedAt: Timestamp(milliseconds: $0["added_ms"])) }
            return (objects, page.last.map { $0["sequence"] }, rows.count > limit)
        }
    }
}
