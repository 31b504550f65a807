/// A column of a ``CellBuffer/drawTable(_:columns:rows:selected:scroll:focused:)`` table.
public struct TableColumn: Sendable {
    public var title: String
    /// Fixed width in cells; 0 makes the column take the room left over.
    public var width: Int
    public var alignRight: Bool
    /// Columns with a higher priority number are dropped first when the table is too narrow.
    public var dropPriority: Int
    /// The least a flexible column may get before droppable columns go.
    public var minWidth: Int

    public init(_ title: String, width: Int = 0, alignRight: Bool = false, dropPriority: Int = 0, minWidth: Int = 8) {
        self.title = title
        self.width = width
        self.minWidth = minWidth
        self.alignRight = alignRight
        self.dropPriority = dropPriority
    }
}

/// One table row: its cells' text and a style for the whole row.
public struct TableRow: Sendable {
    public var cells: [String]
    public var style: Style
    public init(_ cells: [String], style: Style = .normal) {
        self.cells = cells
        self.style = style
    }
}

extension CellBuffer {
    /// Draws a header and the rows that fit, keeping `selected` in view; returns the scroll
    /// offset used (the first visible row).
    @discardableResult
    /// The rows `drawTable` shows in a table `height` rows high (its header included), so a caller
    /// with many rows builds only those: pass them with `selected` counted from the window's start.
    public static func tableWindow(rowCount: Int, height: Int, selected: Int?, scroll: Int) -> Range<Int> {
        let visibleRows = max(0, height - 1)
        var first = max(0, min(scroll, rowCount - visibleRows))
        if let selected {
            if selected < first { first = selected }
            if selected >= first + visibleRows { first = selected - visibleRows + 1 }
        }
        first = max(0, first)
        return first..<min(rowCount, first + visibleRows)
    }

    public mutating func drawTable(
        _ rect: Rect, columns: [TableColumn], rows: [TableRow], selected: Int?, scroll: Int, focused: Bool
    ) -> Int {
        guard rect.height >= 1, rect.width >= 1 else { return 0 }
        let shown = Self.fitColumns(columns, width: rect.width)
        let widths = shown.map { $0.1 }
        var x = rect.x
        for (index, (column, width)) in zip(shown.indices, shown) {
            let text = DisplayWidth.pad(column.title, toWidth: width, alignRight: column.alignRight)
            put(text, x: x, y: rect.y, style: Style(.header, [.bold]), maxX: rect.maxX)
            x += width + (index < shown.count - 1 ? 1 : 0)
        }
        let visibleRows = rect.height - 1
        guard visibleRows > 0 else { return 0 }
        let first = Self.tableWindow(rowCount: rows.count, height: rect.height, selected: selected, scroll: scroll).lowerBound
        for line in 0..<visibleRows {
            let rowIndex = first + line
            guard rowIndex < rows.count else { break }
            let row = rows[rowIndex]
            let y = rect.y + 1 + line
            let isSelected = rowIndex == selected
            let style = isSelected ? Style(focused ? .selection : .selectionUnfocused, focused ? [.bold] : []) : row.style
            if isSelected { fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style) }
            var cx = rect.x
            for (index, (column, width)) in zip(shown.indices, shown) {
                let original = columns.firstIndex { $0.title == column.title } ?? index
                let text = original < row.cells.count ? row.cells[original] : ""
                put(DisplayWidth.pad(text, toWidth: width, alignRight: column.alignRight), x: cx, y: y, style: style,
                    maxX: rect.maxX)
                cx += width + (index < shown.count - 1 ? 1 : 0)
            }
        }
        return first
    }

    /// Chooses the columns that fit and their widths: fixed columns keep their width, the flexible
    /// one takes the rest; the highest-priority droppable columns go first when room is short.
    static func fitColumns(_ columns: [TableColumn], width: Int) -> [(TableColumn, Int)] {
        var kept = columns
        func needed(_ list: [TableColumn]) -> Int {
            list.reduce(0) { $0 + ($1.width == 0 ? $1.minWidth : $1.width) } + max(0, list.count - 1)
        }
        while needed(kept) > width, let drop = kept.filter({ $0.dropPriority > 0 }).max(by: { $0.dropPriority < $1.dropPriority }) {
            kept.removeAll { $0.title == drop.title }
        }
        let fixed = kept.reduce(0) { $0 + $1.width } + max(0, kept.count - 1)
        let flexibleCount = kept.filter { $0.width == 0 }.count
        let flexibleWidth = flexibleCount > 0 ? max(1, (width - fixed) / flexibleCount) : 0
        return kept.map { ($0, $0.width == 0 ? flexibleWidth : $0.width) }
    }
}
