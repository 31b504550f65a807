import GRDB

/// Plain words for what went wrong with the chat database, for the notice the dashboard shows.
public enum StoreFailure {
    /// "the chat database is locked by another program", "the disk is full", … for SQLite's errors;
    /// the error's own description otherwise.
    public static func explain(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return String(describing: error) }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "the chat database is locked by another program (still busy after 2 s)"
        case .SQLITE_FULL:
            return "the disk is full (or the database reached its size limit)"
        case .SQLITE_READONLY:
            return "the chat database is read-only"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "the chat database is damaged or not a database"
        case .SQLITE_CANTOPEN:
            return "the chat database cannot be opened (check the folder exists and is writable)"
        case .SQLITE_IOERR:
            return "the disk reported an I/O error"
        case .SQLITE_PERM, .SQLITE_AUTH:
            return "no permission to use the chat database"
        default:
            return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")"
        }
    }
}
