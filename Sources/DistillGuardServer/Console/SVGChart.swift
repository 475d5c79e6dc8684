import Foundation

/// Charts drawn as inline SVG on the server: no script and no front-end toolchain needed.
enum SVGChart {
    static let width = 720.0

    /// Bars over time (one per point), with the first and last labels under the axis.
    static func bars(_ points: [(label: String, value: Double)], title: String, height: Double = 160, cssClass: String = "bar") -> String {
        guard !points.isEmpty else { return "<p class=\"empty\">No data yet.</p>" }
        let top = max(points.map(\.value).max() ?? 1, 1)
        let plotHeight = height - 30
        let step = (width - 50) / Double(points.count)
        var svg = open(title: title, height: height)
        svg += axis(top: top, plotHeight: plotHeight)
        for (index, point) in points.enumerated() {
            let h = point.value / top * plotHeight
            let x = 45 + Double(index) * step
            svg +=
                "<rect class=\"\(cssClass)\" x=\"\(f(x))\" y=\"\(f(plotHeight - h + 5))\" width=\"\(f(max(step - 1, 1)))\" height=\"\(f(h))\">"
            svg += "<title>\(HTML.escape(point.label)): \(HTML.number(point.value, digits: 0))</title></rect>"
        }
        svg += footer(first: points.first!.label, last: points.last!.label, height: height)
        return svg + "</svg>"
    }

    /// Lines over time sharing one scale.
    static func lines(
        _ series: [(name: String, cssClass: String, values: [Double])], labels: [String], title: String, height: Double = 160
    )
        -> String
    {
        guard labels.count > 0 else { return "<p class=\"empty\">No data yet.</p>" }
        let top = max(series.flatMap(\.values).max() ?? 1, 1)
        let plotHeight = height - 30
        // The plot leaves the right-hand 160 points to the legend.
        let step = labels.count > 1 ? (width - 210) / Double(labels.count - 1) : 0
        var svg = open(title: title, height: height)
        svg += axis(top: top, plotHeight: plotHeight)
        for (number, line) in series.enumerated() {
            let points = line.values.enumerated().map { index, value in
                "\(f(50 + Double(index) * step)),\(f(plotHeight + 5 - value / top * plotHeight))"
            }
            svg +=
                "<polyline class=\"line \(line.cssClass)\" fill=\"none\" points=\"\(points.joined(separator: " "))\"><title>\(HTML.escape(line.name))</title></polyline>"
            svg +=
                "<text class=\"legend \(line.cssClass)\" x=\"\(f(width - 150))\" y=\"\(f(16 + Double(number) * 14))\">\(HTML.escape(line.name))</text>"
        }
        svg += footer(first: labels.first!, last: labels.last!, height: height, lastX: width - 160)
        return svg + "</svg>"
    }

    /// Horizontal bars for shares or contributions, largest first as given.
    static func horizontal(_ items: [(label: String, value: Double)], title: String, format: (Double) -> String) -> String {
        guard !items.isEmpty else { return "<p class=\"empty\">No data.</p>" }
        let top = max(items.map { abs($0.value) }.max() ?? 1, 1e-9)
        let rowHeight = 22.0
        let height = Double(items.count) * rowHeight + 10
        var svg = open(title: title, height: height)
        for (index, item) in items.enumerated() {
            let y = 5 + Double(index) * rowHeight
            let w = abs(item.value) / top * (width - 330)
            svg += "<text class=\"label\" x=\"0\" y=\"\(f(y + 15))\">\(HTML.escape(item.label))</text>"
            svg +=
                "<rect class=\"hbar\(item.value < 0 ? " negative" : "")\" x=\"230\" y=\"\(f(y + 3))\" width=\"\(f(max(w, 1)))\" height=\"\(f(rowHeight - 8))\"></rect>"
            svg += "<text class=\"value\" x=\"\(f(236 + w))\" y=\"\(f(y + 15))\">\(HTML.escape(format(item.value)))</text>"
        }
        return svg + "</svg>"
    }

    /// Accounts on a circle, joined where they share something (payment, e-mail domain, network, client).
    static func linkGraph(nodes: [(id: String, verdict: String)], edges: [(a: Int, b: Int, kind: String)], title: String) -> String {
        guard !nodes.isEmpty else { return "<p class=\"empty\">No accounts.</p>" }
        let size = 420.0
        let center = size / 2
        let radius = size / 2 - 40
        func position(_ index: Int) -> (Double, Double) {
            let angle = 2 * Double.pi * Double(index) / Double(nodes.count) - Double.pi / 2
            return (center + radius * cos(angle), center + radius * sin(angle))
        }
        var svg =
            "<svg class=\"chart graph\" role=\"img\" viewBox=\"0 0 \(f(size + 200)) \(f(size))\" width=\"\(f(size + 200))\" height=\"\(f(size))\">"
        svg += "<title>\(HTML.escape(title))</title>"
        for edge in edges {
            let (x1, y1) = position(edge.a)
            let (x2, y2) = position(edge.b)
            svg += "<line class=\"edge edge-\(edge.kind)\" x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\"></line>"
        }
        for (index, node) in nodes.enumerated() {
            let (x, y) = position(index)
            svg +=
                "<a href=\"/console/accounts/\(HTML.segment(node.id))\"><circle class=\"node node-\(HTML.escape(node.verdict))\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"7\">"
            svg += "<title>\(HTML.escape(node.id)) (\(HTML.escape(node.verdict)))</title></circle></a>"
        }
        let kinds = Array(Set(edges.map(\.kind))).sorted()
        for (number, kind) in kinds.enumerated() {
            let y = 20 + Double(number) * 18
            svg +=
                "<line class=\"edge edge-\(kind)\" x1=\"\(f(size + 10))\" y1=\"\(f(y - 4))\" x2=\"\(f(size + 40))\" y2=\"\(f(y - 4))\"></line>"
            svg +=
                "<text class=\"legend\" x=\"\(f(size + 46))\" y=\"\(f(y))\">\(HTML.escape(kind.replacingOccurrences(of: "_", with: " ")))</text>"
        }
        return svg + "</svg>"
    }

    private static func open(title: String, height: Double) -> String {
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\"><title>\(HTML.escape(title))</title>"
    }

    private static func axis(top: Double, plotHeight: Double) -> String {
        var svg = "<line class=\"axis\" x1=\"44\" y1=\"5\" x2=\"44\" y2=\"\(f(plotHeight + 5))\"></line>"
        svg += "<line class=\"axis\" x1=\"44\" y1=\"\(f(plotHeight + 5))\" x2=\"\(f(width))\" y2=\"\(f(plotHeight + 5))\"></line>"
        svg += "<text class=\"tick\" x=\"40\" y=\"14\" text-anchor=\"end\">\(HTML.number(top, digits: 0))</text>"
        svg += "<text class=\"tick\" x=\"40\" y=\"\(f(plotHeight + 5))\" text-anchor=\"end\">0</text>"
        return svg
    }

    private static func footer(first: String, last: String, height: Double, lastX: Double = width) -> String {
        "<text class=\"tick\" x=\"45\" y=\"\(f(height - 5))\">\(HTML.escape(first))</text>"
            + "<text class=\"tick\" x=\"\(f(lastX))\" y=\"\(f(height - 5))\" text-anchor=\"end\">\(HTML.escape(last))</text>"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
