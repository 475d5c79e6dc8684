import Foundation
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

/// The identity (device and inode) of a database file. SQLite goes on writing to a file that was
/// removed or replaced while open, and everything written since would be gone at the next start:
/// comparing the identity at the path with the one opened notices it.
struct DatabaseFileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    /// The identity of the file at `path`, or nil when there is none.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// The database file was removed or replaced while the store had it open.
public struct DatabaseFileReplaced: Error, CustomStringConvertible {
    public let path: String

    public var description: String {
        "the database file \(path) was removed or replaced while open; nothing written since is in it "
            + "(restore the file, or restart to start a new one)"
    }
}
