import Testing

@testable import DistillGuardSimulator

/// The end users behind a simulated app backend (`AppStyle`).
struct AppStyleTests {
    /// An end user words every question the same way; the user with the same number in another
    /// app is another person, with habits of their own.
    @Test func endUsersKeepHabitsOfTheirOwnInEachApp() {
        let task = "What is 17 times 23?"
        func addsWords(app: String) -> [Bool] {
            (0..<200).map { user in
                var rng = SeededRandom(seed: 7)
                return AppStyle.endUserWording(task, accountID: app, endUser: user, &rng) != task
            }
        }
        let first = addsWords(app: "acct_first")
        let second = addsWords(app: "acct_second")
        #expect(first == addsWords(app: "acct_first"), "an end user keeps their habit")
        let differ = zip(first, second).filter { $0 != $1 }.count
        #expect(differ > 50, "end users numbered alike in two apps share no habit (\(differ) of 200 differ)")
        let share = Double(first.filter { $0 }.count) / 200
        #expect(share > 0.3 && share < 0.6, "about half the end users add words of their own (\(share))")
    }
}
