/// An IP address as a 128-bit number: IPv6 as is, IPv4 as its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`).
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt128
    public var isIPv4: Bool

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    static let ipv4Mapped: UInt128 = 0xFFFF << 32

    /// An address from its 128-bit value (IPv4-mapped values are IPv4).
    public init(value: UInt128) {
        self.value = value
        isIPv4 = value >> 32 == 0xFFFF
    }

    /// Parses dotted IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail).
    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let value = Self.parseIPv6(String(text)) else { return nil }
            self.value = value
            isIPv4 = false
        } else {
            guard let v4 = Self.parseIPv4(text) else { return nil }
            value = Self.ipv4Mapped | UInt128(v4)
            isIPv4 = true
        }
        if value >> 32 == 0xFFFF { isIPv4 = true }
    }

    /// Dotted IPv4, or IPv6 in the RFC 5952 form (`2001:db8::1`: lower-case groups without leading
    /// zeros, the longest run of two or more zero groups written `::`).
    public var description: String {
        guard !isIPv4 else {
            let v4 = UInt32(truncatingIfNeeded: value)
            return "\(v4 >> 24).\((v4 >> 16) & 255).\((v4 >> 8) & 255).\(v4 & 255)"
        }
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * $0)) }
        var zeros = (start: 0, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > zeros.length { zeros = (index, end - index) }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard zeros.length >= 2 else { return hex.joined(separator: ":") }
        return hex[..<zeros.start].joined(separator: ":") + "::" + hex[(zeros.start + zeros.length)...].joined(separator: ":")
    }

    static func parseIPv4(_ text: some StringProtocol) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt32(part), octet <= 255 else { return nil }
            result = result << 8 | octet
        }
        return result
    }

    static func parseIPv6(_ text: String) -> UInt128? {
        var text = text
        // An embedded IPv4 tail (`::ffff:192.0.2.1`) becomes two hexadecimal groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(text[text.index(after: lastColon)...]) else { return nil }
            text = String(text[...lastColon]) + String(v4 >> 16, radix: 16) + ":" + String(v4 & 0xFFFF, radix: 16)
        }
        func groups(_ part: Substring) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        var all: [UInt16]
        if let gap = text.firstRange(of: "::") {
            guard text[gap.upperBound...].firstRange(of: "::") == nil, let head = groups(text[..<gap.lowerBound]),
                let tail = groups(text[gap.upperBound...]), head.count + tail.count < 8
            else { return nil }
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let parsed = groups(text[...]), parsed.count == 8 else { return nil }
            all = parsed
        }
        var value: UInt128 = 0
        for group in all { value = value << 16 | UInt128(group) }
        return value
    }
}

/// A block of addresses (`203.0.113.0/24`, `2001:db8::/32`).
public struct CIDRBlock: Sendable, Hashable {
    public var network: UInt128
    /// Prefix length over the 128-bit form (an IPv4 /24 is /120).
    public var length: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...maximum).contains(given) else { return nil }
            length = given
        }
        self.length = length + (address.isIPv4 ? 96 : 0)
        network = address.value & Self.mask(self.length)
    }

    static func mask(_ length: Int) -> UInt128 { length == 0 ? 0 : ~UInt128(0) << (128 - length) }

    public func contains(_ address: IPAddress) -> Bool { address.value & Self.mask(length) == network }
}

/// Where client addresses are: country, ASN and its organisation by CIDR block, from a CSV file
/// the operator supplies (`client_networks` in the gateway configuration; no GeoIP data is bundled).
///
/// Lines are `CIDR,country,asn,asn_org`; empty lines and lines starting with `#` are skipped, and
/// a first line starting with `cidr` is a header. Lookups take the longest matching prefix.
public struct NetworkDirectory: Sendable {
    public struct Entry: Sendable, Equatable {
        public var country: String?
        public var asn: Int?
        public var asnOrg: String?

        public init(country: String?, asn: Int?, asnOrg: String?) {
            self.country = country
            self.asn = asn
            self.asnOrg = asnOrg
        }
    }

    private var blocks: [Int: [UInt128: Entry]] = [:]
    private var lengths: [Int] = []
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ block: CIDRBlock, _ entry: Entry) {
        if blocks[block.length] == nil {
            lengths.append(block.length)
            lengths.sort(by: >)
        }
        if blocks[block.length, default: [:]].updateValue(entry, forKey: block.network) == nil { count += 1 }
    }

    public func lookup(_ address: IPAddress) -> Entry? {
        for length in lengths {
            if let entry = blocks[length]?[address.value & CIDRBlock.mask(length)] { return entry }
        }
        return nil
    }

    /// Parses the CSV text; errors name the file and line.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> NetworkDirectory {
        var directory = NetworkDirectory()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || (index == 0 && trimmed.lowercased().hasPrefix("cidr")) { continue }
            let fields = trimmed.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false).map {
                String($0).trimmingCharacters(in: " \"")
            }
            func fail(_ message: String) -> ConfigurationError {
                ConfigurationError(file: file, field: "", message: "line \(index + 1): \(message)")
            }
            guard let block = CIDRBlock(fields[0]) else { throw fail("'\(fields[0])' is not an IP address or CIDR block") }
            let country = fields.count > 1 && !fields[1].isEmpty ? fields[1].uppercased() : nil
            if let country, !RegionData.countryCodes.contains(country) { throw fail("unknown country code '\(country)'") }
            var asn: Int?
            if fields.count > 2, !fields[2].isEmpty {
                let digits = fields[2].uppercased().hasPrefix("AS") ? String(fields[2].dropFirst(2)) : fields[2]
                guard let number = Int(digits), number >= 0 else { throw fail("'\(fields[2])' is not an AS number") }
                asn = number
            }
            let organization = fields.count > 3 && !fields[3].isEmpty ? fields[3] : nil
            directory.add(block, Entry(country: country, asn: asn, asnOrg: organization))
        }
        return directory
    }
}

extension StringProtocol {
    func trimmingCharacters(in characters: String) -> String {
        var slice = self[...]
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
