import DistillGuardCore
import PostgresNIO

extension PostgresEventStore: AnalysisLeaseStore {
    public func claimLease(holder: String, seconds: Double, processedSequence: Int64) async throws -> AnalysisLease {
        // A claim racing the very first one can see neither its own row nor the winner's (the
        // statement's snapshot predates the winner's commit); the next statement sees it.
        for _ in 0..<3 {
            if let lease = try await claimOnce(holder: holder, seconds: seconds, processedSequence: processedSequence) { return lease }
        }
        throw StoreError("the analysis lease row could not be read after claiming it; try again")
    }

    func claimOnce(holder: String, seconds: Double, processedSequence: Int64) async throws -> AnalysisLease? {
        // Times are the database's (clock_timestamp), so replicas' clocks never decide who leads.
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH claimed AS (
                        INSERT INTO \(schema).analysis_lease AS lease (id, holder, term, expires_at, processed_seq)
                        VALUES (1, $1, 1, clock_timestamp() + make_interval(secs => $2::DOUBLE PRECISION), $3)
                        ON CONFLICT (id) DO UPDATE SET
                            term = CASE WHEN lease.holder = excluded.holder THEN lease.term ELSE lease.term + 1 END,
                            holder = excluded.holder, expires_at = excluded.expires_at, processed_seq = excluded.processed_seq
                        WHERE lease.holder = excluded.holder OR lease.expires_at < clock_timestamp()
                        RETURNING holder, term, processed_seq, expires_at)
                    SELECT holder, term, processed_seq, EXTRACT(EPOCH FROM expires_at - clock_timestamp())::DOUBLE PRECISION FROM claimed
                    UNION ALL
                    SELECT holder, term, processed_seq, EXTRACT(EPOCH FROM expires_at - clock_timestamp())::DOUBLE PRECISION
                    FROM \(schema).analysis_lease WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM claimed)
                    """,
                binds: try Self.binds(holder, seconds, processedSequence)), logger: logger)
        for try await (holder, term, processed, left) in rows.decode((String, Int64, Int64, Double).self) {
            return AnalysisLease(holder: holder, term: term, processedSequence: processed, secondsLeft: left)
        }
        return nil
    }

    public func releaseLease(holder: String) async throws {
        try await client.query(
            PostgresQuery(
                unsafeSQL:
                    "UPDATE \(schema).analysis_lease SET expires_at = clock_timestamp() - interval '1 second' WHERE id = 1 AND holder = $1",
                binds: try Self.binds(holder)), logger: logger
        ).collect()
    }

    public func checkpointSequence() async throws -> Int64 {
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: "SELECT seq FROM \(schema).engine_checkpoint WHERE id = 1"), logger: logger)
        for try await sequence in rows.decode(Int64.self) { return sequence }
        return 0
    }

    public func save(_ checkpoint: EngineCheckpoint, holding lease: AnalysisLease) async throws {
        let schema = schema
        let saved = try await client.withTransaction(logger: logger) { connection -> Bool in
            // FOR UPDATE: no other replica can take the lease between this check and the commit.
            let held = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT 1::BIGINT FROM \(schema).analysis_lease
                        WHERE id = 1 AND holder = $1 AND term = $2 AND expires_at > clock_timestamp() FOR UPDATE
                        """,
                    binds: try Self.binds(lease.holder, lease.term)), logger: logger)
            var holds = false
            for try await _ in held.decode(Int64.self) { holds = true }
            guard holds else { return false }
            try await connection.query(Self.saveCheckpoint(checkpoint, schema: schema), logger: logger).collect()
            return true
        }
        guard saved else { throw LeaseLost(holder: lease.holder, term: lease.term) }
    }
}
