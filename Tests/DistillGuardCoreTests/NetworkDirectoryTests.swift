import DistillGuardCore
import Testing

/// Client addresses: parsing, the client networks file, and the client behind trusted proxies.
struct NetworkDirectoryTests {
    @Test(arguments: [
        ("192.0.2.1", true), ("2001:db8::1", true), ("::ffff:192.0.2.1", true), ("::1", true), ("2001:db8:0:0:0:0:0:1", true),
        ("256.0.0.1", false), ("1.2.3", false), ("2001:db8::1::2", false), ("gggg::1", false), ("", false), ("1.2.3.4.5", false),
    ])
    func parsesAddresses(text: String, valid: Bool) {
        #expect((IPAddress(text) != nil) == valid, "\(text)")
    }

    /// Found by fuzzing (Fuzz/, target `networks`): IPv6 addresses were written as one hexadecimal
    /// number (`::` as `0`), which nothing reads back.
    @Test(arguments: [
        ("::", "::"), ("::1", "::1"), ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:db8:1:2:3:4:5:0", "2001:db8:1:2:3:4:5:0"), ("1::", "1::"),
        ("fe80::ABCD", "fe80::abcd"), ("::ffff:192.0.2.1", "192.0.2.1"), ("198.51.100.7", "198.51.100.7"),
    ])
    func writesAddressesInTheirCanonicalForm(text: String, written: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == written)
        #expect(IPAddress(address.description) == address)
    }

    @Test func theSameAddressInIPv4AndMappedIPv6FormIsEqual() {
        #expect(IPAddress("192.0.2.1") == IPAddress("::ffff:192.0.2.1").map { IPAddress(value: $0.value) })
        #expect(IPAddress("2001:db8::1") == IPAddress("2001:0db8:0000:0000:0000:0000:0000:0001"))
    }

    static let file = """
        cidr,country,asn,asn_org
        # test networks
        198.51.100.0/24,CN,4134,China Telecom
        198.51.100.128/25,HK,AS4760,"HKT Limited"
        203.0.113.7,US,16509,"Amazon.com, Inc."
        2001:db8::/32,DE,3320,Deutsche Telekom AG

        """

    @Test func looksUpTheLongestMatchingPrefix() throws {
        let directory = try NetworkDirectory.parse(Self.file, file: "networks.csv")
        #expect(directory.count == 4)
        #expect(directory.lookup(IPAddress("198.51.100.9")!)?.country == "CN")
        #expect(directory.lookup(IPAddress("198.51.100.200")!) == .init(country: "HK", asn: 4760, asnOrg: "HKT Limited"))
        #expect(directory.lookup(IPAddress("203.0.113.7")!)?.asnOrg == "Amazon.com, Inc.")
        #expect(directory.lookup(IPAddress("203.0.113.8")!) == nil)
        #expect(directory.lookup(IPAddress("2001:db8:1::5")!)?.asn == 3320)
        #expect(directory.lookup(IPAddress("::ffff:198.51.100.9")!)?.country == "CN")
    }

    @Test(arguments: [
        ("198.51.100.0/33,CN,1,x", "line 1: '198.51.100.0/33' is not an IP address or CIDR block"),
        ("198.51.100.0/24,XX,1,x", "line 1: unknown country code 'XX'"),
        ("cidr,country\n198.51.100.0/24,CN,ASx,x", "line 2: 'ASx' is not an AS number"),
    ])
    func rejectsABadLineNamingIt(text: String, message: String) {
        #expect {
            _ = try NetworkDirectory.parse(text, file: "networks.csv")
        } throws: { error in
            (error as? ConfigurationError)?.description == "networks.csv: \(message)"
        }
    }

    @Test func findsTheClientBehindTrustedProxiesOnly() {
        var config = GatewayConfiguration()
        config.trustedProxies = [CIDRBlock("10.0.0.0/8")!, CIDRBlock("127.0.0.1")!]
        #expect(config.clientAddress(peer: "10.1.2.3", forwardedFor: "198.51.100.9, 10.0.0.5") == "198.51.100.9")
        #expect(
            config.clientAddress(peer: "10.1.2.3", forwardedFor: "6.6.6.6, 198.51.100.9") == "198.51.100.9",
            "addresses left of the first untrusted hop are the client's own claims")
        #expect(
            config.clientAddress(peer: "192.0.2.50", forwardedFor: "198.51.100.9") == "192.0.2.50", "an untrusted peer's header is ignored")
        #expect(config.clientAddress(peer: "127.0.0.1", forwardedFor: nil) == "127.0.0.1")
        #expect(config.clientAddress(peer: "10.1.2.3", forwardedFor: "not-an-address") == "10.1.2.3")
    }
}
