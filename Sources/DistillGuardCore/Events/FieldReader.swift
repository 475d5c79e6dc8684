/// Reads typed fields out of a JSON object, turning every type mismatch into an `EventRejection`
/// that names the full path of the field.
///
/// Absent fields and JSON `null` both read as `nil`: the provider APIs send `null` for unset
/// optional fields (OpenAI's `"content": null`), and the contract treats absent optional fields as
/// lowering what can be concluded, never as errors.
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    func path(of key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let s) = value else { throw EventRejection.wrongType(path(of: key), expected: "string", got: value) }
        return s
    }

    func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw EventRejection.missing(path(of: key)) }
        return s
    }

    func int(_ key: String) throws -> Int? {
        guard let value = value(key) else { return nil }
        switch value {
        case .int, .double:
            guard let i = value.intValue else { throw EventRejection.wrongType(path(of: key), expected: "integer", got: value) }
            return i
        default:
            throw EventRejection.wrongType(path(of: key), expected: "integer", got: value)
        }
    }

    func double(_ key: String) throws -> Double? {
        guard let value = value(key) else { return nil }
        guard let d = value.doubleValue else { throw EventRejection.wrongType(path(of: key), expected: "number", got: value) }
        return d
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let b) = value else { throw EventRejection.wrongType(path(of: key), expected: "boolean", got: value) }
        return b
    }

    func object(_ key: String) throws -> FieldReader? {
        guard let value = value(key) else { return nil }
        guard case .object(let o) = value else { throw EventRejection.wrongType(path(of: key), expected: "object", got: value) }
        return FieldReader(o, path: path(of: key))
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let a) = value else { throw EventRejection.wrongType(path(of: key), expected: "array", got: value) }
        return a
    }

    /// An array whose every element must be an object; each comes back as a reader with its index in the path.
    func objects(_ key: String) throws -> [FieldReader]? {
        guard let elements = try array(key) else { return nil }
        var readers: [FieldReader] = []
        readers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let elementPath = "\(path(of: key))[\(index)]"
            guard case .object(let o) = element else { throw EventRejection.wrongType(elementPath, expected: "object", got: element) }
            readers.append(FieldReader(o, path: elementPath))
        }
        return readers
    }

    /// A field that the API allows as either a plain string or an array of content blocks.
    func stringOrBlocks(_ key: String) throws -> StringOrBlocks? {
        guard let value = value(key) else { return nil }
        switch value {
        case .string(let s): return .string(s)
        case .array: return .blocks(try objects(key) ?? [])
        default: throw EventRejection.wrongType(path(of: key), expected: "string or array of content blocks", got: value)
        }
    }

    /// A field of any JSON type, rendered as compact JSON text (tool inputs and arguments).
    func jsonText(_ key: String) -> String? {
        guard let value = value(key) else { return nil }
        if case .string(let s) = value { return s }
        return JSONWriter.string(value)
    }
}

enum StringOrBlocks {
    case string(String)
    case blocks([FieldReader])
}
