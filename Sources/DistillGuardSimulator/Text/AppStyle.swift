import DistillGuardCore

/// How one app's backend frames its end users' questions (`app_backend`): the app's own name,
/// audience, system prompt and a wrapper or two (an A/B test), chosen once per account from its
/// id, so that every app's framing is private to it, as a real product's prompt is. Some apps
/// write "step by step" in their wrapper, as real tutoring apps do; some pass their end users'
/// ids.
struct AppStyle {
    let name: String
    let system: String
    let wrappers: [(head: String, tail: String)]
    let passesEndUserIDs: Bool

    init(accountID: String) {
        var rng = SeededRandom(seed: StableHash.hash(accountID, seed: 0xA9))
        let name = rng.pick(Self.names) + rng.pick(["", "", " AI", " Plus", " Pro", " Tutor"])
        self.name = name
        let audience = rng.pick(Self.audiences)
        let subject = rng.pick(["math", "maths and physics", "STEM", "homework", "exam preparation", "science"])
        var rules = Self.rules
        var chosen: [String] = []
        for _ in 0..<rng.int(2...4) {
            let index = rng.int(0..<rules.count)
            chosen.append(rules.remove(at: index))
        }
        system = "You are \(name), a patient \(subject) tutor for \(audience). " + chosen.joined(separator: " ")
        var heads = Self.heads
        var tails = Self.tails
        var wrappers: [(head: String, tail: String)] = []
        for _ in 0..<rng.int(1...2) {
            let head = heads.remove(at: rng.int(0..<heads.count))
            let tail = tails.remove(at: rng.int(0..<tails.count))
            wrappers.append((head.replacingSlot("{app}", with: name), tail.replacingSlot("{audience}", with: audience)))
        }
        self.wrappers = wrappers
        passesEndUserIDs = rng.chance(0.5)
    }

    /// An end user's question framed the way this app sends it.
    func wrap(_ question: String, _ rng: inout SeededRandom) -> String {
        let wrapper = rng.pick(wrappers)
        return wrapper.head + question + wrapper.tail
    }

    /// An end user's question as they type it into the app: often bare, sometimes with a few
    /// words of their own around it (not the adaptive campaign's phrases: a shared phrase list
    /// would tie apps to the campaign through the simulator, not through anything real).
    /// Each end user (`endUser` of the app `accountID`) keeps their habit from one question to the next.
    static func endUserWording(_ task: String, accountID: String, endUser: Int, _ rng: inout SeededRandom) -> String {
        var user = SeededRandom(seed: StableHash.hash("end user \(endUser) of \(accountID)", seed: 0xE5))
        guard user.chance(0.5) else { return task }
        let prefix = user.pick(endUserPrefixes)
        let suffix = user.pick(endUserSuffixes)
        return rng.chance(0.8) ? prefix + task + suffix : task + suffix
    }

    static let endUserPrefixes = [
        "", "", "pls help ", "can someone explain this: ", "teacher gave us this one. ", "I don't get this: ",
        "how do I do this? ", "stuck on q3: ", "test tomorrow!! ", "no idea where to start: ", "my answer doesn't match the book: ",
    ]

    static let endUserSuffixes = ["", "", "", " pls", " thx", "??", " (explain simply)", " i got 12 but it's wrong", " help"]

    /// What an end user sends after the answer.
    static func followUp(_ rng: inout SeededRandom) -> String {
        rng.pick([
            "I don't understand the second step. Can you explain it another way?",
            "Why did you do that in the last line?", "Can you give me a similar problem to practise?",
            "ok thanks", "Is there a quicker way to do it?", "I got a different answer, can you check it again?",
            "What formula did you use there?",
        ])
    }

    static let names = [
        "MathMate", "Homework Owl", "StudyPal", "Quizzly", "ExamCoach", "TutorBee", "SolveIt", "Brainy", "Mathify",
        "ClassBuddy", "LearnLoop", "Proofly", "Stepwise", "Numera", "AceIt", "Scholarly",
    ]

    static let audiences = [
        "high-school students", "middle-school students", "first-year university students", "adult learners",
        "students preparing for standardised tests", "parents helping with homework", "engineering undergraduates",
    ]

    static let rules = [
        "Never give only the answer: explain how to reach it.", "Use simple language and short paragraphs.",
        "Format mathematics with LaTeX.", "If the question is not about school work, politely decline.",
        "End with one sentence of encouragement.", "Do not mention that you are an AI model.",
        "Answer in the language of the question.", "Keep the tone friendly and never condescending.",
        "Point out the most common mistake for this kind of problem.", "Check the result before you state it.",
    ]

    static let heads = [
        "Student question:\n", "[{app}] Question from a learner:\n", "<question>\n", "The student asks: ", "", "", "Q: ",
        "Homework question submitted through the {app} app:\n\n",
    ]

    static let tails = [
        "\n\nExplain the solution step by step so the student can follow it, then give the final answer.",
        "\n\nRespond with a complete worked solution and a one-line summary.", "\n</question>\nShow the full working for {audience}.",
        "\n\n---\nReply in the tutor voice: walk through the method, then state the answer clearly.", "",
        "\n\nGive a hint first, then the full solution.", "\n\n(Explain for {audience}; show every step.)",
    ]
}

extension String {
    fileprivate func replacingSlot(_ slot: String, with value: String) -> String {
        split(separator: slot, omittingEmptySubsequences: false).joined(separator: value)
    }
}
