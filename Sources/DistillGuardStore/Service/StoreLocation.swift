import Foundation
import Logging
import PostgresNIO

/// Where the service keeps its data: an SQLite file (the default) or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// `postgres://…` or `postgresql://…` is PostgreSQL; anything else is an SQLite file path.
    public init(_ text: String) {
        self = text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") ? .postgres(url: text) : .sqlite(path: text)
    }

    /// The location without a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "SQLite \(path)"
        case .postgres(let url):
            guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return "PostgreSQL" }
            let credentials = url[scheme.upperBound..<at]
            let user = credentials.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            return "PostgreSQL \(url[..<scheme.upperBound])\(user)@\(url[url.index(after: at)...])"
        }
    }

    /// Opens the store (applying pending migrations), keeps it open for `body`, and closes it.
    /// For PostgreSQL the client runs for as long as `body` does.
    public func withStore<T: Sendable>(
        schema: String = "public", logger: Logger, _ body: @Sendable (any ServiceStore) async throws -> T
    )
        async throws -> T
    {
        switch self {
        case .sqlite(let path):
            let store: SQLiteEventStore
            do { store = try SQLiteEventStore(path: path) } catch {
                throw StoreError("cannot open the database file (does its folder exist, may this user write it?): \(error)")
            }
            return try await body(store)
        case .postgres(let url):
            return try await PostgresEventStore.withStore(url: url, schema: schema, logger: logger) { try await body($0) }
        }
    }
}
