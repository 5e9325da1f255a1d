import FoundationEssentials
import OffboardCore

/// Akana user IDs: `<uuid>.<tenant>`. The tenant is fixed up front (explicit or from the
/// session), or by the first ID; an ID of any other tenant is refused, so a batch never
/// reaches into a tenant the operator did not mean. With the tenant fixed up front, a bare UUID
/// is taken as that tenant's user, and the operator is told so once.
public struct AkanaIDFormat: IDFormat {
    public private(set) var tenant: String?
    private var tenantSource: String
    /// The tenant was known before any ID was read (`--fed-member`, `AKANA_FED_MEMBER`, the session).
    private let tenantGiven: Bool
    /// Bare UUIDs taken as the given tenant's, and the first of them.
    private var bareCount = 0
    private var firstBare: UUID?

    /// - Parameters:
    ///   - tenant: the tenant every ID must belong to, when known before reading them.
    ///   - source: where that tenant came from, for messages (`--fed-member`, `the saved session`);
    ///     unused when the first ID sets the tenant.
    public init(tenant: String?, source: String) {
        self.tenant = tenant
        self.tenantSource = source
        tenantGiven = tenant != nil
    }

    public var suffix: String { tenant.map { ".\($0)" } ?? "" }

    public mutating func parse(_ text: Substring) -> Result<UserID, IDFormatError> {
        let utf8 = text.utf8
        if utf8.count == 36, let uuid = UUID(parsing: text) {
            guard tenantGiven else {
                return .failure(
                    IDFormatError(
                        "has no tenant (Akana IDs are <uuid>.<tenant>) — add it, or name the tenant with --fed-member to take bare UUIDs as its users"
                    ))
            }
            bareCount += 1
            if firstBare == nil { firstBare = uuid }
            return .success(.uuid(uuid))
        }
        guard utf8.count > 37, let uuid = UUID(parsing: text.prefix(36)), text.dropFirst(36).first == "." else {
            return .failure(
                IDFormatError("is not an Akana user ID (expected <uuid>.<tenant>, like cb50e0c5-2bc4-4195-8932-0391ad6066bb.acmepaymentscorp)"))
        }
        let idTenant = String(text.dropFirst(37))
        guard AkanaIDFormat.isValidTenant(idTenant) else {
            return .failure(IDFormatError("has a malformed tenant after the UUID (letters, digits, - and _ only)"))
        }
        if let tenant {
            guard idTenant == tenant else {
                return .failure(IDFormatError("belongs to tenant \(idTenant), not \(tenant) (\(tenantSource))", wrongTenant: true))
            }
        } else {
            tenant = idTenant
            tenantSource = "the tenant of the first ID"
        }
        return .success(.uuid(uuid))
    }

    /// Bare UUIDs taken as the given tenant's users, said once.
    public var readingNotes: [String] {
        guard let tenant, let firstBare else { return [] }
        let taken =
            bareCount == 1
            ? "\(firstBare.lowercasedString) has no tenant and is taken as \(firstBare.lowercasedString).\(tenant)"
            : "\(bareCount) IDs have no tenant and are taken as <uuid>.\(tenant)"
        return ["\(taken) (\(tenantSource))"]
    }

    public static func isValidTenant(_ tenant: String) -> Bool {
        !tenant.isEmpty && tenant.utf8.count <= 128
            && tenant.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F
            }
    }
}
