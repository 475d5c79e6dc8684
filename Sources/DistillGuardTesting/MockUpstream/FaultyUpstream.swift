import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// An upstream that misbehaves on purpose, on a real loopback socket: it reads each HTTP/1.1
/// request and answers it by a script of raw writes, pauses, resets and closes, so that tests can
/// produce what no well-behaved server sends (a stall mid-stream, a reset, a body shorter than its
/// `content-length`, malformed server-sent events).
///
/// A script that ends without `.close` or `.reset` leaves the connection open and silent: a stall.
public final class FaultyUpstream: Sendable {
    public enum Step: Sendable {
        /// Writes these bytes as they are (status line and headers included).
        case send(String)
        /// Waits before the next step (a slow upstream; not a test's wait for a condition).
        case pause(milliseconds: Int)
        /// Aborts the connection with a TCP reset (`SO_LINGER` 0, then close).
        case reset
        /// Closes the connection in order (FIN).
        case close
    }

    /// What the upstream saw.
    public struct Observations: Sendable {
        /// Requests read completely (headers and `content-length` bytes of body).
        public var requests = 0
        /// Connections the other side (the gateway) closed before the script did.
        public var closedByPeer = 0
        /// Connections accepted.
        public var connections = 0
    }

    public let port: Int
    let channel: any Channel
    let recorder: Recorder

    private init(port: Int, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.channel = channel
        self.recorder = recorder
    }

    /// Starts listening on 127.0.0.1 at an ephemeral port; every request gets `script`.
    public static func start(_ script: [Step]) async throws -> FaultyUpstream {
        let recorder = Recorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                recorder.state.withLock { $0.connections += 1 }
                return channel.pipeline.addHandler(ScriptedConnection(script: script, recorder: recorder))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FaultyUpstream(port: channel.localAddress?.port ?? 0, channel: channel, recorder: recorder)
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public var observations: Observations { recorder.state.withLock { $0 } }

    /// Stops listening (open connections are left to their peers).
    public func stop() async throws {
        try await channel.close()
    }

    final class Recorder: Sendable {
        let state = Mutex(Observations())
    }
}

/// One connection: reads requests, answers each by the script.
final class ScriptedConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    let script: [FaultyUpstream.Step]
    let recorder: FaultyUpstream.Recorder
    var pending: [UInt8] = []
    var scriptEnded = false

    init(script: [FaultyUpstream.Step], recorder: FaultyUpstream.Recorder) {
        self.script = script
        self.recorder = recorder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        guard let length = Self.requestLength(pending) else { return }
        pending.removeFirst(length)
        recorder.state.withLock { $0.requests += 1 }
        run(script[...], on: context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !scriptEnded { recorder.state.withLock { $0.closedByPeer += 1 } }
        context.fireChannelInactive()
    }

    /// Plays the script on the connection's event loop (not on the concurrency pool, which a busy
    /// test run can hold up: the upstream answers on time whatever else runs).
    func run(_ steps: ArraySlice<FaultyUpstream.Step>, on channel: any Channel) {
        guard let step = steps.first else { return }
        let rest = steps.dropFirst()
        switch step {
        case .send(let text):
            channel.writeAndFlush(ByteBuffer(string: text)).whenComplete { _ in self.run(rest, on: channel) }
        case .pause(let milliseconds):
            channel.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) { self.run(rest, on: channel) }
        case .reset:
            scriptEnded = true
            let linger = (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
            (linger ?? channel.eventLoop.makeSucceededVoidFuture()).whenComplete { _ in channel.close(promise: nil) }
        case .close:
            scriptEnded = true
            channel.close(promise: nil)
        }
    }

    /// The length of the first complete request in `bytes` (headers and body), or nil while incomplete.
    static func requestLength(_ bytes: [UInt8]) -> Int? {
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        guard bytes.count >= 4, let headerEnd = (0...(bytes.count - 4)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(end) })
        else { return nil }
        let head = String(decoding: bytes[..<headerEnd], as: UTF8.self).lowercased()
        let length =
            head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let total = headerEnd + 4 + length
        return bytes.count >= total ? total : nil
    }
}
