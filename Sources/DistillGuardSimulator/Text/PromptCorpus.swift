import DistillGuardCore

/// Real prompts mixed into benign traffic (`--corpus FILE`): JSON Lines with `text` and optional
/// `followups`, plain or gzip.
public struct PromptCorpus: Sendable {
    public struct Conversation: Sendable {
        public var text: String
        public var followups: [String]

        public init(text: String, followups: [String] = []) {
            self.text = text
            self.followups = followups
        }
    }

    public private(set) var conversations: [Conversation] = []

    public init(conversations: [Conversation]) {
        self.conversations = conversations
    }

    /// Loads a corpus file; lines without a usable `text` are skipped and counted.
    public static func load(path: String, maximumCharacters: Int = 6000) throws -> (corpus: PromptCorpus, skipped: Int) {
        var conversations: [Conversation] = []
        var skipped = 0
        try JSONLinesFile.forEachLine(path) { bytes in
            guard let value = try? JSONParser.parse(bytes), let text = value["text"]?.stringValue,
                text.contains(where: { !$0.isWhitespace })
            else {
                skipped += 1
                return
            }
            let followups = (value["followups"]?.arrayValue ?? []).compactMap(\.stringValue)
            conversations.append(
                Conversation(
                    text: String(text.prefix(maximumCharacters)), followups: followups.map { String($0.prefix(maximumCharacters)) }))
        }
        return (PromptCorpus(conversations: conversations), skipped)
    }
}
