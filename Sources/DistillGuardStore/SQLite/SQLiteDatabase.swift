import GRDB

/// Opens the project's SQLite databases the same way: WAL (`DatabasePool`) for a file, a queue for
/// memory, then the store's named migrations.
enum SQLiteDatabase {
    /// - Parameter path: the database file, or nil for a private in-memory database.
    static func open(path: String?, migrator: DatabaseMigrator) throws -> any DatabaseWriter {
        let writer: any DatabaseWriter
        if let path {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue()
        }
        try migrator.migrate(writer)
        return writer
    }
}
