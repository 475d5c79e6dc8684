import DistillGuardCore
import Hummingbird

/// `GET /health`: liveness for load balancers and orchestrators.
struct HealthRoutes {
    func register(on router: Router<some RequestContext>) {
        router.get("/health") { _, _ in
            Response.json(["status": "ok"])
        }
    }
}
