/// Why an event line was rejected: what was wrong and in which field.
///
/// Rejected lines are never analysed and never dropped silently: the reader counts them, reports
/// them with their line number and this reason, and copies them unchanged to the reject file.
public struct EventRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidJSON = "invalid_json"
        case notAnObject = "not_an_object"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidValue = "invalid_value"
        case truncated = "truncated"
    }

    public var code: Code
    /// Dotted path of the field at fault, e.g. `request.messages[2].content`; empty for the whole line.
    public var field: String
    public var message: String

    public init(code: Code, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? message : "field `\(field)`: \(message)"
    }

    static func missing(_ field: String) -> EventRejection {
        EventRejection(code: .missingField, field: field, message: "required field is missing")
    }

    static func wrongType(_ field: String, expected: String, got value: JSONValue) -> EventRejection {
        EventRejection(code: .wrongType, field: field, message: "expected \(expected), got \(value.typeName)")
    }

    static func invalid(_ field: String, _ message: String) -> EventRejection {
        EventRejection(code: .invalidValue, field: field, message: message)
    }
}
