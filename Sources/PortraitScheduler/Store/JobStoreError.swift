/// Why the job store refused a request.
public enum JobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    /// config/jobs.yaml declares a name that `portrait jobs create` already uses.
    case nameTakenByRuntimeJob(String)
    /// A stored value the scheduler cannot read back (edited by hand?).
    case corrupt(job: String, problem: String)

    public var description: String {
        switch self {
        case .notFound(let name): "no job named \(name)"
        case .alreadyExists(let name): "a job named \(name) already exists"
        case .nameTakenByRuntimeJob(let name): "config/jobs.yaml declares \(name), but a job of that name was created at run time; rename one of them"
        case .corrupt(let job, let problem): "job \(job) is stored with \(problem)"
        }
    }
}
