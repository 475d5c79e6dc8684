import AsyncHTTPClient
import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

extension Gateway {
    /// Headers that belong to one connection (RFC 9110 §7.6.1) or that the gateway sets itself.
    static let requestHeadersNotForwarded: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "content-length", "authorization", "x-api-key", "accept-encoding",
    ]
    static let responseHeadersNotForwarded: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
    ]

    /// Forwards the request upstream and returns its response unchanged (streamed as it arrives),
    /// recording the exchange for analysis when `exchange` is given.
    func send(
        _ request: Request, body: ByteBuffer, upstream: GatewayConfiguration.Upstream, provider: GatewayConfiguration.Provider,
        exchange: ExchangePlan?, start: UInt64
    ) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstream.url + request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
        outgoing.method = .POST
        for field in request.headers where !Self.requestHeadersNotForwarded.contains(field.name.canonicalName) {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        switch provider {
        case .anthropic: outgoing.headers.replaceOrAdd(name: "x-api-key", value: upstream.apiKey)
        case .openai: outgoing.headers.replaceOrAdd(name: "authorization", value: "Bearer " + upstream.apiKey)
        }
        outgoing.body = .bytes(body)
        let apiLabel = exchange?.record.api.rawValue ?? "anthropic.count_tokens"
        let sent = DispatchTime.now().uptimeNanoseconds
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: .milliseconds(Int64(configuration.upstreamTimeoutSeconds * 1000)))
        } catch {
            throw upstreamFailure(error, responseStarted: false, api: apiLabel, exchange: exchange, start: start)
        }
        var headers = HTTPFields()
        for header in response.headers where !Self.responseHeadersNotForwarded.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        let status = HTTPResponse.Status(code: Int(response.status.code))
        let preparation = sent - start
        let streaming = response.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") ?? false
        if streaming {
            metrics.observe("dg_gateway_added_latency_seconds", Double(preparation) / 1e9, buckets: Self.latencyBuckets, ["api": apiLabel])
            metrics.increment("dg_gateway_requests_total", ["api": apiLabel, "status": String(status.code)])
            return Response(
                status: status, headers: headers,
                body: streamBody(
                    response, exchange: exchange, watermark: status == .ok ? watermark(for: exchange) : nil, status: status.code,
                    sent: sent,
                    start: start))
        }
        let collected: ByteBuffer
        do {
            collected = try await response.body.collect(upTo: Int.max)
        } catch {
            throw upstreamFailure(error, responseStarted: true, api: apiLabel, exchange: exchange, start: start)
        }
        let received = DispatchTime.now().uptimeNanoseconds
        var delivered = collected
        if let plan = exchange, status == .ok, let rewritten = rewrite(collected, plan: plan) {
            delivered = rewritten
        }
        if let plan = exchange {
            var record = plan.record
            record.status = status.code
            record.response = .body(collected.readableBytes <= Self.maximumCapturedBytes ? Array(collected.readableBytesView) : [])
            record.latencyMs = Double(received - start) / 1e6
            finish(record, plan: plan)
            // A watermark is not announced: the header would tell the client which responses carry it.
            if plan.decision.action != .allow && plan.decision.action != .watermark {
                headers[Self.actionHeader] = plan.decision.action.rawValue
            }
        }
        let done = DispatchTime.now().uptimeNanoseconds
        metrics.observe(
            "dg_gateway_upstream_latency_seconds", Double(received - sent) / 1e9, buckets: Self.latencyBuckets, ["api": apiLabel])
        metrics.observe(
            "dg_gateway_added_latency_seconds", Double(preparation + (done - received)) / 1e9, buckets: Self.latencyBuckets,
            ["api": apiLabel])
        metrics.increment("dg_gateway_requests_total", ["api": apiLabel, "status": String(status.code)])
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: delivered))
    }

    /// A non-streaming response body with reasoning stripped and text watermarked as the decision
    /// says, or nil when nothing changes.
    func rewrite(_ body: ByteBuffer, plan: ExchangePlan) -> ByteBuffer? {
        let degrade = plan.decision.degrade
        let watermark = watermark(for: plan)
        guard degrade != nil || watermark != nil, var object = (try? JSONParser.parse(body.readableBytesView))?.objectValue else {
            return nil
        }
        var changed = false
        if let stripped = degrade?.strip(response: object, api: plan.record.api) {
            object = stripped
            changed = true
        }
        if let watermark, let marked = watermark.apply(response: object, api: plan.record.api) {
            object = marked
            changed = true
        }
        guard changed else { return nil }
        var writer = JSONWriter(reservingCapacity: body.readableBytes)
        writer.write(.object(object))
        return ByteBuffer(bytes: writer.bytes)
    }

    /// The watermark to apply to this exchange's response, if the decision asks for one.
    func watermark(for plan: ExchangePlan?) -> Watermark? {
        guard let plan, plan.decision.watermark else { return nil }
        return configuration.policy.watermark
    }

    /// The upstream's event stream, passed on chunk by chunk while a copy is kept for the event;
    /// with a watermark, text deltas are rewritten as they pass.
    ///
    /// A stream the upstream breaks off (a reset, a stall past the idle timeout) ends for the
    /// client with an error event in the API's shape, so that its SDK raises instead of taking a
    /// truncated answer for a whole one. A client that goes away cancels the upstream request.
    /// Either way the exchange is recorded with the part of the stream that was delivered.
    func streamBody(
        _ response: HTTPClientResponse, exchange: ExchangePlan?, watermark: Watermark?, status: Int, sent: UInt64, start: UInt64
    ) -> ResponseBody {
        ResponseBody { [self] writer in
            var capture: [UInt8] = []
            var upstreamFailure: (any Error)?
            var clientFailure: (any Error)?
            var marker = watermark.flatMap { watermark in exchange.map { WatermarkedEventStream(watermark, api: $0.record.api) } }
            do {
                // The iterator lives only in this scope: leaving it early cancels the upstream request.
                var chunks = response.body.makeAsyncIterator()
                while clientFailure == nil {
                    let next: ByteBuffer?
                    do { next = try await chunks.next() } catch {
                        upstreamFailure = error
                        break
                    }
                    guard let chunk = next else { break }
                    if exchange != nil, capture.count + chunk.readableBytes <= Self.maximumCapturedBytes {
                        capture.append(contentsOf: chunk.readableBytesView)
                    }
                    do {
                        if marker != nil {
                            let bytes = marker!.feed(chunk.readableBytesView)
                            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                        } else {
                            try await writer.write(chunk)
                        }
                    } catch {
                        clientFailure = error
                    }
                }
            }
            let apiLabel = exchange?.record.api.rawValue ?? "anthropic.count_tokens"
            if clientFailure == nil {
                do {
                    if let rest = marker?.finish(), !rest.isEmpty { try await writer.write(ByteBuffer(bytes: rest)) }
                    if let upstreamFailure {
                        let failure = streamFailure(upstreamFailure, api: apiLabel)
                        try await writer.write(ByteBuffer(bytes: failure.streamEvent(for: exchange?.record.api ?? .anthropicMessages)))
                    }
                    try await writer.finish(nil)
                } catch {
                    clientFailure = error
                }
            }
            if clientFailure != nil {
                metrics.increment("dg_gateway_stream_interruptions_total", ["api": apiLabel, "cause": "client_disconnected"])
                logger.info(
                    "client went away mid-stream; upstream request cancelled",
                    metadata: ["dg.api": "\(apiLabel)", "dg.exchange.id": "\(exchange?.record.id ?? "-")"])
            }
            let received = DispatchTime.now().uptimeNanoseconds
            metrics.observe(
                "dg_gateway_upstream_latency_seconds", Double(received - sent) / 1e9, buckets: Self.latencyBuckets, ["api": apiLabel])
            if let plan = exchange {
                var record = plan.record
                record.status = status
                record.response = .stream(capture)
                record.latencyMs = Double(received - start) / 1e6
                finish(record, plan: plan)
            }
            if let clientFailure { throw clientFailure }
        }
    }

    /// The error a stream ends with when the upstream broke it off, counted and logged.
    func streamFailure(_ error: any Error, api: String) -> ProviderError {
        let timedOut = Self.isTimeout(error)
        metrics.increment(
            "dg_gateway_stream_interruptions_total", ["api": api, "cause": timedOut ? "upstream_timeout" : "upstream_broken"])
        metrics.increment("dg_gateway_upstream_errors_total", ["api": api, "kind": timedOut ? "timeout" : "broken"])
        logger.warning("upstream stream broke off", metadata: ["dg.api": "\(api)", "dg.error": "\(error)"])
        return timedOut
            ? ProviderError(
                status: 504, kind: .upstream, message: "The upstream API stopped sending before the stream was complete",
                code: "upstream_timeout")
            : ProviderError(
                status: 502, kind: .upstream, message: "The upstream API broke off the stream before it was complete",
                code: "upstream_broken")
    }

    static func isTimeout(_ error: any Error) -> Bool {
        guard let error = error as? HTTPClientError else { return false }
        return error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
    }

    /// Queues the exchange for analysis and charges token buckets with its usage.
    func finish(_ record: ExchangeRecord, plan: ExchangePlan) {
        analysis.submit(record)
        guard !plan.decision.tokenCharges.isEmpty, let event = EngineInput.event(record)?.event else { return }
        let tokens = Double((event.usage.inputTokens ?? 0) + (event.usage.outputTokens ?? 0))
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        buckets.withLock { buckets in
            for charge in plan.decision.tokenCharges { buckets.charge(charge.key, perMinute: charge.perMinute, cost: tokens, now: now) }
        }
    }

    /// The error the client gets when the upstream cannot be reached, times out, or breaks off a
    /// response before its end, in the API's shape.
    func upstreamFailure(
        _ error: any Error, responseStarted: Bool, api: String, exchange: ExchangePlan?, start: UInt64
    ) -> ProviderError {
        let kind = Self.isTimeout(error) ? "timeout" : responseStarted ? "broken" : "unreachable"
        metrics.increment("dg_gateway_upstream_errors_total", ["api": api, "kind": kind])
        logger.warning("upstream request failed", metadata: ["dg.api": "\(api)", "dg.error": "\(error)"])
        let failure: ProviderError
        switch kind {
        case "timeout":
            failure = ProviderError(
                status: 504, kind: .upstream, message: "The upstream API did not answer in time", code: "upstream_timeout")
        case "broken":
            failure = ProviderError(
                status: 502, kind: .upstream, message: "The upstream API broke off its response before it was complete",
                code: "upstream_broken")
        default:
            failure = ProviderError(
                status: 502, kind: .upstream, message: "The upstream API could not be reached", code: "upstream_unreachable")
        }
        if let plan = exchange {
            var record = plan.record
            record.status = failure.status
            record.response = .body(failure.body(for: plan.provider))
            record.latencyMs = Self.milliseconds(since: start)
            analysis.submit(record)
        }
        return failure
    }
}
