import OllamaKit

/// The Models pane's own state: how it is ordered and filtered, what is selected and marked, and the
/// rows that gives (kept by ``ModelIndex``: the order and the filter re-sort or re-filter it as they
/// change; a host's new list is folded in by ``hostsChanged(_:)``).
public struct ModelsPane: Sendable, Equatable {
    public var sort: ModelSort = .modified { didSet { index.reorder(sort: sort, descending: sortDescending, filter: filter.text) } }
    public var sortDescending = true { didSet { index.reorder(sort: sort, descending: sortDescending, filter: filter.text) } }
    /// The filter: each edit filters the rows again (the index keeps them sorted).
    public var filter = TextInput() { didSet { if filter.text != oldValue.text { index.refilter(filter.text) } } }
    public var isEditingFilter = false
    /// The selected row (a model on a host).
    public var selected: ModelRef?
    public var scroll = 0
    /// Models marked with Space for a bulk delete.
    public var marked: Set<ModelRef> = []
    /// Every host's rows, sorted and filtered.
    public private(set) var index = ModelIndex()

    public init() {}

    /// The rows shown: every host's models, filtered by the filter text (``ModelFilter``), in the
    /// sort order. Reading them costs nothing.
    public var visible: ModelRows { index.visible }

    /// Where the selected row is in ``visible``.
    public var selectedIndex: Int? {
        guard let selected else { return nil }
        return visible.firstIndex(of: selected)
    }

    /// A host's list changed: every row is sorted again.
    mutating func hostsChanged(_ hosts: [HostState]) {
        index.rebuild(hosts: hosts, sort: sort, descending: sortDescending, filter: filter.text)
    }

    /// Equal when what the user set is equal (the index follows from it and the hosts).
    public static func == (lhs: ModelsPane, rhs: ModelsPane) -> Bool {
        lhs.sort == rhs.sort && lhs.sortDescending == rhs.sortDescending && lhs.filter == rhs.filter
            && lhs.isEditingFilter == rhs.isEditingFilter && lhs.selected == rhs.selected && lhs.marked == rhs.marked
    }
}
