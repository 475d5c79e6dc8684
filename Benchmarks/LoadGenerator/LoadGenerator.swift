import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An open-loop HTTP load generator for the gateway benchmark: requests start on a fixed schedule
/// whatever the server's speed, and latency is measured from each request's scheduled start, so
/// that a slow server cannot hide its queueing (no coordinated omission). With `--rate 0` it runs
/// closed-loop instead, `--connections` requests at a time as fast as they complete, for maximum throughput.
@main
struct LoadGenerator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distillguard-loadgen", abstract: "Open-loop HTTP load generator printing latency percentiles as JSON.")

    @Option(help: "URL to POST to.") var url: String
    @Option(help: "File holding the request body.") var bodyFile: String
    @Option(name: .customLong("header"), help: "A header as 'Name: value' (repeatable).") var headers: [String] = []
    @Option(help: "Requests per second; 0 for closed-loop maximum throughput.") var rate: Double = 1000
    @Option(help: "Seconds of measured load.") var duration: Double = 10
    @Option(help: "Seconds of unmeasured warm-up at the same load.") var warmup: Double = 2
    @Option(help: "Connections (and, closed-loop, concurrent requests).") var connections: Int = 64
    @Option(help: "Label printed with the result.") var label: String = ""

    final class Recorder: Sendable {
        let state = Mutex(Sample())
    }

    struct Sample: Sendable {
        var latencies: [Double] = []
        /// Time to the first byte of the body (for streams: the first event).
        var firstBytes: [Double] = []
        var errors = 0
        var statuses: [Int: Int] = [:]
    }

    func run() async throws {
        guard let body = FileManager.default.contents(atPath: bodyFile) else { throw ValidationError("cannot read \(bodyFile)") }
        var clientConfiguration = HTTPClient.Configuration(decompression: .disabled)
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for header in headers {
            guard let colon = header.firstIndex(of: ":") else { throw ValidationError("--header '\(header)' lacks a colon") }
            request.headers.add(
                name: String(header[..<colon]), value: header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let template = request
        if warmup > 0 { _ = try await load(client: client, request: template, seconds: warmup) }
        let started = DispatchTime.now().uptimeNanoseconds
        let sample = try await load(client: client, request: template, seconds: duration)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        try await client.shutdown()
        print(report(sample, elapsed: elapsed))
    }

    func load(client: HTTPClient, request: HTTPClientRequest, seconds: Double) async throws -> Sample {
        let sample = Recorder()
        let one: @Sendable (UInt64) async -> Void = { scheduled in
            do {
                let response = try await client.execute(request, timeout: .seconds(30))
                var firstByte: UInt64?
                for try await _ in response.body where firstByte == nil { firstByte = DispatchTime.now().uptimeNanoseconds }
                let now = DispatchTime.now().uptimeNanoseconds
                let latency = Double(now - scheduled) / 1e9
                let ttfb = Double((firstByte ?? now) - scheduled) / 1e9
                sample.state.withLock {
                    $0.latencies.append(latency)
                    $0.firstBytes.append(ttfb)
                    $0.statuses[Int(response.status.code), default: 0] += 1
                }
            } catch {
                sample.state.withLock { $0.errors += 1 }
            }
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let end = start + UInt64(seconds * 1e9)
        if rate > 0 {
            let interval = 1e9 / rate
            await withTaskGroup(of: Void.self) { group in
                var next = 0
                while true {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if now >= end { break }
                    while Double(start) + Double(next) * interval <= Double(now) {
                        let scheduled = start + UInt64(Double(next) * interval)
                        group.addTask { await one(scheduled) }
                        next += 1
                    }
                    try? await Task.sleep(for: .microseconds(200))
                }
            }
        } else {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<connections {
                    group.addTask {
                        while DispatchTime.now().uptimeNanoseconds < end { await one(DispatchTime.now().uptimeNanoseconds) }
                    }
                }
            }
        }
        return sample.state.withLock { $0 }
    }

    func report(_ sample: Sample, elapsed: Double) -> String {
        let sorted = sample.latencies.sorted()
        let firstBytes = sample.firstBytes.sorted()
        func percentile(_ p: Double, of values: [Double]? = nil) -> Double {
            let values = values ?? sorted
            guard !values.isEmpty else { return 0 }
            return values[min(values.count - 1, Int((p / 100 * Double(values.count)).rounded(.up)) - 1)] * 1000
        }
        func ms(_ x: Double) -> String { String(format: "%.3f", x) }
        let statuses = sample.statuses.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
        return """
            {"label":"\(label)","target_rate":\(rate),"completed":\(sorted.count),"errors":\(sample.errors),\
            "achieved_rate":\(String(format: "%.1f", Double(sorted.count) / elapsed)),"p50_ms":\(ms(percentile(50))),\
            "p90_ms":\(ms(percentile(90))),"p99_ms":\(ms(percentile(99))),"p999_ms":\(ms(percentile(99.9))),\
            "max_ms":\(ms(sorted.last.map { $0 * 1000 } ?? 0)),"ttfb_p50_ms":\(ms(percentile(50, of: firstBytes))),\
            "ttfb_p99_ms":\(ms(percentile(99, of: firstBytes))),"statuses":{\(statuses)}}
            """
    }
}
