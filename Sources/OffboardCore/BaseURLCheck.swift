import HTTPCore

/// Whether this run's base URL has shown itself to be the API's. A 404 can mean "no such user"
/// or "no such route" (a base URL that already ends in the API's path, a proxy's page): the
/// first 404 of a run is double-checked with the service's probe, and only once the API has
/// answered in its own shape are 404s taken for missing users. The happy path pays nothing.
///
/// Shared by the plans of one run, on the transport's thread only.
public final class BaseURLCheck: @unchecked Sendable {
    public private(set) var confirmed = false

    public init() {}

    /// The result of a plan whose 404 sent the probe: the 404's own result when the API
    /// answered the probe, else a configuration failure, which stops the batch.
    func conclude(
        _ probe: Result<HTTPResponse, TransportError>, for notFound: DeletionResult,
        service: any DeletionService
    ) -> DeletionResult {
        if case .success(let response) = probe, service.isOwnAnswer(toProbe: response) {
            confirmed = true
            return notFound
        }
        let said =
            switch probe {
            case .success(let response): "HTTP \(response.status)"
            case .failure(let error): error.message
            }
        var result = notFound
        result.verdict = .failed(
            .configuration,
            service.wrongBaseURLMessage(evidence: "404 for this user, and \(said) for a request the API always answers"))
        return result
    }
}
