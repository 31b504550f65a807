#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OllamaKit

/// The Models pane's rows across every host, kept in order and filtered as the hosts' lists, the
/// sort and the filter change — so a keystroke filters a list already sorted, and a frame reads the
/// rows instead of working them out again (40,000 rows of a fleet would take tens of milliseconds).
/// It lives in the state it serves; ``AppState`` keeps it current.
///
/// Compact on purpose: rows are (host, position) pairs into the hosts' own lists (which it shares,
/// not copies), and the filter's lower-cased text of every row is one byte buffer.
public struct ModelIndex: Sendable {
    /// Each host's list (the same storage as ``HostState/models``) and name, by host order.
    private var lists: [[InstalledModel]] = []
    private var hostNames: [String] = []
    /// Every row, in the current order.
    private var order: [ModelRows.Position] = []
    /// "name\0family", lower-cased, of each row in order, end to end; row i is at
    /// `keyStarts[i]..<keyStarts[i + 1]`.
    private var keys: [UInt8] = []
    private var keyStarts: [Int32] = [0]
    /// The rows the filter lets through, in order.
    public private(set) var visible = ModelRows()
    /// Every host's models: how many, and the disk they take.
    public private(set) var totalCount = 0
    public private(set) var totalSize: Int64 = 0

    public init() {}

    /// Takes every host's list (after one changed) and sorts and filters the rows again.
    mutating func rebuild(hosts: [HostState], sort: ModelSort, descending: Bool, filter: String) {
        lists = hosts.map(\.models)
        hostNames = hosts.map(\.name)
        reorder(sort: sort, descending: descending, filter: filter)
    }

    /// Sorts the rows (the order changed, or the lists did), then filters.
    mutating func reorder(sort: ModelSort, descending: Bool, filter: String) {
        var rows: [ModelRows.Position] = []
        var size: Int64 = 0
        for (host, list) in lists.enumerated() {
            for (index, model) in list.enumerated() {
                rows.append(ModelRows.Position(host: Int32(host), model: Int32(index)))
                size = Format.saturatingAdd(size, model.size)
            }
        }
        totalCount = rows.count
        totalSize = size
        let lists = self.lists
        func model(_ row: ModelRows.Position) -> InstalledModel { lists[Int(row.host)][Int(row.model)] }
        switch sort {
        case .name: rows.sort { (model($0).name, $0.host) < (model($1).name, $1.host) }
        case .size: rows.sort { (model($0).size, model($0).name, $0.host) < (model($1).size, model($1).name, $1.host) }
        case .modified:
            rows.sort { (model($0).modifiedAt, model($0).name, $0.host) < (model($1).modifiedAt, model($1).name, $1.host) }
        case .host: rows.sort { ($0.host, model($0).name) < ($1.host, model($1).name) }
        }
        if descending { rows.reverse() }
        order = rows
        keys = []
        keyStarts = [0]
        keyStarts.reserveCapacity(rows.count + 1)
        for row in rows {
            let entry = model(row)
            keys += entry.name.lowercased().utf8
            keys.append(0)
            keys += entry.details.family.lowercased().utf8
            keyStarts.append(Int32(keys.count))
        }
        refilter(filter)
    }

    /// Filters the sorted rows (a keystroke in the filter).
    mutating func refilter(_ text: String) {
        let query = ModelFilter(text)
        let needle = Array(query.needle.utf8)
        if needle.isEmpty && query.hostPrefixes.isEmpty {
            visible = ModelRows(lists: lists, hostNames: hostNames, order: order, positions: nil)
            return
        }
        let admitted = hostNames.map { query.admits(host: $0) }
        var kept: [Int32] = []
        keys.withUnsafeBufferPointer { keys in
            for index in order.indices {
                guard admitted[Int(order[index].host)] else { continue }
                let start = Int(keyStarts[index])
                let end = Int(keyStarts[index + 1])
                if needle.isEmpty || Self.contains(keys, start, end, needle) { kept.append(Int32(index)) }
            }
        }
        visible = ModelRows(lists: lists, hostNames: hostNames, order: order, positions: kept)
    }

    /// Whether `needle` occurs in `haystack[start..<end]` (bytes; both already lower-cased).
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ needle: [UInt8]) -> Bool {
        let count = needle.count
        guard count <= end - start else { return false }
        let first = needle[0]
        var position = start
        let last = end - count
        while position <= last {
            if haystack[position] == first {
                var offset = 1
                while offset < count, haystack[position + offset] == needle[offset] { offset += 1 }
                if offset == count { return true }
            }
            position += 1
        }
        return false
    }
}

/// The Models pane's visible rows: a window onto the sorted rows, each made when it is read (a
/// frame reads the few it draws).
public struct ModelRows: RandomAccessCollection, Sendable {
    /// A row: a host (by order) and a model in its list.
    struct Position: Sendable {
        var host: Int32
        var model: Int32
    }

    private var lists: [[InstalledModel]] = []
    private var hostNames: [String] = []
    private var order: [Position] = []
    /// Places in `order` that pass the filter; nil: every row.
    private var positions: [Int32]?

    init() {}

    init(lists: [[InstalledModel]], hostNames: [String], order: [Position], positions: [Int32]?) {
        self.lists = lists
        self.hostNames = hostNames
        self.order = order
        self.positions = positions
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { positions?.count ?? order.count }

    private func place(_ index: Int) -> Position { order[positions.map { Int($0[index]) } ?? index] }

    public subscript(index: Int) -> ModelRow {
        let row = place(index)
        return ModelRow(host: hostNames[Int(row.host)], hostOrder: Int(row.host), model: lists[Int(row.host)][Int(row.model)])
    }

    /// Where the row for `ref` is, without making the rows on the way.
    public func firstIndex(of ref: ModelRef) -> Int? {
        guard let host = hostNames.firstIndex(of: ref.host) else { return nil }
        let wanted = Int32(host)
        let list = lists[host]
        for index in indices {
            let row = place(index)
            if row.host == wanted, list[Int(row.model)].name == ref.name { return index }
        }
        return nil
    }
}
