import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Testing

/// The store and the service behind the gateway failing under live traffic, over real sockets:
/// a full disk (a real tmpfs filled up), a database file removed, a database locked by another
/// process, and a `forward_to` service that is down or hangs. Nothing acknowledged is lost: the
/// service answers 503 for what it did not store, the gateway keeps what it could not store and
/// stores it once it can.
@Suite struct StoreFaultTests {
    static func events(_ ids: ClosedRange<Int>) -> [String] { ids.map { EventFixtures.minimal(id: "ev_\($0)") } }

    /// Ingests `lines` into the service at `url`. (Over a real socket: a store that fails takes
    /// its time, and a busy machine more; only the hang guard bounds the wait.)
    static func post(_ url: String, _ lines: [String]) async throws -> (status: Int, json: JSONValue?, retryAfter: String?) {
        let reply = try await GatewayHarness.post(
            url + "/v1/events", lines.joined(separator: "\n") + "\n", headers: ServiceHarness.ingestPairs)
        return (reply.status, reply.json, reply.headers.first(name: "retry-after"))
    }

    static func health(_ url: String) async throws -> (status: Int, json: JSONValue?) {
        let reply = try await GatewayHarness.get(url + "/health")
        return (reply.status, reply.json)
    }

    // MARK: distillguard serve

    @Test func theServiceAnswers503ForWhatAFullDiskCannotTakeAndStoresItWhenResent() async throws {
        let disk = try SmallDisk()
        let store = try SQLiteEventStore(path: disk.file("service.sqlite"))
        try await ServiceHarness.serve(store: store) { _, url in
            #expect(try await Self.post(url, Self.events(1...2)).status == 200)
            try disk.fill()
            let refused = try await Self.post(url, Self.events(3...4))
            #expect(refused.status == 503 && refused.retryAfter == "5")
            #expect(refused.json?["error"]?["code"]?.stringValue == "store_unavailable")
            #expect(refused.json?["error"]?["message"]?.stringValue?.contains("full") == true, "the message says why")
            let degraded = try await Self.health(url)
            #expect(degraded.status == 503 && degraded.json?["store_available"]?.boolValue == false)
            try disk.free()
            let resent = try await Self.post(url, Self.events(3...4))
            #expect(resent.status == 200 && resent.json?["accepted"] == 2)
            try await Wait.until("the service to report its store healthy again") {
                try await Self.health(url).status == 200
            }
        }
        #expect(try await store.eventCount() == 4, "every acknowledged event is stored, and only those")
    }

    @Test func theServiceRefusesBatchesOnceItsDatabaseFileIsRemoved() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("service.sqlite")
        let store = try SQLiteEventStore(path: path)
        try await ServiceHarness.serve(store: store) { _, url in
            #expect(try await Self.post(url, Self.events(1...2)).status == 200)
            try FileManager.default.removeItem(atPath: path)
            let refused = try await Self.post(url, Self.events(3...4))
            #expect(refused.status == 503)
            #expect(refused.json?["error"]?["message"]?.stringValue?.contains("removed or replaced") == true)
            try await Wait.until("health to report the missing file") {
                let health = try await Self.health(url)
                return health.status == 503 && health.json?["store_error"]?.stringValue?.contains(path) == true
            }
        }
    }

    @Test func theServiceAnswers503WhileAnotherProcessHoldsTheDatabaseLocked() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("service.sqlite")
        let store = try SQLiteEventStore(path: path)
        try await ServiceHarness.serve(store: store) { _, url in
            let lock = try DatabaseLock(path: path)
            let refused = try await Self.post(url, Self.events(1...2))
            #expect(refused.status == 503 && refused.json?["error"]?["code"]?.stringValue == "store_unavailable")
            #expect(refused.json?["error"]?["message"]?.stringValue?.contains("locked") == true)
            try lock.release()
            let resent = try await Self.post(url, Self.events(1...2))
            #expect(resent.status == 200 && resent.json?["accepted"] == 2)
        }
        #expect(try await store.eventCount() == 2)
    }

    // MARK: distillguard gateway

    static let request = (path: "/v1/messages", body: #"{"model":"m","max_tokens":32,"messages":[{"role":"user","content":"hi"}]}"#)

    static func gatewayHealth(_ harness: GatewayHarness) async throws -> JSONValue {
        try await GatewayHarness.get(harness.gatewayURL + "/health").json ?? .null
    }

    @Test func theGatewayKeepsWhatAFullDiskCannotTakeAndStoresItOnceThereIsSpace() async throws {
        let disk = try SmallDisk()
        let path = disk.file("gateway.sqlite")
        try await GatewayHarness.run(configure: { $0.analysis.store = path }) { harness in
            #expect(try await harness.call(Self.request.path, Self.request.body).status == 200)
            try await harness.waitForDrain(exchanges: 1)
            try disk.fill()
            for _ in 0..<3 {
                #expect(try await harness.call(Self.request.path, Self.request.body).status == 200, "traffic flows (fail open)")
            }
            try await Wait.until("the gateway to hold the three exchanges it could not store") {
                let health = try await Self.gatewayHealth(harness)
                return health["analysis"]?["unstored"] == 3 && health["analysis"]?["store_available"] == false
            }
            try disk.free()
            try await Wait.until("the gateway to store what it held") {
                let health = try await Self.gatewayHealth(harness)
                return health["analysis"]?["unstored"] == 0 && health["analysis"]?["store_available"] == true
            }
        }
        #expect(try await SQLiteEventStore(path: path).eventCount() == 4)
    }

    @Test func theGatewayStartsANewStoreWhenItsFileIsRemoved() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("gateway.sqlite")
        try await GatewayHarness.run(configure: { $0.analysis.store = path }) { harness in
            #expect(try await harness.call(Self.request.path, Self.request.body).status == 200)
            try await harness.waitForDrain(exchanges: 1)
            try FileManager.default.removeItem(atPath: path)
            for _ in 0..<2 { #expect(try await harness.call(Self.request.path, Self.request.body).status == 200) }
            try await harness.waitForDrain(exchanges: 3)
            try await Wait.until("the gateway to store the two exchanges in a new file") {
                let health = try await Self.gatewayHealth(harness)
                return health["analysis"]?["unstored"] == 0 && health["analysis"]?["store_available"] == true
            }
        }
        #expect(try await SQLiteEventStore(path: path).eventCount() == 2, "the new file holds what came after the removal")
    }

    @Test func theGatewayKeepsExchangesWhileTheServiceItForwardsToIsDownAndSendsThemWhenItIsUp() async throws {
        // While the service is down its port resets every connection; it is held until the service
        // takes it over, so that no other test's server can take it in between.
        let down = try await FaultyUpstream.start([.reset])
        let port = down.port
        let serviceStore = try SQLiteEventStore()
        try await GatewayHarness.run(configure: { config in
            config.analysis.forwardTo = .init(url: "http://127.0.0.1:\(port)", token: ServiceHarness.ingestKey, timeoutSeconds: 5)
        }) { harness in
            for _ in 0..<2 { #expect(try await harness.call(Self.request.path, Self.request.body).status == 200) }
            try await Wait.until("the gateway to hold the two exchanges it could not forward") {
                try await Self.gatewayHealth(harness)["analysis"]?["unstored"] == 2
            }
            #expect(down.observations.requests >= 1, "the gateway did try to forward")
            try await down.stop()
            try await ServiceHarness.serve(store: serviceStore, port: port) { _, _ in
                try await Wait.until("the gateway to forward what it held") {
                    try await Self.gatewayHealth(harness)["analysis"]?["unstored"] == 0
                }
            }
        }
        #expect(try await serviceStore.eventCount() == 2)
    }

    @Test func aGatewayThatCannotReadItsVerdictsReportsAnalysisUnavailableOnceTheyAreStale() async throws {
        let down = try await FaultyUpstream.start([.reset])
        do {
            try await GatewayHarness.run(configure: { config in
                config.analysis.verdictsFrom = .init(url: down.url, token: ServiceHarness.adminToken, timeoutSeconds: 1)
                config.analysis.staleAfterSeconds = 1
            }) { harness in
                // In this order: on a busy machine the verdicts can go stale before the first read reaches the service.
                try await Wait.until("the gateway to ask the service for its verdicts") { down.observations.requests >= 1 }
                try await Wait.until("the gateway to report analysis unavailable while it cannot read the service's verdicts") {
                    try await Self.gatewayHealth(harness)["status"]?.stringValue == "degraded"
                }
                // Traffic still flows (failure_mode open, the default): the gateway enforces what it read before, here nothing.
                #expect(try await harness.call(Self.request.path, Self.request.body).status == 200)
            }
        } catch {
            try await down.stop()
            throw error
        }
        try await down.stop()
    }

    @Test func aServiceThatHangsDoesNotHoldUpTrafficAndItsExchangesAreKept() async throws {
        let service = try await FaultyUpstream.start([])
        do {
            try await GatewayHarness.run(configure: { config in
                config.analysis.forwardTo = .init(url: service.url, token: ServiceHarness.ingestKey, timeoutSeconds: 1)
            }) { harness in
                for _ in 0..<2 { #expect(try await harness.call(Self.request.path, Self.request.body).status == 200) }
                try await Wait.until("the gateway to give up on the hanging service and keep the exchanges") {
                    let health = try await Self.gatewayHealth(harness)
                    return health["analysis"]?["unstored"] == 2 && health["analysis"]?["store_available"] == false
                }
                #expect(service.observations.requests >= 1, "the gateway did try to forward")
            }
        } catch {
            try await service.stop()
            throw error
        }
        try await service.stop()
    }
}

/// Another process holding a write lock on an SQLite database (`BEGIN IMMEDIATE` in Python's
/// sqlite3 module), as an operator's `sqlite3` shell in the middle of a transaction would.
final class DatabaseLock {
    let process = Process()
    let input = Pipe()

    init(path: String) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys
            connection = sqlite3.connect(sys.argv[1], isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            sys.stdin.read()
            connection.execute("COMMIT")
            """,
            path,
        ]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The lock is held once the line comes (a blocking read of the child's output, not a sleep).
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard line.hasPrefix("locked") else { throw HarnessError(message: "the locking process said '\(line)'") }
    }

    /// Commits and ends the other process.
    func release() throws {
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
