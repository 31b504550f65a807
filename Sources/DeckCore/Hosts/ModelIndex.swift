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
public struct ModelIndex: Sendable {
    /// Every host's models, in the current order.
    private(set) var sorted: [ModelRow] = []
    /// The lower-cased UTF-8 of each sorted row's name and family, for the filter.
    private var nameKeys: [[UInt8]] = []
    private var familyKeys: [[UInt8]] = []
    /// The rows the filter lets through, in order (positions in ``sorted``: a keystroke that lets
    /// 40,000 rows through copies 40,000 numbers, not 40,000 rows).
    public private(set) var visible = ModelRows(rows: [], positions: [])
    /// Every host's models: how many, and the disk they take.
    public private(set) var totalCount = 0
    public private(set) var totalSize: Int64 = 0

    public init() {}

    /// Sorts every host's models (after a list changed, or the order did), then filters.
    mutating func rebuild(hosts: [HostState], sort: ModelSort, descending: Bool, filter: String) {
        var rows: [ModelRow] = []
        var size: Int64 = 0
        for (order, host) in hosts.enumerated() {
            for model in host.models {
                rows.append(ModelRow(host: host.name, hostOrder: order, model: model))
                size = Format.saturatingAdd(size, model.size)
            }
        }
        totalCount = rows.count
        totalSize = size
        switch sort {
        case .name: rows.sort { ($0.model.name, $0.hostOrder) < ($1.model.name, $1.hostOrder) }
        case .size: rows.sort { ($0.model.size, $0.model.name, $0.hostOrder) < ($1.model.size, $1.model.name, $1.hostOrder) }
        case .modified:
            rows.sort { ($0.model.modifiedAt, $0.model.name, $0.hostOrder) < ($1.model.modifiedAt, $1.model.name, $1.hostOrder) }
        case .host: rows.sort { ($0.hostOrder, $0.model.name) < ($1.hostOrder, $1.model.name) }
        }
        if descending { rows.reverse() }
        sorted = rows
        nameKeys = rows.map { Array($0.model.name.lowercased().utf8) }
        familyKeys = rows.map { Array($0.model.details.family.lowercased().utf8) }
        refilter(filter)
    }

    /// Filters the sorted rows (a keystroke in the filter).
    mutating func refilter(_ text: String) {
        let query = ModelFilter(text)
        let needle = Array(query.needle.utf8)
        if needle.isEmpty && query.hostPrefixes.isEmpty {
            visible = ModelRows(rows: sorted, positions: Array(sorted.indices))
            return
        }
        var admitted: [Int: Bool] = [:]
        var kept: [Int] = []
        for index in sorted.indices {
            if !query.hostPrefixes.isEmpty {
                let order = sorted[index].hostOrder
                let ok = admitted[order] ?? query.admits(host: sorted[index].host)
                admitted[order] = ok
                if !ok { continue }
            }
            if needle.isEmpty || Self.contains(nameKeys[index], needle) || Self.contains(familyKeys[index], needle) {
                kept.append(index)
            }
        }
        visible = ModelRows(rows: sorted, positions: kept)
    }

    /// Whether `needle` occurs in `haystack` (bytes; both already lower-cased).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        let count = needle.count
        guard count <= haystack.count else { return false }
        let first = needle[0]
        var start = 0
        let last = haystack.count - count
        while start <= last {
            if haystack[start] == first {
                var offset = 1
                while offset < count, haystack[start + offset] == needle[offset] { offset += 1 }
                if offset == count { return true }
            }
            start += 1
        }
        return false
    }
}

/// The Models pane's visible rows: a window onto the sorted rows.
public struct ModelRows: RandomAccessCollection, Sendable {
    let rows: [ModelRow]
    let positions: [Int]

    public var startIndex: Int { 0 }
    public var endIndex: Int { positions.count }
    public subscript(position: Int) -> ModelRow { rows[positions[position]] }

    /// Where the row for `ref` is, without copying the rows on the way.
    public func firstIndex(of ref: ModelRef) -> Int? {
        positions.firstIndex { rows[$0].model.name == ref.name && rows[$0].host == ref.host }
    }
}
