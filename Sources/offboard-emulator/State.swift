// The emulator's in-memory world: both vendors' users, Akana sessions, counters and fault dice.
// One `Mutex<WorldState>` holds it all.
import FoundationEssentials

struct Person: Sendable {
    let firstName: String
    let lastName: String
    let email: String

    var name: String { "\(firstName) \(lastName)" }
}

enum People {
    /// The demo users of both vendors, in ID order (README lists them).
    static let demo: [Person] = [
        ("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing"), ("Katherine", "Johnson"),
        ("Edsger", "Dijkstra"), ("Barbara", "Liskov"), ("Donald", "Knuth"), ("Margaret", "Hamilton"),
        ("Ken", "Thompson"), ("Frances", "Allen"), ("Dennis", "Ritchie"), ("Radia", "Perlman"),
    ].map { Person(firstName: $0, lastName: $1, email: "\($0.lowercased()).\($1.lowercased())@acme.example") }
    /// `--seed-users` user i: `Seed User<i>`, `seed.user<i>@example.com`.
    static func seeded(_ i: Int) -> Person {
        Person(firstName: "Seed", lastName: "User\(i)", email: "seed.user\(i)@example.com")
    }
}

struct EmulatedUser<Profile> {
    let id: String
    let person: Person
    let profile: Profile
    /// Fixed, so a search by creation time is repeatable: 2025-01-15T09:00:00Z plus one minute per user.
    let createdAt: Date
    var deletedAt: Date?
    /// DELETEs that reached this ID, whatever their outcome (faults included).
    var deleteRequests = 0
    /// Transitions active → deleted (0 or 1).
    var deletions = 0

    var isDeleted: Bool { deletedAt != nil }
}

/// Users of one vendor, sorted by ID, with an index for O(1) lookup.
struct UserDirectory<Profile> {
    private(set) var users: [EmulatedUser<Profile>] = []
    private var indexByID: [String: Int] = [:]

    /// Builds the directory; duplicate IDs keep their first entry.
    init(_ entries: [(id: String, person: Person, profile: Profile)]) {
        let firstCreated = Date(timeIntervalSince1970: 1_736_931_600)
        for (number, entry) in entries.enumerated() where indexByID[entry.id] == nil {
            indexByID[entry.id] = -1
            users.append(
                EmulatedUser(
                    id: entry.id, person: entry.person, profile: entry.profile,
                    createdAt: firstCreated + Double(number * 60)))
        }
        users.sort { $0.id < $1.id }
        for (index, user) in users.enumerated() { indexByID[user.id] = index }
    }

    func index(of id: String) -> Int? { indexByID[id] }

    /// Counts a DELETE aimed at `id` if it names a known user; returns how many came before it
    /// (0 for an unknown ID).
    @discardableResult
    mutating func countDeleteRequest(for id: String) -> Int {
        guard let i = indexByID[id] else { return 0 }
        users[i].deleteRequests += 1
        return users[i].deleteRequests - 1
    }

    mutating func markDeleted(at index: Int, now: Date) {
        users[index].deletedAt = now
        users[index].deletions += 1
    }
}

struct WorldState {
    var torii: ToriiState
    var akana: AkanaState
    var faults: FaultState
    /// Answers sent per API, by status code (as text: JSON object keys), so a benchmark can
    /// count the 429s and 401s a run met.
    var answersByStatus: [VendorAPI: [String: Int]] = [:]

    mutating func countAnswer(_ status: Int, api: VendorAPI) {
        answersByStatus[api, default: [:]][String(status), default: 0] += 1
    }
}

/// Seeded users shared by both vendors: ID `00000000-0000-4000-8000-` + 12 hex digits of i.
func seededUsers(count: Int) -> [(id: String, person: Person)] {
    guard count > 0 else { return [] }
    return (1...count).map { ("00000000-0000-4000-8000-" + zeroPadded(String($0, radix: 16), width: 12), People.seeded($0)) }
}

/// `GET /_emulator/state` (README documents it field by field).
struct StateSnapshot: Encodable {
    struct User: Encodable {
        let id: String
        var environment: String? = nil
        let state: String
        let deleteRequests: Int
        let deletions: Int

        init(_ user: EmulatedUser<some Any>, environment: ToriiEnvironment? = nil) {
            (id, self.environment, state) = (user.id, environment?.rawValue, user.isDeleted ? "deleted" : "active")
            (deleteRequests, deletions) = (user.deleteRequests, user.deletions)
        }
    }

    struct Torii: Encodable {
        let keyEnvironment: String
        let deleteRequests: Int
        let answersByStatus: [String: Int]
        let users: [User]
    }

    struct Akana: Encodable {
        let tenant: String
        let deleteRequests: Int
        let activeSessions: Int
        let answersByStatus: [String: Int]
        let users: [User]
    }

    let torii: Torii
    let akana: Akana
}

extension WorldState {
    func snapshot(toriiKeyEnvironment: ToriiEnvironment, tenant: String, nowMilliseconds: Int64) -> StateSnapshot {
        StateSnapshot(
            torii: .init(
                keyEnvironment: toriiKeyEnvironment.rawValue, deleteRequests: torii.deleteRequests,
                answersByStatus: answersByStatus[.torii] ?? [:], users: torii.directory.users.map { .init($0, environment: $0.profile) }),
            akana: .init(
                tenant: tenant, deleteRequests: akana.deleteRequests,
                activeSessions: akana.activeSessionCount(nowMilliseconds: nowMilliseconds),
                answersByStatus: answersByStatus[.akana] ?? [:], users: akana.directory.users.map { .init($0) }))
    }
}
