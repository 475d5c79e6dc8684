import DistillGuardCore
import DistillGuardStore
import Hummingbird
import Logging

/// Settings of the HTTP service.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, in bytes; larger requests get 413.
    public var maximumBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maximumBodyBytes: Int = 16 << 20) {
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// Builds the intel service's HTTP application (health and, when given a store, TAXII 2.1);
/// callable from tests (HummingbirdTesting) and from `distillguard intel serve`.
///
/// - Parameter taxii: the intel store to publish over TAXII 2.1 and the bearer token partners use.
public func buildApplication(
    configuration: ServerConfiguration, taxii: (store: IntelStore, token: String)? = nil, logger: Logger = Logger(label: "distillguard")
) -> some ApplicationProtocol {
    let router = Router()
    HealthRoutes().register(on: router)
    if let taxii { TAXIIRoutes(store: taxii.store, token: taxii.token).register(on: router) }
    return Application(
        router: router,
        server: .distillguard,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "distillguard"),
        logger: logger
    )
}
