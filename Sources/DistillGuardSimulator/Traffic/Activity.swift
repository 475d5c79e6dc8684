import DistillGuardCore

/// How intensely an account sends requests at a given moment, in [0, 1]; events are placed by
/// thinning a Poisson process against this curve.
struct ActivityCurve {
    let activity: Population.Activity
    let timeZoneOffset: Double
    /// Population-wide windows (hours of the UTC day) for `bursts` and `synchronized`.
    let sharedWindows: [ClosedRange<Double>]

    /// Relative request rate by local hour: quiet at night, peaks in the afternoon and evening.
    static let diurnal: [Double] = [
        0.12, 0.07, 0.05, 0.04, 0.04, 0.06, 0.14, 0.3, 0.5, 0.68, 0.8, 0.86,
        0.84, 0.88, 0.92, 0.9, 0.86, 0.82, 0.8, 0.84, 0.9, 0.8, 0.55, 0.28,
    ]

    func intensity(at time: Timestamp) -> Double {
        let utcHours = time.seconds / 3600
        let utcHourOfDay = utcHours - 24 * (utcHours / 24).rounded(.down)
        let localHours = (utcHours + timeZoneOffset).rounded(.down)
        let localDay = Int((localHours / 24).rounded(.down))
        let localHour = Int(localHours) - localDay * 24
        // 1970-01-01 was a Thursday: day 0 → weekday index 3 (Mon = 0).
        let weekday = ((localDay + 3) % 7 + 7) % 7
        let weekend = weekday >= 5
        switch activity {
        case .diurnal:
            return Self.diurnal[localHour] * (weekend ? 0.75 : 1)
        case .businessHours:
            if weekend { return 0.04 }
            return (9...18).contains(localHour) ? 1 : (localHour >= 19 && localHour <= 22 ? 0.15 : 0.02)
        case .steady:
            return 1
        case .bursts, .synchronized:
            let inside = sharedWindows.contains { $0.contains(utcHourOfDay) }
            return inside ? 1 : (activity == .bursts ? 0.01 : 0.02)
        }
    }

    /// Mean intensity over a window, sampled every 20 minutes.
    func meanIntensity(from start: Timestamp, until end: Timestamp) -> Double {
        var total = 0.0
        var count = 0
        var t = start
        while t < end {
            total += intensity(at: t)
            count += 1
            t = t.adding(seconds: 1200)
        }
        return count == 0 ? 1 : max(total / Double(count), 0.001)
    }
}
