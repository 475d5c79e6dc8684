import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Several logs replayed as one, in time order.
///
/// Each file is read by its own thread (decoding on every core as usual) into a bounded queue; the
/// caller's thread repeatedly takes the earliest head among the queues. Files must each be in time
/// order, as gateways write them; interleaved files (one per gateway replica, say) then come out
/// merged. Duplicate ids are filtered here, across all files; rejects from every file go to the
/// one reject file. Memory stays bounded: at most `mergeQueueCapacity` events wait per file.
extension EventLogReader {
    static let mergeQueueCapacity = 4096

    mutating func readMerged(_ paths: [String], computeFeatures: Bool, _ body: (Event, ExchangeFeatures?) throws -> Void) throws -> Summary
    {
        let rejects = RejectWriter(path: configuration.rejectsPath)
        var perFile = configuration
        perFile.showProgress = false
        let queues = paths.map { _ in MergeQueue(capacity: Self.mergeQueueCapacity) }
        let done = DispatchGroup()
        for (index, path) in paths.enumerated() {
            let queue = queues[index]
            let configuration = perFile
            let shared = SharedRejects(rejects)
            DispatchQueue.global().async(group: done) {
                var reader = EventLogReader(configuration: configuration)
                do {
                    let summary = try reader.read([path], computeFeatures: computeFeatures, rejects: shared.writer, deduplicate: false) {
                        event, features in
                        queue.push(Pending(event: event, features: features))
                    }
                    queue.close(summary: summary, error: nil)
                } catch {
                    queue.close(summary: nil, error: error)
                }
            }
        }
        defer {
            for queue in queues { queue.cancel() }
            done.wait()
        }
        var summary = Summary(files: paths)
        var heads: [Pending?] = queues.map { $0.pop() }
        while true {
            var earliest: Int?
            for (index, head) in heads.enumerated() {
                guard let head else { continue }
                if earliest == nil || head.event.timestamp < heads[earliest!]!.event.timestamp { earliest = index }
            }
            guard let index = earliest, let next = heads[index] else { break }
            heads[index] = queues[index].pop()
            guard duplicates.insert(next.event.id) else {
                summary.duplicates += 1
                continue
            }
            summary.events += 1
            try body(next.event, next.features)
        }
        for queue in queues {
            if let error = queue.error { throw error }
            guard let part = queue.summary else { continue }
            summary.rejected += part.rejected
            summary.blankLines += part.blankLines
            summary.bytesRead += part.bytesRead
            summary.warnings += part.warnings
            summary.rejectSamples += part.rejectSamples.prefix(max(0, configuration.rejectSampleLimit - summary.rejectSamples.count))
        }
        try finish(&summary, rejects: rejects)
        return summary
    }
}

struct Pending: @unchecked Sendable {
    var event: Event
    var features: ExchangeFeatures?
}

/// The reject writer shared by the file threads; `RejectWriter` serializes its own writes.
struct SharedRejects: @unchecked Sendable {
    let writer: RejectWriter

    init(_ writer: RejectWriter) {
        self.writer = writer
    }
}

/// A bounded first-in first-out queue between one file's reader and the merge.
final class MergeQueue: @unchecked Sendable {
    private var items: [Pending] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false
    private(set) var summary: EventLogReader.Summary?
    private(set) var error: (any Error)?
    /// Allocated, not stored inline: pthread objects must not move, and `&` on a property may
    /// hand over a temporary copy.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(capacity: Int) {
        self.capacity = capacity
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Adds an event, waiting while the queue is full (unless the merge has stopped).
    func push(_ item: Pending) {
        pthread_mutex_lock(mutex)
        while items.count - head >= capacity && !cancelled { pthread_cond_wait(changed, mutex) }
        if !cancelled { items.append(item) }
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// The next event, waiting for one; nil once the file is finished and drained.
    func pop() -> Pending? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == items.count && !closed { pthread_cond_wait(changed, mutex) }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        pthread_cond_broadcast(changed)
        return item
    }

    func close(summary: EventLogReader.Summary?, error: (any Error)?) {
        pthread_mutex_lock(mutex)
        self.summary = summary
        self.error = error
        closed = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Stops the producer from waiting (the merge ended early, for example on an error).
    func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }
}
