import DistillGuardCore
import PostgresNIO

extension PostgresEventStore: ServiceStore {
    public func events(after sequence: Int64, limit: Int) async throws -> [SequencedEvent] {
        // The line only for events without a feature row this build reads (one written by another
        // version's layout, during a rolling upgrade): analysis reads one or the other.
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT seq, id, timestamp_ms, account_id, api, model,
                        CASE WHEN features IS NULL OR get_byte(features, 0) <> \(FeatureRow.version) THEN line ELSE '' END, features
                    FROM \(schema).event WHERE seq > $1 ORDER BY seq LIMIT $2
                    """,
                binds: try Self.binds(sequence, Int64(limit))), logger: logger)
        var events: [SequencedEvent] = []
        for try await (seq, id, ms, account, api, model, line, features) in rows.decode(
            (Int64, String, Int64, String, String, String?, String, ByteBuffer?).self)
        {
            events.append(
                SequencedEvent(
                    sequence: seq,
                    event: StoredEvent(
                        id: id, timestamp: Timestamp(milliseconds: ms), accountID: account, api: api, model: model, line: line,
                        features: features.map { Array(buffer: $0) })
                ))
        }
        return events
    }

    public func eventCount(after sequence: Int64) async throws -> Int {
        try await count("SELECT COUNT(*)::BIGINT FROM \(schema).event WHERE seq > $1", binds: try Self.binds(sequence))
    }

    public func latestSequence() async throws -> Int64 {
        Int64(try await count("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM \(schema).event"))
    }

    func count(_ sql: String, binds: PostgresBindings = PostgresBindings()) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    public func checkpoint() async throws -> EngineCheckpoint? {
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: "SELECT seq, saved_at_ms, state, verdicts FROM \(schema).engine_checkpoint WHERE id = 1"),
            logger: logger)
        for try await (seq, savedAt, state, verdicts) in rows.decode((Int64, Int64, ByteBuffer, String).self) {
            return EngineCheckpoint(
                sequence: seq, savedAt: Timestamp(milliseconds: savedAt), state: Array(buffer: state), verdicts: verdicts)
        }
        return nil
    }

    public func save(_ checkpoint: EngineCheckpoint) async throws {
        try await client.query(Self.saveCheckpoint(checkpoint, schema: schema), logger: logger).collect()
    }

    /// The statement that replaces the checkpoint row.
    static func saveCheckpoint(_ checkpoint: EngineCheckpoint, schema: String) throws -> PostgresQuery {
        PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(schema).engine_checkpoint (id, seq, saved_at_ms, state, verdicts) VALUES (1, $1, $2, $3, $4)
                ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, saved_at_ms = excluded.saved_at_ms, state = excluded.state,
                    verdicts = excluded.verdicts
                """,
            binds: try binds(checkpoint.sequence, checkpoint.savedAt.milliseconds, ByteBuffer(bytes: checkpoint.state), checkpoint.verdicts)
        )
    }

    public func applyRetention(
        evidenceAccounts: [String], perAccount: Int, throughSequence sequence: Int64, before: Timestamp
    )
        async throws -> Int
    {
        let schema = schema
        return try await client.withTransaction(logger: logger) { connection in
            if !evidenceAccounts.isEmpty {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            UPDATE \(schema).event SET evidence = TRUE WHERE id IN (
                                SELECT picked.id FROM unnest($1::TEXT[]) AS account (id) CROSS JOIN LATERAL (
                                    SELECT e.id FROM \(schema).event e WHERE e.account_id = account.id AND e.line <> '' AND NOT e.evidence
                                    ORDER BY e.seq DESC
                                    LIMIT GREATEST(0, $2 - (SELECT COUNT(*) FROM \(schema).event x WHERE x.account_id = account.id AND x.evidence))
                                ) AS picked)
                            """,
                        binds: try Self.binds(evidenceAccounts, Int64(perAccount))), logger: logger
                ).collect()
            }
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        WITH pruned AS (
                            UPDATE \(schema).event SET line = '', features = NULL WHERE seq <= $1 AND timestamp_ms < $2 AND line <> '' AND NOT evidence
                            RETURNING 1)
                        SELECT COUNT(*)::BIGINT FROM pruned
                        """,
                    binds: try Self.binds(sequence, before.milliseconds)), logger: logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    public func record(_ decision: AnalystDecision) async throws -> AnalystDecision {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema).analyst_decision (subject, subject_id, ruling, analyst, note, decided_at_ms, accounts)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                    """,
                binds: try Self.binds(
                    decision.subject.rawValue, decision.subjectID, decision.ruling.rawValue, decision.analyst, decision.note,
                    decision.decidedAt.milliseconds, StoreCoding.accountList(decision.accounts))), logger: logger)
        var stored = decision
        for try await id in rows.decode(Int64.self) { stored.id = id }
        return stored
    }

    public func decisions() async throws -> [AnalystDecision] {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL:
                    "SELECT id, subject, subject_id, ruling, analyst, note, decided_at_ms, accounts FROM \(schema).analyst_decision ORDER BY id"
            ), logger: logger)
        var decisions: [AnalystDecision] = []
        for try await (id, subject, subjectID, ruling, analyst, note, decidedAt, accounts) in rows.decode(
            (Int64, String, String, String, String, String, Int64, String).self)
        {
            decisions.append(
                try StoreCoding.decision(
                    id: id, subject: subject, subjectID: subjectID, ruling: ruling, analyst: analyst, note: note, decidedAt: decidedAt,
                    accounts: accounts))
        }
        return decisions
    }

    public func record(_ point: HistoryPoint) async throws {
        try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema).verdict_history (hour_ms, events, accounts, review, attack, clusters) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (hour_ms) DO UPDATE SET events = excluded.events, accounts = excluded.accounts, review = excluded.review,
                        attack = excluded.attack, clusters = excluded.clusters
                    """,
                binds: try Self.binds(
                    point.hour.milliseconds, Int64(point.events), Int64(point.accounts), Int64(point.review), Int64(point.attack),
                    Int64(point.clusters))), logger: logger
        ).collect()
    }

    public func history(limit: Int) async throws -> [HistoryPoint] {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL:
                    "SELECT hour_ms, events, accounts, review, attack, clusters FROM \(schema).verdict_history ORDER BY hour_ms DESC LIMIT $1",
                binds: try Self.binds(Int64(limit))), logger: logger)
        var points: [HistoryPoint] = []
        for try await (hour, events, accounts, review, attack, clusters) in rows.decode((Int64, Int64, Int64, Int64, Int64, Int64).self) {
            points.append(
                HistoryPoint(
                    hour: Timestamp(milliseconds: hour), events: Int(events), accounts: Int(accounts), review: Int(review),
                    attack: Int(attack), clusters: Int(clusters)))
        }
        return points.reversed()
    }

    public func traffic(limit: Int) async throws -> [TrafficPoint] {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: "SELECT hour_ms, events FROM \(schema).traffic ORDER BY hour_ms DESC LIMIT $1",
                binds: try Self.binds(Int64(limit))), logger: logger)
        var points: [TrafficPoint] = []
        for try await (hour, events) in rows.decode((Int64, Int64).self) {
            points.append(TrafficPoint(hour: Timestamp(milliseconds: hour), events: Int(events)))
        }
        return points.reversed()
    }

    public func recentEvents(account accountID: String, limit: Int) async throws -> [StoredEvent] {
        try await Self.events(
            client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id, timestamp_ms, account_id, api, model, line FROM \(schema).event WHERE account_id = $1
                        ORDER BY timestamp_ms DESC, id DESC LIMIT $2
                        """,
                    binds: try Self.binds(accountID, Int64(limit))), logger: logger))
    }

    public func samples(account accountID: String, limit: Int) async throws -> [StoredEvent] {
        try await Self.events(
            client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id, timestamp_ms, account_id, api, model, line FROM \(schema).event WHERE account_id = $1 AND line <> ''
                        ORDER BY evidence DESC, seq DESC LIMIT $2
                        """,
                    binds: try Self.binds(accountID, Int64(limit))), logger: logger))
    }

    public func markEnforcementPoint(_ id: String, liveForSeconds seconds: Double) async throws -> Int {
        // The statement's snapshot does not see its own upsert: the others live now, plus this one.
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH marked AS (
                        INSERT INTO \(schema).enforcement_point (id, live_until)
                        VALUES ($1, clock_timestamp() + make_interval(secs => $2::DOUBLE PRECISION))
                        ON CONFLICT (id) DO UPDATE SET live_until = excluded.live_until RETURNING id),
                    forgotten AS (
                        DELETE FROM \(schema).enforcement_point WHERE live_until < clock_timestamp() - interval '1 day' AND id <> $1)
                    SELECT COUNT(*)::BIGINT + 1 FROM \(schema).enforcement_point WHERE live_until > clock_timestamp() AND id <> $1
                    """,
                binds: try Self.binds(id, seconds)), logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 1
    }

    public func retentionSummary() async throws -> RetentionSummary {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT COUNT(*)::BIGINT, COUNT(*) FILTER (WHERE line <> '')::BIGINT, COUNT(*) FILTER (WHERE evidence)::BIGINT
                    FROM \(schema).event
                    """), logger: logger)
        for try await (events, text, evidence) in rows.decode((Int64, Int64, Int64).self) {
            return RetentionSummary(events: Int(events), withText: Int(text), evidence: Int(evidence))
        }
        return RetentionSummary(events: 0, withText: 0, evidence: 0)
    }
}
