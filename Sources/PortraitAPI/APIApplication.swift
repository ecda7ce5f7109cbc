import Hummingbird
import HummingbirdCore
import Logging
import NIOPosix
import PortraitCore

/// The API server: `portrait serve` runs it, `portrait demo` runs it in-process. Running it
/// (`runService()`) handles SIGTERM and SIGINT with a graceful shutdown.
public func makeAPIApplication(configuration: APIConfiguration, logger: Logger = Logger(label: "portrait.api")) -> some ApplicationProtocol {
    // One set of services for the router and the fast path: they share the key cache.
    let services = APIServices(configuration: configuration, logger: logger)
    let serverName = "portrait"
    let fastPath = configuration.profileFastPath ? ProfileFastPath(services: services, logger: logger, serverName: serverName) : nil
    return Application(
        router: makeAPIRouter(services: services, configuration: configuration),
        server: httpServer(configuration: configuration, fastPath: fastPath),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        logger: logger)
}

/// HTTP/1 with each connection handled on its own event loop (``EventLoopHTTP1Channel``) and
/// profile reads answered in the pipeline when `fastPath` is given, unless
/// ``APIConfiguration/handlersOnEventLoop`` is off (then neither).
private func httpServer(configuration: APIConfiguration, fastPath: ProfileFastPath?) -> HTTPServerBuilder {
    let http1 = HTTP1Channel.Configuration(
        // New handlers per connection: they track that connection's requests.
        additionalChannelHandlers: [MalformedRequestHandler(), HealthCheckHandler()],
        idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: APIApplicationLimits.maxRequestHeadBytes, maxHeaderListSize: APIApplicationLimits.maxRequestHeadBytes))
    guard configuration.handlersOnEventLoop else { return .http1(configuration: http1) }
    // Application serves on the singleton group by default: the executors are its loops'.
    let executors = EventLoopTaskExecutors(group: MultiThreadedEventLoopGroup.singleton)
    return HTTPServerBuilder { responder in
        EventLoopHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: http1), executors: executors, fastPath: fastPath)
    }
}

/// Every route of the API, with authentication and the JSON error shape (tests call it to
/// compare the routes with `web-api/openapi.yaml`).
public func makeAPIRouter(configuration: APIConfiguration, logger: Logger = Logger(label: "portrait.api")) -> Router<APIRequestContext> {
    makeAPIRouter(services: APIServices(configuration: configuration, logger: logger), configuration: configuration)
}

private func makeAPIRouter(services: APIServices, configuration: APIConfiguration) -> Router<APIRequestContext> {
    let router = Router(context: APIRequestContext.self)
    // Added before any route, so they wrap every route and the not-found answer too. The
    // metrics and the access log sit outside the error mapping, so they count and log the
    // status the client got (a definition error is a 400 there too, not an unmapped 500).
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: AccessLogMiddleware(level: configuration.accessLogLevel, accessLog: configuration.accessLog))
    router.add(middleware: APIErrorMiddleware())
    router.add(middleware: PathLimitMiddleware())
    router.add(middleware: RequestTimeoutMiddleware(limit: .milliseconds(Int64(configuration.requestTimeoutSeconds * 1_000))))
    let table = RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(routes: table))
    let routes = APIRoutes(router: router, services: services, table: table)
    HealthRoutes.register(routes, openAPIDocument: configuration.openAPIDocument, metricsText: configuration.metricsText)
    ProfileRoutes.register(routes)
    TimelineRoutes.register(routes)
    DefinitionRoutes.register(MetricDefinition.self, routes)
    DefinitionRoutes.register(TagDefinition.self, routes)
    SegmentRoutes.register(routes)
    SavedSegmentRoutes.register(routes)
    TagStatsRoutes.register(routes)
    PipelineRoutes.register(routes)
    EventRoutes.register(routes)
    JobRoutes.register(routes)
    ModelRoutes.register(routes)
    ConsoleRoutes.register(routes, directory: configuration.consoleDirectory)
    return router
}
