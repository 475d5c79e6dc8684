import DistillGuardCore
import Foundation

/// Small helpers for server-rendered pages: escaping, and the page frame every console page shares.
enum HTML {
    /// Text made safe for element content and quoted attribute values.
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A path segment, percent-encoded (account ids may hold any character).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func number(_ value: Double, digits: Int = 2) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func count(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0, character != "-" { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    /// The verdict as a badge.
    static func badge(_ text: String) -> String {
        "<span class=\"badge badge-\(escape(text))\">\(escape(text))</span>"
    }

    /// A whole page: header with navigation and the analyst, then `body`.
    static func page(title: String, analyst: String?, body: String) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        html += "<title>\(escape(title)) · DistillGuard</title>"
        html += "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/console/assets/favicon.svg\">"
        html += "<link rel=\"stylesheet\" href=\"/console/assets/console.css\">"
        html += "<script src=\"/console/assets/console.js\" defer></script></head><body>"
        html += "<header><a class=\"brand\" href=\"/console\">DistillGuard</a>"
        if let analyst {
            html += "<nav><a href=\"/console\">Overview</a></nav>"
            html += "<form class=\"logout\" method=\"post\" action=\"/console/logout\"><span>\(escape(analyst))</span>"
            html += "<button type=\"submit\">Log out</button></form>"
        }
        html += "</header><main>\(body)</main></body></html>\n"
        return html
    }

    /// A table from a header row and rows of already-escaped cells.
    static func table(_ headers: [String], _ rows: [[String]], id: String? = nil, emptyText: String = "None.") -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(escape(emptyText))</p>" }
        var html = "<table" + (id.map { " id=\"\(escape($0))\"" } ?? "") + "><thead><tr>"
        for header in headers { html += "<th>\(escape(header))</th>" }
        html += "</tr></thead><tbody>"
        for row in rows { html += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        return html + "</tbody></table>"
    }

    /// `a=1&b=two+words` into a dictionary (the last value of a repeated name wins).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
