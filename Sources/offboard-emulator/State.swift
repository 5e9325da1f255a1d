// The emulator's in-memory world: both vendors' users, Akana sessions, counters and fault dice.
// One `Protected<WorldState>` holds it all behind a single mutex.

struct EmulatedUser {
    let id: String
    var deleted = false
    /// DELETEs that reached this ID, whatever their outcome (faults included).
    var deleteRequests = 0
    /// Transitions active → deleted (0 or 1).
    var deletions = 0

    init(id: String) {
        self.id = id
    }
}

/// Users of one vendor, sorted by ID, with an index for O(1) lookup.
struct UserDirectory<Extra> {
    private(set) var users: [EmulatedUser] = []
    private(set) var extras: [Extra] = []
    private var indexByID: [String: Int] = [:]

    /// Builds the directory; duplicate IDs keep their first entry.
    init(_ entries: [(id: String, extra: Extra)]) {
        let sorted = entries.sorted { $0.id < $1.id }
        users.reserveCapacity(sorted.count)
        extras.reserveCapacity(sorted.count)
        indexByID.reserveCapacity(sorted.count)
        for entry in sorted where indexByID[entry.id] == nil {
            indexByID[entry.id] = users.count
            users.append(EmulatedUser(id: entry.id))
            extras.append(entry.extra)
        }
    }

    func index(of id: String) -> Int? {
        indexByID[id]
    }

    /// Counts a DELETE aimed at `id` if it names a known user; returns how many came before it
    /// (0 for an unknown ID).
    @discardableResult
    mutating func countDeleteRequest(for id: String) -> Int {
        guard let i = indexByID[id] else { return 0 }
        users[i].deleteRequests += 1
        return users[i].deleteRequests - 1
    }

    mutating func markDeleted(at index: Int) {
        users[index].deleted = true
        users[index].deletions += 1
    }
}

struct WorldState {
    var torii: ToriiState
    var akana: AkanaState
    var faults: FaultState
}

/// Seeded user IDs shared by both vendors: `00000000-0000-4000-8000-` + 12 hex digits of i.
func seededUserIDs(count: Int) -> [String] {
    guard count > 0 else { return [] }
    return (1...count).map { "00000000-0000-4000-8000-" + hex(UInt64($0), width: 12) }
}

extension WorldState {
    /// Renders `GET /_emulator/state`. Linear in the number of users (200k users ≈ 46 MB).
    func stateJSON(toriiKeyEnvironment: ToriiEnvironment, tenant: String, nowMilliseconds: Int64) -> [UInt8] {
        let userCount = torii.directory.users.count + akana.directory.users.count
        var json = JSONWriter(capacity: 256 + userCount * 128)
        json.raw("{\"torii\":{\"keyEnvironment\":")
        json.string(toriiKeyEnvironment.rawValue)
        json.raw(",\"deleteRequests\":")
        json.int(torii.deleteRequests)
        json.raw(",\"users\":[")
        let users = torii.directory.users
        let environments = torii.directory.extras
        for i in users.indices {
            json.raw(i == 0 ? "{\"id\":" : ",{\"id\":")
            json.string(users[i].id)
            json.raw(environments[i] == .test ? ",\"environment\":\"test\"" : ",\"environment\":\"live\"")
            appendCounters(users[i], to: &json)
        }
        json.raw("]},\"akana\":{\"tenant\":")
        json.string(tenant)
        json.raw(",\"deleteRequests\":")
        json.int(akana.deleteRequests)
        json.raw(",\"activeSessions\":")
        json.int(akana.activeSessionCount(nowMilliseconds: nowMilliseconds))
        json.raw(",\"users\":[")
        for (i, user) in akana.directory.users.enumerated() {
            json.raw(i == 0 ? "{\"id\":" : ",{\"id\":")
            json.string(user.id)
            appendCounters(user, to: &json)
        }
        json.raw("]}}")
        return json.bytes
    }

    /// `,"state":…,"deleteRequests":n,"deletions":n}` — closes the user object.
    private func appendCounters(_ user: EmulatedUser, to json: inout JSONWriter) {
        json.raw(user.deleted ? ",\"state\":\"deleted\",\"deleteRequests\":" : ",\"state\":\"active\",\"deleteRequests\":")
        json.int(user.deleteRequests)
        json.raw(",\"deletions\":")
        json.int(user.deletions)
        json.raw("}")
    }
}
