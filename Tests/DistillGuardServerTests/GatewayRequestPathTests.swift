import DistillGuardCore
import HTTPTypes
import Testing

@testable import DistillGuardServer

/// The small pieces every proxied request goes through, rewritten without Foundation's string
/// search for speed: they must still read every form a client sends.
struct GatewayRequestPathTests {
    static func headers(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    @Test func theBearerSchemeIsReadInAnyCaseWithSpacesAroundTheKey() {
        for value in ["Bearer sk-one", "bearer sk-one", "BEARER sk-one", "BeArEr   sk-one  ", "Bearer \tsk-one\t"] {
            #expect(Gateway.clientKey(Self.headers([("authorization", value)]), provider: .openai) == "sk-one", "\(value)")
        }
    }

    @Test func otherSchemesAndShortValuesAreNotKeys() {
        for value in ["Basic c2stb25l", "Bearer", "Bearer    ", "Bearersk-one", "Token sk-one", ""] {
            #expect(Gateway.clientKey(Self.headers([("authorization", value)]), provider: .openai) == nil, "\(value)")
        }
        #expect(Gateway.clientKey(Self.headers([]), provider: .openai) == nil)
    }

    @Test func anthropicClientsMayUseTheirOwnHeader() {
        let both = Self.headers([("x-api-key", "sk-ant"), ("authorization", "Bearer sk-other")])
        #expect(Gateway.clientKey(both, provider: .anthropic) == "sk-ant")
        #expect(Gateway.clientKey(both, provider: .openai) == "sk-other")
    }

    @Test func keysAreHashedAsLowerCaseHexSHA256() {
        #expect(GatewayConfiguration.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(GatewayConfiguration.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func metricLabelValuesAreEscapedOnlyWhenTheyNeedIt() {
        #expect(MetricsRegistry.escape("openai.chat_completions") == "openai.chat_completions")
        #expect(MetricsRegistry.escape("say \"hi\"\\now\nthen") == "say \\\"hi\\\"\\\\now\\nthen")
        #expect(MetricsRegistry.escape("naïve 日本") == "naïve 日本")
        #expect(MetricsRegistry.escape("日本\"") == "日本\\\"")
    }
}
